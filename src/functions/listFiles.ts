import { listFilesRoute } from '../api/query.js';
import { registerHttp } from '../app/register.js';
import { listFiles as list } from '../core/query/listFiles.js';
import { locateSession } from '../core/query/locate.js';
import { json } from '../http/respond.js';
import { httpFunction } from '../http/route.js';

/** `GET …/sessions/{session}/files?prefix=&delimiter=/&limit=&cursor=`: one page of the session's files. */
export const listFiles = httpFunction(listFilesRoute, ({ store }) => async ({ params, query }) => {
  const { prefix = '', clusterId, ...page } = query;
  const session = await locateSession(store, { ...params, clusterId });
  return json(200, await list(store, session, { ...page, prefix }));
});

registerHttp(listFiles);

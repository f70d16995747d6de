import { listSessionsRoute } from '../api/query.js';
import { registerHttp } from '../app/register.js';
import { clusterSessions } from '../core/index/read.js';
import { json } from '../http/respond.js';
import { httpFunction } from '../http/route.js';

/** `GET /api/v1/clusters/{namespace}/{cluster}/sessions?limit=&cursor=`: the cluster's sessions, newest first, a page at a time. */
export const listSessions = httpFunction(
  listSessionsRoute,
  ({ store }) =>
    async ({ params, query }) =>
      json(200, await clusterSessions(store, params.namespace, params.cluster, query)),
);

registerHttp(listSessions);

import { app } from '@azure/functions';
import { intParam, queryParam } from '../http/params.js';
import { sessionQuery } from '../http/queryParams.js';
import { invalidParameter } from '../core/errors.js';
import { listFiles, listingPrefix } from '../core/query/listFiles.js';
import { locateSession } from '../core/query/locate.js';
import { http, json } from '../http/respond.js';
import { dataStore } from '../storage/clients.js';
import { queryAuthLevel } from '../storage/config.js';

function delimiter(value: string, field: string): string {
  if (value !== '/') throw invalidParameter(field, `${field} must be "/" (or absent)`);
  return value;
}

/** `GET …/sessions/{session}/files?prefix=&delimiter=/&limit=&cursor=`: one page of the session's files. */
export const listFilesHandler = http(async (req) => {
  const session = sessionQuery(req);
  const prefix = queryParam(req, 'prefix', listingPrefix) ?? '';
  const delim = queryParam(req, 'delimiter', delimiter);
  const limit = intParam(req, 'limit', 1, 1000, 1000) ?? 1000;
  const cursor = queryParam(req, 'cursor');
  const store = dataStore();
  const listing = await listFiles(store, await locateSession(store, session), {
    prefix,
    limit,
    ...(delim !== undefined && { delimiter: '/' as const }),
    ...(cursor !== undefined && { cursor }),
  });
  return json(200, listing);
});

app.http('listFiles', {
  methods: ['GET'],
  route: 'v1/clusters/{namespace}/{cluster}/sessions/{session}/files',
  authLevel: queryAuthLevel(),
  handler: listFilesHandler,
});

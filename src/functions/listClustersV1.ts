import { app } from '@azure/functions';
import { clustersV1 } from '../core/index/read.js';
import { intParam, queryParam } from '../http/params.js';
import { http, json } from '../http/respond.js';
import { dataStore } from '../storage/clients.js';
import { queryAuthLevel } from '../storage/config.js';

/** `GET /api/v1/clusters?limit=&cursor=`: indexed clusters with their session counts and latest session, a page at a time. */
export const listClustersV1Handler = http(async (req) => {
  const limit = intParam(req, 'limit', 1, 1000, 1000) ?? 1000;
  const cursor = queryParam(req, 'cursor');
  return json(200, await clustersV1(dataStore(), { limit, ...(cursor !== undefined && { cursor }) }));
});

app.http('listClustersV1', {
  methods: ['GET'],
  route: 'v1/clusters',
  authLevel: queryAuthLevel(),
  handler: listClustersV1Handler,
});

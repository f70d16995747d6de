import { app } from '@azure/functions';
import { clustersV1 } from '../core/index/read.js';
import { http, json } from '../http/respond.js';
import { dataStore } from '../storage/clients.js';
import { queryAuthLevel } from '../storage/config.js';

/** `GET /api/v1/clusters`: every indexed cluster with its session count and latest session. */
export const listClustersV1Handler = http(async () => json(200, await clustersV1(dataStore())));

app.http('listClustersV1', {
  methods: ['GET'],
  route: 'v1/clusters',
  authLevel: queryAuthLevel(),
  handler: listClustersV1Handler,
});

import { app } from '@azure/functions';
import { kubeRayClusters } from '../core/index/read.js';
import { http, json } from '../http/respond.js';
import { dataStore } from '../storage/clients.js';
import { queryAuthLevel } from '../storage/config.js';

/** `GET /api/clusters`: KubeRay's ClusterInfo array, one per (cluster, session), newest first (the newest 10,000). */
export const listClustersHandler = http(async () => json(200, await kubeRayClusters(dataStore())));

app.http('listClusters', {
  methods: ['GET'],
  route: 'clusters',
  authLevel: queryAuthLevel(),
  handler: listClustersHandler,
});

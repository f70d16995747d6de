import { listClustersRoute } from '../api/query.js';
import { registerHttp } from '../app/register.js';
import { kubeRayClusters } from '../core/index/read.js';
import { json } from '../http/respond.js';
import { httpFunction } from '../http/route.js';

/** `GET /api/clusters`: KubeRay's ClusterInfo array, one per (cluster, session), newest first (the newest 10,000). */
export const listClusters = httpFunction(
  listClustersRoute,
  ({ store }) =>
    async () =>
      json(200, await kubeRayClusters(store)),
);

registerHttp(listClusters);

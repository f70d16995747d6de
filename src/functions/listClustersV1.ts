import { listClustersV1Route } from '../api/query.js';
import { registerHttp } from '../app/register.js';
import { clustersV1 } from '../core/index/read.js';
import { json } from '../http/respond.js';
import { httpFunction } from '../http/route.js';

/** `GET /api/v1/clusters`: every indexed cluster with its session count and latest session. */
export const listClustersV1 = httpFunction(
  listClustersV1Route,
  ({ store }) =>
    async () =>
      json(200, await clustersV1(store)),
);

registerHttp(listClustersV1);

import { listClustersV1Route } from '../api/query.js';
import { registerHttp } from '../app/register.js';
import { clustersV1 } from '../core/index/read.js';
import { json } from '../http/respond.js';
import { httpFunction } from '../http/route.js';

/** `GET /api/v1/clusters?limit=&cursor=`: indexed clusters with their session counts and latest session, a page at a time. */
export const listClustersV1 = httpFunction(
  listClustersV1Route,
  ({ store }) =>
    async ({ query }) =>
      json(200, await clustersV1(store, query)),
);

registerHttp(listClustersV1);

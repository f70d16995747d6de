import { clustersRootRoute } from '../api/dashboard.js';
import { registerHttp } from '../app/register.js';
import { kubeRayClusters } from '../core/index/read.js';
import { json } from '../http/respond.js';
import { httpFunction } from '../http/route.js';

/** `GET /clusters`: upstream's root cluster list, the same answer as `GET /api/clusters`. */
export const clustersRoot = httpFunction(
  clustersRootRoute,
  ({ store }) =>
    async () =>
      json(200, await kubeRayClusters(store)),
);

registerHttp(clustersRoot);

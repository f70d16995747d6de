import { failuresRoute } from '../api/ray.js';
import { registerHttp } from '../app/register.js';
import { failures } from '../core/dashboard/index.js';
import { locateSession } from '../core/query/locate.js';
import { json } from '../http/respond.js';
import { httpFunction } from '../http/route.js';

/** `GET …/sessions/{session}/failures`: why it failed, each failure one route from its log lines. */
export const sessionFailures = httpFunction(
  failuresRoute,
  ({ store }) =>
    async ({ params, query }) =>
      json(200, await failures(store, await locateSession(store, { ...params, clusterId: query.clusterId }))),
);

registerHttp(sessionFailures);

import { reindexRoute } from '../api/system.js';
import { registerHttp } from '../app/register.js';
import { reconcile } from '../core/index/reconcile.js';
import { json } from '../http/respond.js';
import { httpFunction } from '../http/route.js';

/**
 * `POST /api/v1/admin/reindex[?dryRun=true]` (master key): rebuilds the index from a full listing and
 * answers what differed ({added, removed, changed, skipped, …}).
 */
export const reindex = httpFunction(
  reindexRoute,
  ({ store }) =>
    async ({ query }) =>
      json(200, await reconcile(store, { dryRun: query.dryRun === 'true' })),
);

registerHttp(reindex);

import type { InvocationContext, Timer } from '@azure/functions';
import { registerTimer } from '../app/register.js';
import type { Deps } from '../app/deps.js';
import { reconcile } from '../core/index/reconcile.js';

/**
 * The scheduled reconcile: rebuilds the index from a listing of `log/` and `metadir/` (what
 * `npm run reindex` and `POST /api/v1/admin/reindex` do), so byte counts become exact and deleted
 * sessions leave the index without anyone running it by hand. Schedule: `%INDEX_RECONCILE_SCHEDULE%`;
 * off: `AzureWebJobs.reconcileIndex.Disabled=true`.
 */
export const reconcileIndex =
  ({ store }: Pick<Deps, 'store'>) =>
  async (_timer: Timer, context: InvocationContext): Promise<void> => {
    const r = await reconcile(store);
    context.log(
      `reconciled the index from ${r.blobs} blobs: ${r.sessions} sessions in ${r.clusters} clusters; ` +
        `${r.added.length} added, ${r.removed.length} removed, ${r.changed.length} changed, ${r.skippedCount} blobs skipped`,
    );
  };

registerTimer('reconcileIndex', 'INDEX_RECONCILE_SCHEDULE', reconcileIndex);

import { app, type InvocationContext, type Timer } from '@azure/functions';
import { reconcile } from '../core/index/reconcile.js';
import { dataStore } from '../storage/clients.js';
import { indexReconcileSchedule } from '../storage/config.js';

/**
 * The scheduled reconcile: rebuilds the index from a listing of `log/` and `metadir/` (what
 * `npm run reindex` and `POST /api/v1/admin/reindex` do), so byte counts become exact and deleted
 * sessions leave the index without anyone running it by hand. `INDEX_RECONCILE_SCHEDULE` (default
 * hourly; `off`: no timer).
 */
export async function reconcileIndexHandler(_timer: Timer, context: InvocationContext): Promise<void> {
  const r = await reconcile(dataStore());
  context.log(
    `reconciled the index from ${r.blobs} blobs: ${r.sessions} sessions in ${r.clusters} clusters; ` +
      `${r.added.length} added, ${r.removed.length} removed, ${r.changed.length} changed, ${r.skippedCount} blobs skipped`,
  );
}

const schedule = indexReconcileSchedule();
if (schedule !== undefined) {
  app.timer('reconcileIndex', { schedule, handler: reconcileIndexHandler });
}

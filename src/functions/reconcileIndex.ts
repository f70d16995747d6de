import type { InvocationContext, Timer } from '@azure/functions';
import { registerTimer } from '../app/register.js';
import type { Deps } from '../app/deps.js';
import { reconcileTick } from '../core/index/ticks.js';

/** How long one run of the timer works on the reconcile; the compaction tick continues it. */
const BUDGET_MS = 60_000;

/**
 * The scheduled reconcile: starts a run that compares the index with a listing of `log/` and
 * `metadir/` and fixes what differs (what `npm run reindex` and `POST /api/v1/admin/reindex` do), in
 * resumable chunks, so deleted data leaves the index without anyone running it by hand. Schedule:
 * `%INDEX_RECONCILE_SCHEDULE%`; off: `AzureWebJobs.reconcileIndex.Disabled=true`.
 */
export const reconcileIndex =
  ({ store }: Pick<Deps, 'store'>) =>
  async (_timer: Timer, context: InvocationContext): Promise<void> => {
    const r = await reconcileTick(store, BUDGET_MS);
    if (r === null) return context.log('reconcile: another compactor holds the lease; the next tick goes on');
    context.log(
      `reconciled the index from ${r.blobs} blobs${r.done ? '' : ' so far (continued by compactIndex)'}: ` +
        `${r.sessions} sessions in ${r.clusters} clusters; ` +
        `${r.added.length} added, ${r.removed.length} removed, ${r.changed.length} changed, ${r.skippedCount} blobs skipped`,
    );
  };

registerTimer('reconcileIndex', '%INDEX_RECONCILE_SCHEDULE%', reconcileIndex);

import type { InvocationContext, Timer } from '@azure/functions';
import { registerTimer } from '../app/register.js';
import type { Deps } from '../app/deps.js';
import { compactionTick } from '../core/index/ticks.js';
import { registrationSettings } from '../storage/config.js';

/** Each run stays within this, so runs never overlap at the default 5-second schedule. */
const BUDGET_MS = 4_000;

/**
 * The compaction tick (every 5 s; `INDEX_COMPACT_SCHEDULE`): applies the index's due journal marks (trailing re-reads of
 * growing files) and advances an unfinished reconcile run (docs/indexer.md, "The compactor").
 */
export const compactIndex =
  ({ store }: Pick<Deps, 'store'>) =>
  async (_timer: Timer, context: InvocationContext): Promise<void> => {
    const { compacted, reconcile } = await compactionTick(store, BUDGET_MS);
    if (compacted.marks > 0)
      context.log(`compacted ${compacted.marks} index marks into ${compacted.sessions} sessions`);
    if (reconcile !== null)
      context.log(
        `reconcile ${reconcile.runId}: ${reconcile.done ? 'done' : 'under way'}, ${reconcile.chunks} chunks`,
      );
  };

registerTimer('compactIndex', registrationSettings().compactSchedule, compactIndex);

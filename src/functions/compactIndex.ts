import { app, type InvocationContext, type Timer } from '@azure/functions';
import { compactionTick } from '../core/index/ticks.js';
import { dataStore } from '../storage/clients.js';

/** Each run stays within this, so runs never overlap at a 5-second schedule. */
const BUDGET_MS = 4_000;

/**
 * The compaction tick (every 5 s): applies the index's due journal marks (trailing re-reads of
 * growing files) and advances an unfinished reconcile run (docs/indexer.md, "The compactor").
 */
export async function compactIndexHandler(_timer: Timer, context: InvocationContext): Promise<void> {
  const { compacted, reconcile } = await compactionTick(dataStore(), BUDGET_MS);
  if (compacted.marks > 0)
    context.log(`compacted ${compacted.marks} index marks into ${compacted.sessions} sessions`);
  if (reconcile !== null)
    context.log(
      `reconcile ${reconcile.runId}: ${reconcile.done ? 'done' : 'under way'}, ${reconcile.chunks} chunks`,
    );
}

app.timer('compactIndex', { schedule: '*/5 * * * * *', handler: compactIndexHandler });

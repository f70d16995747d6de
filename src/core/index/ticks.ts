/**
 * What the index's timers do. The compaction tick (every few seconds) applies due marks — the
 * trailing re-reads, and anything a debounced pass left — and advances an unfinished reconcile
 * run by a chunk or more; on a deployment that never ran one (an `index/v1` deployment upgrading)
 * it starts the first, so the index builds itself. The reconcile tick (hourly by default) starts a
 * run, or continues the one still going.
 */
import type { BlobStore } from '../../storage/blobStore.js';
import type { CompactStats } from './compactor.js';
import { indexerFor } from './indexer.js';
import { Reconciler, type ReconcileReport } from './reconcile.js';

export interface TickResult {
  compacted: CompactStats;
  /** The reconcile run this tick advanced, if any. */
  reconcile: ReconcileReport | null;
}

/** The compaction tick, within `budgetMs`. */
export async function compactionTick(
  store: BlobStore,
  budgetMs: number,
  now = Date.now,
): Promise<TickResult> {
  const started = now();
  const compacted = await indexerFor(store).compactor.run(budgetMs);
  const rec = new Reconciler(store, { clock: now });
  const state = await rec.state();
  if (state === null) await rec.start();
  else if (state.st.phase === 'done') return { compacted, reconcile: null };
  const left = budgetMs - (now() - started);
  const r = left > 0 ? await rec.step(left) : null;
  return { compacted, reconcile: r === 'busy' ? null : r };
}

/** The reconcile tick: starts a run unless one is under way, then works on it within `budgetMs`. */
export async function reconcileTick(store: BlobStore, budgetMs: number): Promise<ReconcileReport | null> {
  const rec = new Reconciler(store);
  const state = await rec.state();
  if (state === null || state.st.phase === 'done') await rec.start();
  const r = await rec.step(budgetMs);
  return r === 'busy' ? null : r;
}

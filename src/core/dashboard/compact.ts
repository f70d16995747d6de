/**
 * Compaction of a session's dashboard state: one writer at a time (the lease on the session's lock
 * blob), rounds of bounded batches until every listed event file is folded in or the time budget is
 * spent, each round ending in an ETag-guarded swap of the manifest. Superseded documents are kept
 * for two more generations and a grace period (readers holding an older manifest keep working, and
 * one that is later still re-reads the manifest), then deleted.
 */
import type { BlobStore } from '../../storage/blobStore.js';
import { dashboardLockBlob, dashboardManifestBlob, dashboardPrefix, type SessionRef } from '../layout.js';
import { DashboardCache } from './cache.js';
import { compactRound, type RoundLimits } from './compactRound.js';
import { readManifest } from './docs.js';
import { emptyManifest, referenced, type Manifest } from './manifest.js';
import { CorruptState } from './shardFile.js';

const LEASE_SECONDS = 60;
const RENEW_AFTER_MS = 15_000;
/** Superseded documents live at least this long (and two generations) before deletion. */
export const RETIRE_GRACE_MS = 60_000;
/** Every this many generations, documents no manifest names (left by a failed round) are swept. */
const SWEEP_EVERY = 25;
const ORPHAN_AGE_MS = 10 * 60_000;

export interface CompactOptions {
  /** The clock (default Date.now). */
  now?: () => number;
  /** No new round starts after this long (default 240 s: under the Functions default timeout). */
  budgetMs?: number;
  limits?: Partial<RoundLimits>;
  /** Start over from the events (corrupt state). */
  rebuild?: boolean;
}

export interface CompactOutcome {
  /** `busy`: another compaction holds the session; `unchanged`: nothing to fold. */
  status: 'compacted' | 'unchanged' | 'busy';
  rounds: number;
  files: number;
  /** Event files listed but not folded yet (the budget ran out). */
  remaining: number;
  generation: number;
}

/** The lease was lost mid-compaction (it expired and another writer took over): nothing was swapped. */
export class LeaseLost extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LeaseLost';
  }
}

const NO_CACHE = new DashboardCache(0);
const DEFAULT_LIMITS: RoundLimits = { batchBytes: 48 * 2 ** 20, batchFiles: 2000, shardRows: 2000 };

/** Compacts the session unless another compaction holds it (then `busy`, at once). */
export async function compactSession(
  store: BlobStore,
  ref: SessionRef,
  options: CompactOptions = {},
): Promise<CompactOutcome> {
  const lock = dashboardLockBlob(ref);
  const lease = await store.acquireLease(lock, LEASE_SECONDS);
  if (lease === null) return { status: 'busy', rounds: 0, files: 0, remaining: 0, generation: -1 };
  try {
    return await compactHeld(store, ref, lease, options);
  } finally {
    await store.releaseLease(lock, lease);
  }
}

async function compactHeld(
  store: BlobStore,
  ref: SessionRef,
  lease: string,
  options: CompactOptions,
): Promise<CompactOutcome> {
  const now = options.now ?? Date.now;
  const started = now();
  const budget = options.budgetMs ?? 240_000;
  const lock = dashboardLockBlob(ref);
  let renewedAt = started;
  const keepAlive = async () => {
    if (now() - renewedAt < RENEW_AFTER_MS) return;
    if (!(await store.renewLease(lock, lease))) throw new LeaseLost(`lost the lease of ${lock}`);
    renewedAt = now();
  };
  // Documents read to be rewritten are superseded at once: keeping them would only crowd the cache.
  // The manifest too: each round writes a new one (growing by what it retires until the grace
  // passes), and keeping every round's in the process cache grew the heap with the session.
  const ctx = {
    store,
    cache: NO_CACHE,
    ref,
    keepAlive,
    now,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
  };
  const out: CompactOutcome = { status: 'unchanged', rounds: 0, files: 0, remaining: 0, generation: 0 };
  let rebuild = options.rebuild === true;
  for (;;) {
    const blob = dashboardManifestBlob(ref);
    const props = await store.properties(blob);
    const stored = await readManifest(store, blob, NO_CACHE);
    const reset = rebuild || stored.corrupt;
    const base = reset ? restart(stored.manifest, now()) : (stored.manifest ?? emptyManifest());
    let round;
    try {
      round = await compactRound(ctx, base, stored.etag !== null, props?.lastModified.getTime());
    } catch (err) {
      if (!(err instanceof CorruptState) || reset) throw err;
      rebuild = true; // a stored document is unreadable: start over from the events
      continue;
    }
    rebuild = false;
    const next = round.manifest ?? (reset ? base : null);
    out.generation = (next ?? base).generation;
    if (next === null) break;
    await swap(store, ref, stored.etag, next, now());
    out.status = 'compacted';
    out.rounds += 1;
    out.files += round.files;
    out.remaining = round.remaining;
    if (round.remaining === 0 || now() - started > budget) break;
  }
  return out;
}

/** A fresh start that retires everything the old manifest named. */
function restart(old: Manifest | null, at: number): Manifest {
  const generation = (old?.generation ?? 0) + 1;
  const retired =
    old === null
      ? []
      : [...old.retired, ...referenced(old).map((b): [string, number, number] => [b, generation, at])];
  return { ...emptyManifest(generation - 1), retired };
}

/** Writes `next` over the manifest read with `etag`, then deletes what it no longer needs. */
async function swap(
  store: BlobStore,
  ref: SessionRef,
  etag: string | null,
  next: Manifest,
  now: number,
): Promise<void> {
  const due = (r: [string, number, number]) => r[1] <= next.generation - 2 && r[2] <= now - RETIRE_GRACE_MS;
  const doomed = next.retired.filter(due).map(([b]) => b);
  const written = { ...next, retired: next.retired.filter((r) => !due(r)) };
  const blob = dashboardManifestBlob(ref);
  const text = JSON.stringify(written);
  const ok =
    etag === null
      ? await store.putIfAbsent(blob, text, 'application/json')
      : await store.putIfMatch(blob, text, 'application/json', etag);
  if (!ok) throw new LeaseLost(`the manifest of ${dashboardPrefix(ref)} changed under this compaction`);
  for (const b of doomed) await store.delete(b);
  if (written.generation % SWEEP_EVERY === 0) await sweepOrphans(store, ref, written, now);
}

/** Deletes old documents that no manifest names (written by a round whose swap failed). */
async function sweepOrphans(store: BlobStore, ref: SessionRef, m: Manifest, now: number): Promise<void> {
  const keep = new Set([
    ...referenced(m),
    ...m.retired.map(([b]) => b),
    dashboardManifestBlob(ref),
    dashboardLockBlob(ref),
  ]);
  let cursor: string | undefined;
  do {
    const page = await store.list({
      prefix: dashboardPrefix(ref),
      pageSize: 5000,
      ...(cursor && { cursor }),
    });
    for (const b of page.blobs)
      if (!keep.has(b.name) && b.lastModified.getTime() < now - ORPHAN_AGE_MS) await store.delete(b.name);
    cursor = page.cursor;
  } while (cursor !== undefined);
}

/**
 * The compactor: the single writer of every index document but the journal. It holds the lease of
 * `index/v2/compactor.lock` while it works, applies due marks a listing page at a time, and renews
 * the lease before each batch of writes (so it writes only while no other compactor can hold it).
 * It runs as a debounced step right after a trigger wrote news, and on a timer for everything else.
 *
 * No mark is left behind when passes end: a writer marks, then starts a pass; a pass that finds
 * another already running in this process (or in another, by the lease) leaves the mark to it, and
 * every pass lists the journal once more after it stopped (and released), so a mark written while
 * it was stopping is seen by that listing.
 */
import type { BlobStore } from '../../storage/blobStore.js';
import { compactorLockBlob } from '../layout.js';
import { applyMarks } from './apply.js';
import { isDue, listJournal } from './journal.js';
import type { Guard, Warn } from './pages.js';

/** Seconds of the compactor's lease; it renews after a third of it. */
export const LEASE_SECONDS = 30;

/** This compactor lost its lease (expired while it was stalled): it stops writing. */
export class LeaseLost extends Error {
  constructor() {
    super('the compactor lease was lost; another compactor may be running');
    this.name = 'LeaseLost';
  }
}

export interface CompactorOptions {
  /** Epoch milliseconds now (default Date.now). */
  clock?: () => number;
  warn?: Warn;
  /** Storage calls in flight at once within a round (default 16). */
  concurrency?: number;
  /** Marks per round (one journal listing page; default 5000). */
  pageSize?: number;
}

export interface CompactStats {
  rounds: number;
  marks: number;
  sessions: number;
  /** Another compactor held the lease, so this pass left the work to it. */
  busy: boolean;
}

export class Compactor {
  readonly #clock: () => number;
  readonly #warn: Warn;
  readonly #concurrency: number;
  readonly #pageSize: number;
  #running = false;

  constructor(
    readonly store: BlobStore,
    opts: CompactorOptions = {},
  ) {
    this.#clock = opts.clock ?? Date.now;
    this.#warn = opts.warn ?? (() => {});
    this.#concurrency = opts.concurrency ?? 16;
    this.#pageSize = opts.pageSize ?? 5000;
  }

  /**
   * Runs `fn` holding the compactor lease; 'busy' when another holds it. `fn` gets the guard to
   * call before writing. The lease is released after (if that fails, it expires by itself).
   */
  async withLease<T>(fn: (guard: Guard) => Promise<T>): Promise<T | 'busy'> {
    const lock = compactorLockBlob();
    const leaseId = await this.store.acquireLease(lock, LEASE_SECONDS);
    if (leaseId === null) return 'busy';
    let renewedAt = this.#clock();
    const guard: Guard = async () => {
      if (this.#clock() - renewedAt < (LEASE_SECONDS * 1000) / 3) return;
      if (!(await this.store.renewLease(lock, leaseId))) throw new LeaseLost();
      renewedAt = this.#clock();
    };
    try {
      return await fn(guard);
    } finally {
      await this.store.releaseLease(lock, leaseId).catch(() => undefined); // it expires anyway
    }
  }

  /** Applies due marks until none is left or `deadline` (epoch ms) passes; the lease must be held. */
  async drain(guard: Guard, deadline: number, stats: CompactStats): Promise<void> {
    for (;;) {
      const due = (await listJournal(this.store, this.#pageSize)).items.filter((i) =>
        isDue(i, this.#clock()),
      );
      if (due.length === 0 || this.#clock() >= deadline) return;
      const r = await applyMarks(this.store, due, guard, this.#warn, this.#concurrency);
      stats.rounds++;
      stats.marks += r.marks;
      stats.sessions += r.sessions;
    }
  }

  /** True when the journal holds a mark that can be applied now. */
  async hasDue(): Promise<boolean> {
    return (await listJournal(this.store, this.#pageSize)).items.some((i) => isDue(i, this.#clock()));
  }

  /**
   * One pass within `budgetMs`: applies what is due, unless another pass is at it (here, or in
   * another process: then it returns at once, and the holder's last listing, after it released
   * the lease, sees what was marked before). `marked`: the caller just wrote a mark, so the
   * journal is not listed before taking the lease.
   */
  async run(budgetMs: number, opts: { marked?: boolean } = {}): Promise<CompactStats> {
    const deadline = this.#clock() + budgetMs;
    const stats: CompactStats = { rounds: 0, marks: 0, sessions: 0, busy: false };
    for (let first = true; ; first = false) {
      if (this.#running) return stats; // that pass lists again after it stops
      if (!(first && opts.marked === true) && !(await this.hasDue())) return stats;
      this.#running = true;
      let outcome: 'busy' | void;
      try {
        outcome = await this.withLease((guard) => this.drain(guard, deadline, stats));
      } finally {
        this.#running = false;
      }
      stats.busy = outcome === 'busy';
      if (stats.busy || this.#clock() >= deadline) return stats;
    }
  }
}

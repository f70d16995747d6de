/**
 * What the blob triggers do with one notification: re-read the blob's properties from storage
 * (never trusting the notification), read the session's doc, and write at most one journal mark —
 * news (folded by the compactor at once), or, for the growth of a file the index already knows, a
 * trailing re-read of its source once per window. Then, if it wrote news, run the compactor as a
 * debounced step. A notification costs three storage calls however many sessions exist, and
 * writes nothing any other notification writes to (docs/indexer.md).
 */
import type { BlobStore } from '../../storage/blobStore.js';
import { parseBlobName, sessionDocBlob } from '../layout.js';
import { Compactor } from './compactor.js';
import { classify, observe, type ObservedProps } from './facts.js';
import { trailingDue, writeNews, writeRelist } from './journal.js';
import { readDoc, type Warn } from './pages.js';
import { parse } from './schema.js';

export interface IndexOutcome {
  /**
   * `news`/`growth`: a mark was written (or was already waiting); `unchanged`: the index already
   * holds it; the others: not indexed.
   */
  status: 'news' | 'growth' | 'unchanged' | 'skipped' | 'gone' | 'ignored';
  reason?: string;
  /** Journal marks written. */
  marks: number;
}

export interface IndexerOptions {
  /** Epoch milliseconds now (default Date.now). */
  clock?: () => number;
  /** Storage calls in flight at once within a compaction round (default 16). */
  concurrency?: number;
}

/** How long the debounced compaction after news may run. */
export const DEBOUNCE_BUDGET_MS = 20_000;

/** The index's writer side for one store: what the triggers, the timer and reconcile call. */
export class Indexer {
  readonly compactor: Compactor;
  readonly #clock: () => number;

  constructor(
    readonly store: BlobStore,
    opts: IndexerOptions = {},
  ) {
    this.#clock = opts.clock ?? Date.now;
    this.compactor = new Compactor(store, {
      clock: this.#clock,
      ...(opts.concurrency !== undefined && { concurrency: opts.concurrency }),
    });
  }

  /**
   * Writes the journal mark a blob's current state calls for; never throws for a bad name. `known`:
   * its properties as read from storage after the write being indexed (the trigger's host read
   * them); without them they are read here.
   */
  async mark(name: string, warn: Warn = () => {}, known: ObservedProps | null = null): Promise<IndexOutcome> {
    const parsed = parseBlobName(name);
    if (parsed.kind === 'index') return { status: 'ignored', reason: 'the index’s own blob', marks: 0 };
    if (parsed.kind === 'unknown') return { status: 'skipped', reason: parsed.reason, marks: 0 };
    const props = known ?? (await this.store.properties(name));
    if (props === null) return { status: 'gone', reason: 'the blob no longer exists', marks: 0 };
    const observed = observe(name, props);
    if (!observed.ok) return { status: 'skipped', reason: observed.reason, marks: 0 };
    const o = observed.observation;
    const { doc } = await readDoc(this.store, sessionDocBlob(o), parse.session, warn);
    const kind = classify(doc, o);
    if (kind === 'none') return { status: 'unchanged', marks: 0 };
    const source = o.metadata === true ? null : (o.clusterId ?? o.namespace);
    const trailing = () => writeRelist(this.store, o, source, trailingDue(this.#clock()));
    if (kind === 'growth') return { status: 'growth', marks: (await trailing()) ? 1 : 0 };
    if (await writeNews(this.store, name, o)) return { status: 'news', marks: 1 };
    // The same news is already waiting, from an older state of the blob: re-read it later too.
    return { status: 'news', marks: (await trailing()) ? 1 : 0 };
  }
}

const instances = new WeakMap<BlobStore, Indexer>();

/** The indexer of a store (one per store object, so the debounce is shared within a process). */
export function indexerFor(store: BlobStore): Indexer {
  let ix = instances.get(store);
  if (ix === undefined) instances.set(store, (ix = new Indexer(store)));
  return ix;
}

/**
 * Rebuilds the whole index from a full listing of `log/` and `metadir/`, with the same observe and
 * merge functions the trigger uses, so a complete replay of notifications and a reconcile agree
 * exactly. It reports what differed from the stored index and (unless `dryRun`) fixes it: writes
 * the documents that differ, deletes index blobs nothing backs any more, and never overwrites a
 * trigger's concurrent update (sync.ts).
 */
import type { BlobProps, BlobStore, Versioned } from '../../storage/blobStore.js';
import {
  clusterIndexBlob,
  clusterIndexPrefix,
  sessionIndexBlob,
  sessionIndexPrefix,
  summaryIndexBlob,
} from '../layout.js';
import { entryOf, summaryOf, withCluster, withEntry } from './derive.js';
import { mergeObservation, observe } from './facts.js';
import type { ClusterIndex, SessionFacts, SummaryIndex } from './schema.js';
import { canonical, CorruptIndexError } from './schema.js';
import { deleteGuarded, parseStored, writeGuarded, type SyncResult } from './sync.js';

const OWN_PREFIXES = [sessionIndexPrefix(), clusterIndexPrefix()];

/** Skipped blobs listed in a report; the rest are only counted. */
const MAX_SKIPPED_LISTED = 1000;

export interface ReconcileReport {
  dryRun: boolean;
  /** Blobs listed under `log/` and `metadir/`. */
  blobs: number;
  clusters: number;
  sessions: number;
  /** Sessions (`<namespace>/<cluster>/<session>`) the stored index lacked, listed but should not have, or had wrong. */
  added: string[];
  removed: string[];
  changed: string[];
  /** Blobs whose names do not parse (or have no namespace), with the reason. */
  skipped: { name: string; reason: string }[];
  skippedCount: number;
  /** Index blobs that were unreadable. */
  repaired: string[];
  /** Index blobs written and deleted (what would be, in a dry run). */
  written: number;
  deleted: number;
  /** Of those written, documents a trigger changed meanwhile, merged instead of overwritten. */
  merged: number;
}

/** The index a full listing implies: every document by blob name. */
export interface BuiltIndex {
  facts: Map<string, SessionFacts>;
  clusters: Map<string, ClusterIndex>;
  summary: SummaryIndex;
  blobs: number;
  skipped: { name: string; reason: string }[];
}

async function listAll(store: BlobStore, prefix: string, each: (b: BlobProps) => void): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await store.list({
      prefix,
      pageSize: 5000,
      includeMetadata: true,
      ...(cursor && { cursor }),
    });
    page.blobs.forEach(each);
    cursor = page.cursor;
  } while (cursor !== undefined);
}

/** Lists the data and builds the index it implies, without touching the stored index. */
export async function buildIndex(store: BlobStore): Promise<BuiltIndex> {
  const facts = new Map<string, SessionFacts>();
  const skipped: BuiltIndex['skipped'] = [];
  let blobs = 0;
  const take = (b: BlobProps) => {
    blobs++;
    const observed = observe(b.name, b);
    if (!observed.ok) {
      skipped.push({ name: b.name, reason: observed.reason });
      return;
    }
    const o = observed.observation;
    const key = sessionIndexBlob(o.namespace, o.cluster, o.session);
    facts.set(key, mergeObservation(facts.get(key) ?? null, o));
  };
  await listAll(store, 'log/', take);
  await listAll(store, 'metadir/', take);
  const clusters = new Map<string, ClusterIndex>();
  for (const f of [...facts.values()]) {
    const key = clusterIndexBlob(f.namespace, f.cluster);
    clusters.set(key, withEntry(clusters.get(key) ?? null, f.namespace, f.cluster, entryOf(f)));
  }
  let summary: SummaryIndex = { schemaVersion: 1, clusters: [] };
  for (const c of clusters.values()) summary = withCluster(summary, summaryOf(c));
  return { facts, clusters, summary, blobs, skipped };
}

/** Runs `fn` over `items`, at most `limit` at once. */
async function eachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function sessionEntries(index: ClusterIndex, into: Map<string, string>): void {
  for (const s of index.sessions) into.set(`${index.namespace}/${index.name}/${s.name}`, canonical(s));
}

interface Stored {
  docs: Map<string, Versioned>;
  /** The sessions the stored cluster documents list (`ns/cluster/session` → canonical entry). */
  sessions: Map<string, string>;
  repaired: Set<string>;
}

/** Reads every stored index document (only the index's own: ingest keeps data under index/ too). */
async function readStored(store: BlobStore, concurrency: number): Promise<Stored> {
  const names: string[] = [summaryIndexBlob()];
  for (const prefix of OWN_PREFIXES) await listAll(store, prefix, (b) => names.push(b.name));
  const stored: Stored = { docs: new Map(), sessions: new Map(), repaired: new Set() };
  await eachLimit(names, concurrency, async (name) => {
    const v = await store.readText(name);
    if (v === null) return;
    stored.docs.set(name, v);
    try {
      const doc = parseStored(name, v.text);
      if (doc?.kind === 'cluster') sessionEntries(doc.doc, stored.sessions);
    } catch (err) {
      if (!(err instanceof CorruptIndexError)) throw err;
      stored.repaired.add(name);
    }
  });
  return stored;
}

/** Makes the stored documents equal to `wanted`; in a dry run only counts what it would do. */
async function sync(
  store: BlobStore,
  wanted: Map<string, string>,
  stored: Stored,
  dryRun: boolean,
  concurrency: number,
): Promise<SyncResult> {
  const result: SyncResult = { written: 0, deleted: 0, merged: 0 };
  const names = [...new Set([...wanted.keys(), ...stored.docs.keys()])];
  await eachLimit(names, concurrency, async (name) => {
    const want = wanted.get(name);
    const seen = stored.docs.get(name) ?? null;
    if (want === undefined && seen !== null) {
      result.deleted++;
      if (!dryRun) await deleteGuarded(store, name, seen);
    } else if (want !== undefined && seen?.text !== want) {
      result.written++;
      if (!dryRun && (await writeGuarded(store, name, want, seen))) result.merged++;
    }
  });
  return result;
}

/** Rebuilds the index from a full listing; reports the differences and, unless `dryRun`, fixes them. */
export async function reconcile(
  store: BlobStore,
  options: { dryRun?: boolean; concurrency?: number } = {},
): Promise<ReconcileReport> {
  const dryRun = options.dryRun === true;
  const concurrency = options.concurrency ?? 16;
  // Read before listing: a document that changes after this was changed by a trigger (sync.ts).
  const stored = await readStored(store, concurrency);
  const built = await buildIndex(store);
  const wanted = new Map<string, string>();
  for (const [name, doc] of [...built.facts, ...built.clusters]) wanted.set(name, canonical(doc));
  wanted.set(summaryIndexBlob(), canonical(built.summary));
  const result = await sync(store, wanted, stored, dryRun, concurrency);

  const rebuilt = new Map<string, string>();
  for (const c of built.clusters.values()) sessionEntries(c, rebuilt);
  const old = stored.sessions;
  const keys = [...new Set([...rebuilt.keys(), ...old.keys()])].sort();
  return {
    dryRun,
    blobs: built.blobs,
    clusters: built.clusters.size,
    sessions: built.facts.size,
    added: keys.filter((k) => rebuilt.has(k) && !old.has(k)),
    removed: keys.filter((k) => !rebuilt.has(k) && old.has(k)),
    changed: keys.filter((k) => old.has(k) && rebuilt.has(k) && old.get(k) !== rebuilt.get(k)),
    skipped: built.skipped.slice(0, MAX_SKIPPED_LISTED),
    skippedCount: built.skipped.length,
    repaired: [...stored.repaired].filter((name) => wanted.has(name)).sort(),
    ...result,
  };
}

/**
 * Rebuilds the whole index from a full listing of `log/` and `metadir/`, with the same observe and
 * merge functions the trigger uses, so a complete replay of notifications and a reconcile agree
 * exactly. It reports what differed from the stored index and (unless `dryRun`) fixes it: writes
 * the documents that differ, deletes index blobs nothing backs any more.
 */
import type { BlobProps, BlobStore } from '../../storage/blobStore.js';
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
import { canonical, CorruptIndexError, parseCluster, parseFacts, parseSummary } from './schema.js';

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

const CLUSTERS_PREFIX = clusterIndexPrefix();

/** Parses a stored index document by its kind; CorruptIndexError when unreadable. */
function parseStored(name: string, text: string): unknown {
  if (name.startsWith(CLUSTERS_PREFIX)) return parseCluster(name, text);
  if (name === summaryIndexBlob()) return parseSummary(name, text);
  return parseFacts(name, text);
}

interface Sync {
  written: number;
  deleted: number;
  repaired: string[];
  /** The sessions the stored cluster documents listed (`ns/cluster/session` → canonical entry). */
  stored: Map<string, string>;
}

/** Makes the stored documents equal to `wanted` (writes, deletes); only counts in a dry run. */
async function syncDocuments(
  store: BlobStore,
  wanted: Map<string, string>,
  existing: string[],
  dryRun: boolean,
  concurrency: number,
): Promise<Sync> {
  const sync: Sync = { written: 0, deleted: 0, repaired: [], stored: new Map() };
  const names = [...new Set([...wanted.keys(), ...existing])];
  await eachLimit(names, concurrency, async (name) => {
    const want = wanted.get(name);
    const stored = await store.readText(name);
    if (stored !== null) {
      try {
        const doc = parseStored(name, stored.text);
        if (name.startsWith(CLUSTERS_PREFIX)) sessionEntries(doc as ClusterIndex, sync.stored);
      } catch (err) {
        if (!(err instanceof CorruptIndexError)) throw err;
        if (want !== undefined) sync.repaired.push(name);
      }
    }
    if (want === undefined && stored !== null) {
      sync.deleted++;
      if (!dryRun) await store.delete(name);
    } else if (want !== undefined && stored?.text !== want) {
      sync.written++;
      if (!dryRun) await store.put(name, want, 'application/json');
    }
  });
  return sync;
}

/** Rebuilds the index from a full listing; reports the differences and, unless `dryRun`, fixes them. */
export async function reconcile(
  store: BlobStore,
  options: { dryRun?: boolean; concurrency?: number } = {},
): Promise<ReconcileReport> {
  const dryRun = options.dryRun === true;
  const built = await buildIndex(store);
  const wanted = new Map<string, string>();
  for (const [name, doc] of [...built.facts, ...built.clusters]) wanted.set(name, canonical(doc));
  wanted.set(summaryIndexBlob(), canonical(built.summary));
  // Only the index's own documents: other data lives under index/ too (e.g. ingest's events-seen).
  const existing: string[] = [];
  for (const prefix of OWN_PREFIXES) await listAll(store, prefix, (b) => existing.push(b.name));
  const sync = await syncDocuments(store, wanted, existing, dryRun, options.concurrency ?? 16);

  const rebuilt = new Map<string, string>();
  for (const c of built.clusters.values()) sessionEntries(c, rebuilt);
  const keys = [...new Set([...rebuilt.keys(), ...sync.stored.keys()])].sort();
  return {
    dryRun,
    blobs: built.blobs,
    clusters: built.clusters.size,
    sessions: built.facts.size,
    added: keys.filter((k) => rebuilt.has(k) && !sync.stored.has(k)),
    removed: keys.filter((k) => !rebuilt.has(k) && sync.stored.has(k)),
    changed: keys.filter(
      (k) => sync.stored.has(k) && rebuilt.has(k) && sync.stored.get(k) !== rebuilt.get(k),
    ),
    skipped: built.skipped.slice(0, MAX_SKIPPED_LISTED),
    skippedCount: built.skipped.length,
    repaired: sync.repaired.sort(),
    written: sync.written,
    deleted: sync.deleted,
  };
}

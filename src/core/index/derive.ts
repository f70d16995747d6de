/**
 * From facts to the listing documents. Every field of a session entry only grows as its facts grow
 * (counts, bytes, sets, the latest time; the earliest time only shrinks), so merging entries field
 * by field is idempotent and order-free: two indexers that wrote entries from two versions of the
 * facts leave the entry of the newer version, whichever writes last.
 */
import { newestFirst, tryParseSession } from '../session.js';
import type { ClusterIndex, ClusterSummary, SessionEntry, SessionFacts, SummaryIndex } from './schema.js';
import { SCHEMA_VERSION } from './schema.js';

/** RFC 3339 UTC without milliseconds, or null. */
export function isoTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function unionSorted(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

function minTime(a: string | null, b: string | null): string | null {
  return a === null ? b : b === null ? a : a < b ? a : b;
}

function maxTime(a: string | null, b: string | null): string | null {
  return a === null ? b : b === null ? a : a > b ? a : b;
}

/** The cluster index's entry for a session. */
export function entryOf(facts: SessionFacts): SessionEntry {
  const id = tryParseSession(facts.session);
  let bytes = 0;
  for (const file of Object.values(facts.files)) for (const size of Object.values(file.sizes)) bytes += size;
  return {
    name: facts.session,
    createTime: id?.createTime ?? '',
    createTimeStamp: id?.createTimeStamp ?? 0,
    clusterIds: [...facts.clusterIds].sort(),
    nodes: [...facts.nodes].sort(),
    files: Object.keys(facts.files).length,
    bytes,
    firstActivity: isoTime(facts.firstActivity),
    lastActivity: isoTime(facts.lastActivity),
    hasMetadata: facts.hasMetadata,
  };
}

/** Field-by-field merge of two entries of the same session. */
export function mergeEntries(a: SessionEntry, b: SessionEntry): SessionEntry {
  return {
    ...a,
    clusterIds: unionSorted(a.clusterIds, b.clusterIds),
    nodes: unionSorted(a.nodes, b.nodes),
    files: Math.max(a.files, b.files),
    bytes: Math.max(a.bytes, b.bytes),
    firstActivity: minTime(a.firstActivity, b.firstActivity),
    lastActivity: maxTime(a.lastActivity, b.lastActivity),
    hasMetadata: a.hasMetadata || b.hasMetadata,
  };
}

function byNewest(a: { name: string }, b: { name: string }): number {
  const x = tryParseSession(a.name);
  const y = tryParseSession(b.name);
  return x === null || y === null ? cmp(a.name, b.name) : newestFirst(x, y);
}

/** The cluster index with `entry` merged in (a new object). */
export function withEntry(
  index: ClusterIndex | null,
  namespace: string,
  name: string,
  entry: SessionEntry,
): ClusterIndex {
  const sessions = index?.sessions ?? [];
  const old = sessions.find((s) => s.name === entry.name);
  const merged = old === undefined ? entry : mergeEntries(old, entry);
  const rest = sessions.filter((s) => s.name !== entry.name);
  return {
    schemaVersion: SCHEMA_VERSION,
    namespace,
    name,
    clusterIds: unionSorted(index?.clusterIds ?? [], entry.clusterIds),
    sessions: [...rest, merged].sort(byNewest),
  };
}

/** A cluster's line in the summary. */
export function summaryOf(index: ClusterIndex): ClusterSummary {
  return {
    namespace: index.namespace,
    name: index.name,
    clusterIds: [...index.clusterIds].sort(),
    sessions: index.sessions.map((s) => s.name),
    lastActivity: index.sessions.reduce<string | null>((t, s) => maxTime(t, s.lastActivity), null),
  };
}

function byCluster(a: ClusterSummary, b: ClusterSummary): number {
  return cmp(a.namespace, b.namespace) || cmp(a.name, b.name);
}

/** The summary with a cluster's line merged in (a new object). */
export function withCluster(summary: SummaryIndex | null, line: ClusterSummary): SummaryIndex {
  const clusters = summary?.clusters ?? [];
  const old = clusters.find((c) => c.namespace === line.namespace && c.name === line.name);
  const merged: ClusterSummary =
    old === undefined
      ? line
      : {
          ...line,
          clusterIds: unionSorted(old.clusterIds, line.clusterIds),
          sessions: [...new Set([...old.sessions, ...line.sessions])]
            .map((name) => ({ name }))
            .sort(byNewest)
            .map((s) => s.name),
          lastActivity: maxTime(old.lastActivity, line.lastActivity),
        };
  const rest = clusters.filter((c) => c !== old);
  return { schemaVersion: SCHEMA_VERSION, clusters: [...rest, merged].sort(byCluster) };
}

/** Two versions of a session's facts merged (unions, maxima, minima), e.g. a rebuilt and a concurrent one. */
export function mergeFacts(a: SessionFacts, b: SessionFacts): SessionFacts {
  const files = { ...a.files };
  for (const [key, f] of Object.entries(b.files)) {
    const had = files[key];
    if (had === undefined) {
      files[key] = f;
      continue;
    }
    const sizes = { ...had.sizes };
    for (const [seg, size] of Object.entries(f.sizes)) sizes[seg] = Math.max(sizes[seg] ?? 0, size);
    files[key] = { sizes, minute: Math.max(had.minute, f.minute) };
  }
  const min = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.min(x, y));
  const max = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.max(x, y));
  return {
    ...a,
    clusterIds: unionSorted(a.clusterIds, b.clusterIds),
    hasMetadata: a.hasMetadata || b.hasMetadata,
    nodes: unionSorted(a.nodes, b.nodes),
    files,
    firstActivity: min(a.firstActivity, b.firstActivity),
    lastActivity: max(a.lastActivity, b.lastActivity),
  };
}

/** Two versions of a cluster index merged entry by entry. */
export function mergeClusters(a: ClusterIndex, b: ClusterIndex): ClusterIndex {
  return b.sessions.reduce((index, entry) => withEntry(index, a.namespace, a.name, entry), {
    ...a,
    clusterIds: unionSorted(a.clusterIds, b.clusterIds),
  });
}

/** Two versions of the summary merged cluster by cluster. */
export function mergeSummaries(a: SummaryIndex, b: SummaryIndex): SummaryIndex {
  return b.clusters.reduce((summary, line) => withCluster(summary, line), a);
}

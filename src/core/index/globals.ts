/**
 * The two documents that span all clusters, written only by the compactor: the summary (one line
 * per cluster, for `GET /api/v1/clusters`) and the newest sessions of all clusters (for
 * `GET /api/clusters`, capped at RECENT_CAP rows).
 */
import type { BlobStore } from '../../storage/blobStore.js';
import { clusterHeadBlob, clusterPageBlob, recentBlob, summaryBlob } from '../layout.js';
import { byNewest } from './facts.js';
import { deleteDoc, readDoc, writeDoc, type Guard, type Warn } from './pages.js';
import type { ClusterLine, RecentDoc, SummaryDoc } from './schema.js';
import { canonical, parse, SCHEMA_VERSION } from './schema.js';

/** How many sessions `GET /api/clusters` lists at most: the newest of all clusters. */
export const RECENT_CAP = 10_000;

/** `[namespace, cluster, session]`. */
export type Row = [string, string, string];

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Summary lines in their order: by namespace, then cluster name. */
export function byCluster(a: ClusterLine, b: ClusterLine): number {
  return cmp(a.namespace, b.namespace) || cmp(a.name, b.name);
}

/** Newest session first; then namespace, then cluster. */
export function byNewestRow(a: Row, b: Row): number {
  return byNewest(a[2], b[2]) || cmp(a[0], b[0]) || cmp(a[1], b[1]);
}

const rowKey = (r: Row) => r.join('/');

/** Replaces the lines of the clusters in `lines` (null: the cluster has no session left); the new summary. */
export async function applyToSummary(
  store: BlobStore,
  lines: Map<string, { namespace: string; name: string; line: ClusterLine | null }>,
  guard: Guard,
  warn: Warn,
): Promise<SummaryDoc> {
  const read = await readDoc(store, summaryBlob(), parse.summary, warn);
  const kept = (read.doc?.clusters ?? []).filter((c) => !lines.has(`${c.namespace}/${c.name}`));
  const added = [...lines.values()].flatMap((l) => (l.line === null ? [] : [l.line]));
  const next: SummaryDoc = {
    schemaVersion: SCHEMA_VERSION,
    clusters: [...kept, ...added].sort(byCluster),
  };
  if (read.doc === null || canonical(next) !== canonical(read.doc)) {
    await guard();
    await writeDoc(store, summaryBlob(), next, read.etag);
  }
  return next;
}

/** The newest `cap` sessions of all clusters, merged from the clusters' pages (read as needed). */
export async function newestRows(
  store: BlobStore,
  summary: SummaryDoc,
  cap: number,
  warn: Warn,
): Promise<Row[]> {
  interface Stream {
    ns: string;
    name: string;
    pages: number[];
    buffer: string[];
  }
  const streams: Stream[] = [];
  await Promise.all(
    summary.clusters.map(async (c) => {
      const { doc } = await readDoc(store, clusterHeadBlob(c.namespace, c.name), parse.head, warn);
      if (doc !== null)
        streams.push({ ns: c.namespace, name: c.name, pages: doc.pages.map((p) => p.id), buffer: [] });
    }),
  );
  const fill = async (s: Stream) => {
    while (s.buffer.length === 0 && s.pages.length > 0) {
      const id = s.pages.shift() as number;
      const { doc } = await readDoc(store, clusterPageBlob(s.ns, s.name, id), parse.page, warn);
      s.buffer = (doc?.sessions ?? []).map((e) => e.name);
    }
  };
  await Promise.all(streams.map(fill));
  const rows: Row[] = [];
  while (rows.length < cap) {
    let best: Stream | undefined;
    for (const s of streams) {
      const head = s.buffer[0];
      if (head === undefined) continue;
      if (
        best === undefined ||
        byNewestRow([s.ns, s.name, head], [best.ns, best.name, best.buffer[0] as string]) < 0
      )
        best = s;
    }
    if (best === undefined) break;
    rows.push([best.ns, best.name, best.buffer.shift() as string]);
    await fill(best);
  }
  return rows;
}

/**
 * Adds and removes rows of the newest-sessions document. Removing one of its rows may leave it
 * short of sessions that exist: it is then rebuilt from the pages, so it always holds exactly the
 * newest min(RECENT_CAP, all) sessions.
 */
export async function applyToRecent(
  store: BlobStore,
  added: Row[],
  removed: Row[],
  summary: SummaryDoc,
  guard: Guard,
  warn: Warn,
): Promise<void> {
  if (added.length === 0 && removed.length === 0) return;
  const read = await readDoc(store, recentBlob(), parse.recent, warn);
  const gone = new Set(removed.map(rowKey));
  const before = read.doc?.rows ?? [];
  const byKey = new Map<string, Row>();
  for (const r of [...before, ...added]) if (!gone.has(rowKey(r))) byKey.set(rowKey(r), r);
  let rows = [...byKey.values()].sort(byNewestRow);
  const total = summary.clusters.reduce((n, c) => n + c.sessions, 0);
  const lostMember = read.doc === null || before.some((r) => gone.has(rowKey(r)));
  if (lostMember && rows.length < Math.min(RECENT_CAP, total))
    rows = await newestRows(store, summary, RECENT_CAP, warn);
  rows = rows.slice(0, RECENT_CAP);
  const next: RecentDoc = { schemaVersion: SCHEMA_VERSION, rows };
  if (read.doc !== null && canonical(next) === canonical(read.doc)) return;
  await guard();
  if (rows.length === 0 && read.etag !== null) await deleteDoc(store, recentBlob(), read.etag);
  else if (rows.length > 0) await writeDoc(store, recentBlob(), next, read.etag);
}

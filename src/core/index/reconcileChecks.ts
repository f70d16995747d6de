/**
 * Reconcile's chunks: each compares one listing page of data with what the index holds for it and
 * writes marks for what differs — merges where the index only lacks something (safe whatever
 * happened since the listing), re-reads where it holds too much (the compactor then reads the
 * source itself, so a deletion is applied exactly and nothing written since is lost). Reconcile
 * itself writes only the summary and the newest-sessions document, under the compactor's lease.
 */
import type { BlobStore } from '../../storage/blobStore.js';
import {
  CLUSTER_DOCS,
  LOG_SOURCES,
  logSourcePath,
  parseBlobName,
  parseLogSourceBlob,
  parseSessionDocBlob,
  SESSION_DOCS,
  sessionDocBlob,
  sessionKeyPath,
  type SessionKey,
  type SessionRef,
} from '../layout.js';
import { eachLimit } from './apply.js';
import { logFactsOf, mergeLogFacts, observe } from './facts.js';
import { joinByKey, takeSide, type SideState } from './join.js';
import { writeEntryMark, writeMerge, writeRelist, type Contribution } from './journal.js';
import { quoted, readDoc, type Warn } from './pages.js';
import type { LogFacts, MetaFacts, SessionDoc } from './schema.js';
import { canonical, CorruptIndexError, parse } from './schema.js';
import { eachBlob } from './sources.js';

/** Names listed per report list; the counts go on. */
export const MAX_LISTED = 1000;

export interface ReconcileReport {
  dryRun: boolean;
  runId: string;
  /** The run went through every phase (a run continues across invocations until then). */
  done: boolean;
  /** Blobs listed under `log/` and `metadir/`. */
  blobs: number;
  /** Clusters and sessions in the index at the end of the run. */
  clusters: number;
  sessions: number;
  /** Sessions (`<namespace>/<cluster>/<session>`) the index lacked, listed but should not have, or had wrong. */
  added: string[];
  removed: string[];
  changed: string[];
  /** Blobs whose names do not parse (or have no namespace), with the reason. */
  skipped: { name: string; reason: string }[];
  skippedCount: number;
  /** Index documents that were unreadable. */
  repaired: string[];
  /** Marks written for the compactor (fixes). */
  corrections: number;
  /** Documents reconcile wrote or deleted itself (the summary, newest sessions, the old `index/v1/`). */
  written: number;
  deleted: number;
  /** Chunks done so far. */
  chunks: number;
}

/** A log source whose blobs may go on in the next page: what the pages so far hold, by namespace. */
export interface Carry {
  path: string;
  ref: SessionRef;
  byNs: Record<string, LogFacts>;
}

export interface ChunkContext {
  store: BlobStore;
  dryRun: boolean;
  pageSize: number;
  concurrency: number;
  report: ReconcileReport;
  warn: Warn;
}

const sessionName = (k: SessionKey) => `${k.namespace}/${k.cluster}/${k.session}`;

function note(list: string[], value: string): void {
  if (list.length < MAX_LISTED && !list.includes(value)) list.push(value);
}

export function noteSkipped(ctx: ChunkContext, name: string, reason: string): void {
  ctx.report.skippedCount++;
  if (ctx.report.skipped.length < MAX_LISTED) ctx.report.skipped.push({ name, reason });
}

type Fix =
  | { kind: 'relist'; key: SessionKey; source: string | null }
  | { kind: 'merge'; key: SessionKey; c: Contribution }
  | { kind: 'entry'; key: SessionKey };

async function apply(ctx: ChunkContext, fixes: Fix[]): Promise<void> {
  ctx.report.corrections += fixes.length;
  if (ctx.dryRun) return;
  await eachLimit(fixes, ctx.concurrency, async (f) => {
    if (f.kind === 'relist') await writeRelist(ctx.store, f.key, f.source, 0);
    else if (f.kind === 'merge') await writeMerge(ctx.store, f.key, f.c);
    else await writeEntryMark(ctx.store, f.key);
  });
}

/** Session docs read once per chunk; an unreadable one is reported (and rebuilt by the fixes). */
class Docs {
  readonly #docs = new Map<string, Promise<{ doc: SessionDoc | null; corrupt: boolean }>>();
  constructor(readonly ctx: ChunkContext) {}

  get(key: SessionKey): Promise<{ doc: SessionDoc | null; corrupt: boolean }> {
    const name = sessionDocBlob(key);
    let p = this.#docs.get(name);
    if (p === undefined) {
      p = (async () => {
        const got = await this.ctx.store.readText(name);
        try {
          return { doc: parse.session(name, got?.text ?? null), corrupt: false };
        } catch (err) {
          if (!(err instanceof CorruptIndexError)) throw err;
          note(this.ctx.report.repaired, name);
          return { doc: null, corrupt: true };
        }
      })();
      this.#docs.set(name, p);
    }
    return p;
  }
}

/** Moves a side stream past `key` (the last data key a chunk handled). */
function advance(side: SideState, key: string | undefined): void {
  if (key !== undefined && (side.after === undefined || key > side.after)) side.after = key;
}

/** Compares one namespace's share of a log source with the doc; the fix, if any. */
async function checkLogSource(
  ctx: ChunkContext,
  docs: Docs,
  key: SessionKey,
  cid: string,
  want: LogFacts | undefined,
  registered: boolean,
): Promise<Fix | null> {
  const { doc, corrupt } = await docs.get(key);
  const r = ctx.report;
  if (corrupt) return { kind: 'relist', key, source: cid };
  const stored = doc?.logs[cid];
  if (want !== undefined) {
    if (stored === undefined) {
      note(doc === null ? r.added : r.changed, sessionName(key));
      return { kind: 'merge', key, c: { source: cid, logs: want } };
    }
    if (canonical(stored) !== canonical(want)) {
      note(r.changed, sessionName(key));
      const onlyLacks = canonical(mergeLogFacts(stored, want)) === canonical(want);
      return onlyLacks
        ? { kind: 'merge', key, c: { source: cid, logs: want } }
        : { kind: 'relist', key, source: cid };
    }
    return registered ? null : { kind: 'relist', key, source: cid };
  }
  if (stored !== undefined) {
    const only = doc !== null && doc.meta === null && Object.keys(doc.logs).length === 1;
    note(only ? r.removed : r.changed, sessionName(key));
    return { kind: 'relist', key, source: cid };
  }
  return registered ? { kind: 'relist', key, source: cid } : null;
}

/** The `log/` phase: one page of log blobs joined with the log-source registry; true when done. */
export async function logChunk(
  ctx: ChunkContext,
  st: { cursor?: string | undefined; carry?: Carry | undefined; side: SideState },
): Promise<boolean> {
  const page = await ctx.store.list({
    prefix: 'log/',
    pageSize: ctx.pageSize,
    includeMetadata: true,
    ...(st.cursor !== undefined && { cursor: st.cursor }),
  });
  ctx.report.blobs += page.blobs.length;
  const runs = new Map<string, Carry>();
  if (st.carry !== undefined) runs.set(st.carry.path, st.carry);
  for (const b of page.blobs) {
    const o = observe(b.name, b);
    if (!o.ok) {
      if (o.kind === 'skipped') noteSkipped(ctx, b.name, o.reason);
      continue;
    }
    const ref = {
      cluster: o.observation.cluster,
      clusterId: o.observation.clusterId ?? '',
      session: o.observation.session,
    };
    const path = logSourcePath(ref);
    const run = runs.get(path) ?? { path, ref, byNs: {} };
    const ns = o.observation.namespace;
    run.byNs[ns] = mergeLogFacts(run.byNs[ns], logFactsOf(o.observation));
    runs.set(path, run);
  }
  const last = [...runs.values()].pop();
  const carry = page.cursor !== undefined ? last : undefined;
  if (carry !== undefined) runs.delete(carry.path);
  const side = await takeSide(
    ctx.store,
    {
      prefix: LOG_SOURCES,
      includeMetadata: true,
      keyOf: (n) => (parseLogSourceBlob(n) === null ? null : n.slice(LOG_SOURCES.length, -'src'.length)),
    },
    st.side,
    page.cursor === undefined ? null : (carry?.path ?? ''),
    { exclusive: true },
  );
  const docs = new Docs(ctx);
  const checks: (() => Promise<Fix | null>)[] = [];
  const joined = joinByKey(
    [...runs.values()].map((run) => ({ key: run.path, value: run })),
    side.items.map((i) => ({
      key: i.key,
      value: (i.blob?.metadata.ns ?? '').split(',').filter((x) => x !== ''),
    })),
  );
  for (const [path, [run], [registered = []]] of joined) {
    const ref = run?.ref ?? parseLogSourceBlob(`${LOG_SOURCES}${path}src`);
    if (ref === null || ref === undefined) continue;
    for (const ns of new Set([...Object.keys(run?.byNs ?? {}), ...registered])) {
      const key = { namespace: ns, cluster: ref.cluster, session: ref.session };
      checks.push(() =>
        checkLogSource(ctx, docs, key, ref.clusterId, run?.byNs[ns], registered.includes(ns)),
      );
    }
  }
  const fixes: Fix[] = [];
  await eachLimit(checks, ctx.concurrency, async (check) => {
    const f = await check();
    if (f !== null) fixes.push(f);
  });
  await apply(ctx, fixes);
  // The data has passed these keys: entries the compactor adds there now are this chunk's fixes.
  advance(st.side, [...runs.keys()].pop());
  st.cursor = page.cursor;
  st.carry = carry;
  return page.cursor === undefined;
}

function metaOf(text: string | undefined): MetaFacts | null {
  const m = /^(\d+),(\d+)$/.exec(text ?? '');
  return m === null ? null : { first: Number(m[1]), last: Number(m[2]) };
}

/** The `metadir/` phase: one page of metadata blobs joined with the session docs; true when done. */
export async function metadirChunk(
  ctx: ChunkContext,
  st: { cursor?: string | undefined; side: SideState },
): Promise<boolean> {
  const page = await ctx.store.list({
    prefix: 'metadir/',
    pageSize: ctx.pageSize,
    ...(st.cursor !== undefined && { cursor: st.cursor }),
  });
  ctx.report.blobs += page.blobs.length;
  const data: { key: string; value: { key: SessionKey; meta: MetaFacts } }[] = [];
  for (const b of page.blobs) {
    const parsed = parseBlobName(b.name);
    const o = observe(b.name, b);
    if (parsed.kind !== 'metadata' || !o.ok) {
      noteSkipped(ctx, b.name, parsed.kind === 'unknown' ? parsed.reason : 'not a metadata.json');
      continue;
    }
    const key = { namespace: parsed.namespace, cluster: parsed.cluster, session: parsed.session };
    data.push({
      key: sessionKeyPath(key),
      value: { key, meta: { first: o.observation.created, last: o.observation.modified } },
    });
  }
  const side = await takeSide(
    ctx.store,
    {
      prefix: SESSION_DOCS,
      includeMetadata: true,
      keyOf: (n) =>
        parseSessionDocBlob(n) === null ? null : n.slice(SESSION_DOCS.length, -'doc.json'.length),
    },
    st.side,
    page.cursor === undefined ? null : (data[data.length - 1]?.key ?? ''),
    { exclusive: data.length === 0 },
  );
  const fixes: Fix[] = [];
  const r = ctx.report;
  await eachLimit(
    joinByKey(
      data,
      side.items.map((i) => ({ key: i.key, value: i.blob })),
    ),
    ctx.concurrency,
    async ([, [d], [docBlob]]) => {
      const key = d?.key ?? (docBlob === undefined ? null : parseSessionDocBlob(docBlob.name));
      if (key === null) return;
      const stored = docBlob === undefined ? null : metaOf(docBlob.metadata.m);
      if (d !== undefined && docBlob === undefined) {
        note(r.added, sessionName(key));
        fixes.push({ kind: 'merge', key, c: { source: null, meta: d.meta } });
      } else if (d !== undefined && stored === null) {
        note(r.changed, sessionName(key));
        fixes.push({ kind: 'merge', key, c: { source: null, meta: d.meta } });
      } else if (d !== undefined && canonical(stored) !== canonical(d.meta)) {
        note(r.changed, sessionName(key));
        fixes.push({ kind: 'relist', key, source: null });
      } else if (d === undefined && stored !== null) {
        const { doc } = await readDoc(ctx.store, sessionDocBlob(key), parse.session, ctx.warn);
        note(doc !== null && Object.keys(doc.logs).length > 0 ? r.changed : r.removed, sessionName(key));
        fixes.push({ kind: 'relist', key, source: null });
      }
    },
  );
  await apply(ctx, fixes);
  advance(st.side, data[data.length - 1]?.key);
  st.cursor = page.cursor;
  return page.cursor === undefined;
}

/** Compares one cluster's pages with its session docs; entry marks for every difference. */
async function checkCluster(ctx: ChunkContext, pair: string): Promise<Fix[]> {
  const at = pair.indexOf('_');
  const namespace = pair.slice(0, at);
  const cluster = pair.slice(at + 1, -1);
  const docs = new Map<string, string>();
  await eachBlob(ctx.store, `${SESSION_DOCS}${pair}`, (b) => {
    const k = parseSessionDocBlob(b.name);
    if (k !== null) docs.set(k.session, quoted(b.etag));
  });
  const entries = new Map<string, string>();
  const corrupt = (name: string) => (err: unknown) => {
    if (!(err instanceof CorruptIndexError)) throw err;
    note(ctx.report.repaired, name);
    return null;
  };
  const headName = `${CLUSTER_DOCS}${pair}head.json`;
  const head = await ctx.store
    .readText(headName)
    .then((g) => parse.head(headName, g?.text ?? null))
    .catch(corrupt(headName));
  for (const ref of head?.pages ?? []) {
    const name = `${CLUSTER_DOCS}${pair}p-${ref.id}.json`;
    const page = await ctx.store
      .readText(name)
      .then((g) => parse.page(name, g?.text ?? null))
      .catch(corrupt(name));
    for (const s of page?.sessions ?? []) entries.set(s.name, quoted(s.etag));
  }
  const fixes: Fix[] = [];
  for (const session of new Set([...docs.keys(), ...entries.keys()])) {
    if (docs.get(session) === entries.get(session)) continue;
    const key = { namespace, cluster, session };
    try {
      sessionKeyPath(key);
    } catch {
      continue; // not a name the index writes: nothing to mark
    }
    if (!docs.has(session)) note(ctx.report.removed, sessionName(key));
    else note(entries.has(session) ? ctx.report.changed : ctx.report.added, sessionName(key));
    fixes.push({ kind: 'entry', key });
  }
  return fixes;
}

/** The entries phase: a batch of clusters, their pages against their session docs; true when done. */
export async function entriesChunk(
  ctx: ChunkContext,
  st: { docs: SideState; heads: SideState },
  clustersPerChunk = 50,
): Promise<boolean> {
  const slice = (prefix: string) => (n: string) => n.slice(prefix.length);
  const docs = await takeSide(
    ctx.store,
    { prefix: SESSION_DOCS, delimiter: '/', keyOf: slice(SESSION_DOCS) },
    st.docs,
    null,
    {
      limit: clustersPerChunk,
    },
  );
  const last = docs.items[docs.items.length - 1]?.key;
  const heads = await takeSide(
    ctx.store,
    { prefix: CLUSTER_DOCS, delimiter: '/', keyOf: slice(CLUSTER_DOCS) },
    st.heads,
    docs.done ? null : (last ?? ''),
    { exclusive: last === undefined },
  );
  const pairs = [...new Set([...docs.items, ...heads.items].map((i) => i.key))].filter(
    (p) => p.indexOf('_') > 0,
  );
  const fixes: Fix[] = [];
  await eachLimit(
    pairs,
    Math.max(1, ctx.concurrency / 4),
    async (pair) => void fixes.push(...(await checkCluster(ctx, pair))),
  );
  await apply(ctx, fixes);
  return docs.done;
}

/**
 * Reconcile: compares the whole index with a listing of `log/` and `metadir/` and fixes what
 * differs, in chunks of one listing page, keeping its continuation in `index/v2/reconcile.json`,
 * so a container of any size is reconciled across invocations, each within its budget. Phases:
 * `log` (log sources against the source registry and the session docs), `metadir` (metadata
 * against the session docs), `entries` (each cluster's pages against its session docs), `finish`
 * (the summary and newest-sessions documents), `legacy` (removes the old `index/v1/` documents).
 * Fixes are journal marks the compactor applies; the compactor's pending work is drained before
 * the phases that compare with what it writes. A dry run reports without writing anything.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { BlobStore } from '../../storage/blobStore.js';
import { CLUSTER_DOCS, LEGACY_INDEX, reconcileStateBlob, recentBlob, summaryBlob } from '../layout.js';
import { Compactor, type CompactStats } from './compactor.js';
import { newestRows, RECENT_CAP } from './globals.js';
import type { SideState } from './join.js';
import { takeSide } from './join.js';
import { deleteDoc, lineOf, readDoc, writeDoc, type Guard, type Warn } from './pages.js';
import {
  entriesChunk,
  logChunk,
  metadirChunk,
  type Carry,
  type ChunkContext,
  type ReconcileReport,
} from './reconcileChecks.js';
import type { ClusterLine, RecentDoc, SummaryDoc } from './schema.js';
import { canonical, parse, SCHEMA_VERSION } from './schema.js';

export type { ReconcileReport } from './reconcileChecks.js';

type Phase = 'log' | 'metadir' | 'entries' | 'finish' | 'legacy' | 'done';

/** A run's continuation, kept in `index/v2/reconcile.json`. */
interface RunState {
  schemaVersion: 2;
  runId: string;
  startedAt: string;
  phase: Phase;
  cursor?: string | undefined;
  carry?: Carry | undefined;
  side: SideState;
  heads: SideState;
  report: ReconcileReport;
}

export interface ReconcileOptions {
  dryRun?: boolean;
  /** Data blobs listed per chunk (default 5000, Azure's most). */
  pageSize?: number;
  /** Storage calls in flight at once (default 16). */
  concurrency?: number;
  clock?: () => number;
  warn?: Warn;
}

function emptyReport(runId: string, dryRun: boolean): ReconcileReport {
  return {
    dryRun,
    runId,
    done: false,
    blobs: 0,
    clusters: 0,
    sessions: 0,
    added: [],
    removed: [],
    changed: [],
    skipped: [],
    skippedCount: 0,
    repaired: [],
    corrections: 0,
    written: 0,
    deleted: 0,
    chunks: 0,
  };
}

function newRun(dryRun: boolean, clock: () => number): RunState {
  const runId = randomUUID();
  return {
    schemaVersion: SCHEMA_VERSION,
    runId,
    startedAt: new Date(clock()).toISOString(),
    phase: 'log',
    side: {},
    heads: {},
    report: emptyReport(runId, dryRun),
  };
}

/** The summary and newest sessions as the clusters' heads make them; written unless a dry run. */
async function finish(ctx: ChunkContext, guard: Guard): Promise<void> {
  const lines: ClusterLine[] = [];
  const st: SideState = {};
  const pairs = await takeSide(
    ctx.store,
    { prefix: CLUSTER_DOCS, delimiter: '/', keyOf: (n) => n.slice(CLUSTER_DOCS.length) },
    st,
    null,
  );
  for (const { key } of pairs.items) {
    const { doc } = await readDoc(ctx.store, `${CLUSTER_DOCS}${key}head.json`, parse.head, ctx.warn);
    if (doc !== null && doc.pages.length > 0) lines.push(lineOf(doc));
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const summary: SummaryDoc = {
    schemaVersion: SCHEMA_VERSION,
    clusters: lines.sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.name, b.name)),
  };
  const recent: RecentDoc = {
    schemaVersion: SCHEMA_VERSION,
    rows: await newestRows(ctx.store, summary, RECENT_CAP, ctx.warn),
  };
  ctx.report.clusters = lines.length;
  ctx.report.sessions = lines.reduce((n, l) => n + l.sessions, 0);
  for (const [name, want, parser] of [
    [summaryBlob(), summary, parse.summary],
    [recentBlob(), recent, parse.recent],
  ] as const) {
    const got = await ctx.store.readText(name);
    let same = false;
    try {
      same =
        got !== null &&
        canonical((parser as (b: string, t: string) => unknown)(name, got.text)) === canonical(want);
    } catch {
      ctx.report.repaired.push(name);
    }
    if (same) continue;
    ctx.report.written++;
    if (ctx.dryRun) continue;
    await guard();
    await writeDoc(ctx.store, name, want, got?.etag ?? null);
  }
}

/** Deletes the first schema's index documents (a page of them per chunk); true when none is left. */
async function legacy(ctx: ChunkContext, guard: Guard): Promise<boolean> {
  const names: string[] = [];
  for (const prefix of LEGACY_INDEX.prefixes) {
    const page = await ctx.store.list({ prefix, pageSize: ctx.pageSize });
    names.push(...page.blobs.map((b) => b.name));
  }
  if ((await ctx.store.properties(LEGACY_INDEX.summary)) !== null) names.push(LEGACY_INDEX.summary);
  ctx.report.deleted += names.length;
  if (ctx.dryRun) return true;
  await guard();
  for (const name of names) await ctx.store.delete(name);
  return names.length < ctx.pageSize;
}

/** Runs one chunk of the run's current phase and moves the phase on when it is through. */
async function chunk(ctx: ChunkContext, st: RunState, guard: Guard): Promise<void> {
  const next = (phase: Phase) => {
    st.phase = phase;
    delete st.cursor;
    delete st.carry;
    st.side = {};
    st.heads = {};
  };
  st.report.chunks++;
  switch (st.phase) {
    case 'log':
      if (await logChunk(ctx, st)) next('metadir');
      return;
    case 'metadir':
      if (await metadirChunk(ctx, st)) next('entries');
      return;
    case 'entries':
      if (await entriesChunk(ctx, { docs: st.side, heads: st.heads })) next('finish');
      return;
    case 'finish':
      await finish(ctx, guard);
      return next('legacy');
    case 'legacy':
      if (await legacy(ctx, guard)) next('done');
      return;
    case 'done':
      return;
  }
}

/** The report with the lists made consistent: a session is reported once, added before removed before changed. */
function finalReport(r: ReconcileReport, done: boolean): ReconcileReport {
  const added = new Set(r.added);
  const removed = r.removed.filter((s) => !added.has(s));
  const gone = new Set([...added, ...removed]);
  return { ...r, done, removed, changed: r.changed.filter((s) => !gone.has(s)) };
}

export class Reconciler {
  readonly compactor: Compactor;
  readonly #clock: () => number;
  readonly #warn: Warn;

  constructor(
    readonly store: BlobStore,
    readonly opts: ReconcileOptions = {},
  ) {
    this.#clock = opts.clock ?? Date.now;
    this.#warn = opts.warn ?? (() => {});
    this.compactor = new Compactor(store, {
      clock: this.#clock,
      warn: this.#warn,
      ...(opts.concurrency !== undefined && { concurrency: opts.concurrency }),
    });
  }

  #ctx(report: ReconcileReport): ChunkContext {
    return {
      store: this.store,
      dryRun: report.dryRun,
      pageSize: this.opts.pageSize ?? 5000,
      concurrency: this.opts.concurrency ?? 16,
      report,
      warn: this.#warn,
    };
  }

  /** The active run's state and version, or null when no run was ever started. */
  async state(): Promise<{ st: RunState; etag: string } | null> {
    const got = await this.store.readText(reconcileStateBlob());
    if (got === null) return null;
    try {
      const st = JSON.parse(got.text) as RunState;
      return st.schemaVersion === SCHEMA_VERSION && typeof st.phase === 'string'
        ? { st, etag: got.etag }
        : null;
    } catch {
      return null;
    }
  }

  /** Starts a new run (replacing any unfinished one); its work happens in `step`s. */
  async start(): Promise<ReconcileReport> {
    const st = newRun(false, this.#clock);
    const got = await this.store.readText(reconcileStateBlob());
    await writeDoc(this.store, reconcileStateBlob(), st, got?.etag ?? null);
    return st.report;
  }

  /**
   * Does chunks of the active run for about `budgetMs` (a chunk once begun is finished), holding
   * the compactor's lease and draining its due marks between chunks. The run's report, or null
   * when no run is active, or 'busy' when another compactor holds the lease.
   */
  async step(budgetMs: number): Promise<ReconcileReport | null | 'busy'> {
    const deadline = this.#clock() + budgetMs;
    const stats: CompactStats = { rounds: 0, marks: 0, sessions: 0, busy: false };
    return this.compactor.withLease(async (guard) => {
      const got = await this.state();
      if (got === null || got.st.phase === 'done') return null;
      const { st } = got;
      let etag = got.etag;
      do {
        // What the compactor has to do comes first; the phases after `metadir` compare with its results.
        await this.compactor.drain(guard, deadline, stats);
        if (st.phase === 'entries' || st.phase === 'finish') {
          if (await this.compactor.hasDue()) break;
        }
        await chunk(this.#ctx(st.report), st, guard);
        if (st.phase === 'done') st.report = finalReport(st.report, true);
        await guard();
        etag = await writeDoc(this.store, reconcileStateBlob(), st, etag);
      } while (this.#clock() < deadline && st.phase !== 'done');
      return st.phase === 'done' ? st.report : finalReport(st.report, false);
    });
  }

  /**
   * A whole run in this call (the CLI, the admin route): started, then stepped until done. Other
   * workers step the same run between this call's steps (the compaction timer does), and may finish
   * it: then its stored report is the answer. A run started meanwhile by another caller replaces this
   * one, and covers all it would have done (it lists later): this call follows it to its end.
   */
  async runToEnd(): Promise<ReconcileReport> {
    if (this.opts.dryRun === true) return this.#dryRun();
    let { runId } = await this.start();
    for (;;) {
      const r = await this.step(60_000);
      if (r === 'busy') {
        await delay(200);
        continue;
      }
      if (r !== null && r.runId === runId) {
        if (r.done) return r;
        continue;
      }
      const now = await this.state();
      if (now === null) throw new Error('the reconcile run was removed before it finished');
      if (now.st.phase === 'done') return now.st.report;
      runId = now.st.runId;
    }
  }

  /** Every phase in memory, reporting what a run would fix; writes nothing. */
  async #dryRun(): Promise<ReconcileReport> {
    const st = newRun(true, this.#clock);
    const noWrites: Guard = () => Promise.reject(new Error('a dry run writes nothing'));
    while (st.phase !== 'done') await chunk(this.#ctx(st.report), st, noWrites);
    return finalReport(st.report, true);
  }
}

/** One-shot reconcile of a store (what `npm run reindex` and the admin route run). */
export function reconcile(store: BlobStore, opts: ReconcileOptions = {}): Promise<ReconcileReport> {
  return new Reconciler(store, opts).runToEnd();
}

/** Removes a finished run's state so that the next compaction tick starts a new run (tests, migration). */
export async function forgetRuns(store: BlobStore): Promise<void> {
  const got = await store.readText(reconcileStateBlob());
  if (got !== null) await deleteDoc(store, reconcileStateBlob(), got.etag);
}

/**
 * One compaction round: fold a bounded batch of unfolded event files into new versions of the
 * documents they touch, then swap the manifest (ETag-guarded). Memory is bounded by the batch and
 * the few shards rewritten at once, never by the session.
 */
import { randomBytes } from 'node:crypto';
import type { BlobStore } from '../../storage/blobStore.js';
import { dashboardDocBlob } from '../layout.js';
import { applyShards, addCounts, type ApplyContext } from './applyShards.js';
import { actors, profiles, tasks } from './collections.js';
import {
  EMPTY_JOBS,
  EMPTY_NODES,
  EMPTY_SUMMARY,
  JobsDocSchema,
  NodesDocSchema,
  SummaryDocSchema,
  readDoc,
  type JobsDoc,
  type NodesDoc,
} from './docs.js';
import { eventFiles, foldedAfter, unfolded, type EventFile } from './eventFiles.js';
import { SessionFold } from './fold.js';
import { joinDriverJob, joinEvidence, joinNode, joinSubmissionJob } from './join.js';
import { canonical } from './lattice.js';
import { SCHEMA_VERSION, type Manifest } from './manifest.js';
import type { NodeEvidence } from './model.js';
import { parseEventFile } from '../query/events.js';
import { seenMark } from './seenMark.js';

export interface RoundLimits {
  /** Event bytes folded per round (default 48 MiB). */
  batchBytes: number;
  /** Event files folded per round (default 2000). */
  batchFiles: number;
  /** Rows per shard before it splits (default 2000). */
  shardRows: number;
}

export interface RoundContext extends Omit<ApplyContext, 'version'> {
  limits: RoundLimits;
  now(): number;
}

export interface RoundOutcome {
  /** The manifest to write, or null when nothing changed. */
  manifest: Manifest | null;
  files: number;
  remaining: number;
  writes: number;
}

export function docVersion(generation: number): string {
  return `g${String(generation).padStart(8, '0')}-${randomBytes(4).toString('hex')}`;
}

function takeBatch(files: EventFile[], limits: RoundLimits): EventFile[] {
  const batch: EventFile[] = [];
  let bytes = 0;
  for (const f of files) {
    if (batch.length > 0 && (bytes + f.size > limits.batchBytes || batch.length >= limits.batchFiles)) break;
    batch.push(f);
    bytes += f.size;
  }
  return batch;
}

async function foldFiles(store: BlobStore, batch: EventFile[]): Promise<SessionFold> {
  const fold = new SessionFold();
  for (let i = 0; i < batch.length; i += 8) {
    const texts = await Promise.all(batch.slice(i, i + 8).map((f) => store.readText(f.blob)));
    texts.forEach((got, k) => {
      // A file that vanished (lifecycle expiry) contributes nothing; what it held stays folded in.
      if (got === null) return;
      const node = batch[i + k]?.node ?? '';
      for (const e of parseEventFile(got.text)) fold.addEvent(e, node);
    });
  }
  return fold;
}

function mergeJobs(doc: JobsDoc, fold: SessionFold): JobsDoc {
  const drivers = new Map(doc.drivers.map((d) => [d.jobId, d]));
  for (const [id, d] of fold.drivers) drivers.set(id, joinDriverJob(drivers.get(id) ?? d, d));
  const subs = new Map(doc.submissions.map((s) => [s.submissionId, s]));
  for (const [id, s] of fold.submissions) subs.set(id, joinSubmissionJob(subs.get(id) ?? s, s));
  const byKey = <T>(m: Map<string, T>) =>
    [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, v]) => v);
  return { drivers: byKey(drivers), submissions: byKey(subs) };
}

function hasEvidence(e: NodeEvidence): boolean {
  return [e.emitted, e.executed, e.nodePosts].some((m) => Object.keys(m).length > 0);
}

function mergeNodes(doc: NodesDoc, fold: SessionFold): NodesDoc {
  const nodes = new Map(doc.nodes.map((n) => [n.nodeId, n]));
  for (const [id, n] of fold.nodes) nodes.set(id, joinNode(nodes.get(id) ?? n, n));
  return {
    nodes: [...nodes.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, v]) => v),
    evidence: joinEvidence(doc.evidence, fold.evidence),
  };
}

/** Writes a whole JSON document under a new version. */
async function writeDoc(
  ctx: RoundContext,
  kind: 'jobs' | 'nodes' | 'summary',
  version: string,
  value: unknown,
): Promise<string> {
  const blob = dashboardDocBlob(ctx.ref, kind, version);
  await ctx.store.putIfAbsent(blob, JSON.stringify(value), 'application/json');
  return blob;
}

/** Folds the next batch into `m` (written at `previousWrite`, storage time) and returns the next manifest. */
export async function compactRound(
  ctx: RoundContext,
  m: Manifest,
  exists: boolean,
  previousWrite: number | undefined,
): Promise<RoundOutcome> {
  const mark = await seenMark(ctx.store, ctx.ref, m.seen);
  // One more than a batch can take, so that the oldest file left for later is known too.
  const todo = await unfolded(m, eventFiles(ctx.store, ctx.ref), ctx.limits.batchFiles + 1);
  const batch = takeBatch(todo.oldest, ctx.limits);
  const remaining = todo.count - batch.length;
  const settled = { seen: remaining === 0 ? mark : m.seen, complete: remaining === 0 };
  if (batch.length === 0) {
    const same = m.complete && JSON.stringify(m.seen) === JSON.stringify(settled.seen);
    const manifest = !exists || same ? null : { ...m, ...settled };
    return { manifest, files: 0, remaining: 0, writes: 0 };
  }
  const fold = await foldFiles(ctx.store, batch);
  const generation = m.generation + 1;
  const version = docVersion(generation);
  const apply = { ...ctx, version, shardRows: ctx.limits.shardRows };
  const taskFacets = new Map<string, number>();
  const profileFacets = new Map<string, number>();
  const t = await applyShards(apply, tasks, m.tasks, fold.tasks.values(), taskFacets);
  const p = await applyShards(apply, profiles, m.profiles, fold.profiles.values(), profileFacets);
  const a = await applyShards(apply, actors, m.actors, fold.actors.values(), new Map());
  const retired = [...t.retired, ...p.retired, ...a.retired];
  let writes = t.writes + p.writes + a.writes;
  const next: Manifest = {
    ...m,
    ...settled,
    schemaVersion: SCHEMA_VERSION,
    generation,
    folded: foldedAfter(m, batch, todo.oldest[batch.length]?.lastModified ?? Infinity, previousWrite),
    tasks: t.entries,
    profiles: p.entries,
    actors: a.entries,
    events: m.events + fold.events,
  };
  if (fold.drivers.size > 0 || fold.submissions.size > 0) {
    const old = await readDoc(ctx.store, ctx.cache, m.jobs, JobsDocSchema, EMPTY_JOBS);
    const jobs = mergeJobs(old, fold);
    if (canonical(jobs) !== canonical(old)) {
      next.jobs = await writeDoc(ctx, 'jobs', version, jobs);
      if (m.jobs !== null) retired.push(m.jobs);
      writes += 1;
    }
  }
  if (fold.nodes.size > 0 || hasEvidence(fold.evidence)) {
    const old = await readDoc(ctx.store, ctx.cache, m.nodes, NodesDocSchema, EMPTY_NODES);
    const nodes = mergeNodes(old, fold);
    if (canonical(nodes) !== canonical(old)) {
      next.nodes = await writeDoc(ctx, 'nodes', version, nodes);
      if (m.nodes !== null) retired.push(m.nodes);
      writes += 1;
    }
  }
  if (taskFacets.size > 0 || profileFacets.size > 0) {
    const old = await readDoc(ctx.store, ctx.cache, m.summary, SummaryDocSchema, EMPTY_SUMMARY);
    const summary = {
      tasks: addCounts(old.tasks, taskFacets),
      profiles: addCounts(old.profiles, profileFacets),
    };
    next.summary = await writeDoc(ctx, 'summary', version, summary);
    if (m.summary !== null) retired.push(m.summary);
    writes += 1;
  }
  const now = ctx.now();
  next.retired = [...m.retired, ...retired.map((b): [string, number, number] => [b, generation, now])];
  return { manifest: next, files: batch.length, remaining, writes };
}

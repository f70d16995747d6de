/**
 * What must hold after every soak scenario: every acknowledged byte stored and byte-identical to the
 * source, every acknowledged event stored (and answered once by the events route), the index equal
 * to a reconcile, no blob outside the layout, no staged blocks left, the host still up.
 */
import { sweepScratch } from '../../src/core/ingest/holdBack.js';
import { reconcile } from '../../src/core/index/reconcile.js';
import { clusterSessions } from '../../src/core/index/read.js';
import { parseBlobName } from '../../src/core/layout.js';
import { readLogFile } from '../../src/core/query/fileRead.js';
import type { BlobStore } from '../../src/storage/blobStore.js';
import { NAMESPACE, send, type Ledger } from './clients.js';
import type { World } from './world.js';

export interface Verdict {
  /** Acknowledged bytes not stored (target 0). */
  lostBytes: number;
  /** Acknowledged events not stored (target 0). */
  lostEvents: number;
  /** Events the events route answers more than once (target 0). */
  duplicatesAnswered: number;
  /** Events stored in more than one file (at-least-once across crashes; the route deduplicates). */
  duplicatesStored: number;
  /** Stored bytes that differ from the source (target 0). */
  wrongBytes: number;
  bytesStored: number;
  eventsStored: number;
  /** How the index differed from a reconcile in its exact fields (target: none). */
  indexDifferences: string[];
  /** Blobs whose names the layout does not know (target: none). */
  strayBlobs: string[];
  /** Scratch blobs of requests cut by a kill, dropped by the sweep (then none may be left). */
  scratchSwept: number;
  stagedLeft: string[];
  hostUp: boolean;
  /** How long after the writes stopped a dry reconcile first found nothing to change (-1: not within the wait). */
  indexSettledMs: number;
}

async function allBlobs(store: BlobStore, prefix = '', includeUncommitted = false) {
  const out: { name: string; size: number }[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list({
      prefix,
      pageSize: 5000,
      includeUncommitted,
      ...(cursor !== undefined && { cursor }),
    });
    out.push(...page.blobs.map((b) => ({ name: b.name, size: b.size })));
    cursor = page.cursor;
  } while (cursor !== undefined);
  return out;
}

async function storedFile(store: BlobStore, f: Ledger['files'][number]): Promise<Buffer> {
  try {
    const r = await readLogFile(store, {
      session: { namespace: NAMESPACE, cluster: f.cluster, clusterId: NAMESPACE, session: f.session },
      node: f.node,
      file: f.file,
    });
    const chunks: Buffer[] = [];
    for await (const c of r.body ?? []) chunks.push(c);
    return Buffer.concat(chunks);
  } catch (err) {
    if ((err as { status?: number }).status === 404) return Buffer.alloc(0);
    throw err;
  }
}

/** Event ids per session as stored (raw, duplicates counted). */
async function storedEventIds(store: BlobStore): Promise<Map<string, Map<string, number>>> {
  const out = new Map<string, Map<string, number>>();
  for (const b of await allBlobs(store, 'log/')) {
    const parsed = parseBlobName(b.name);
    if (parsed.kind !== 'nodeEvents' && parsed.kind !== 'jobEvents') continue;
    const text = (await store.readText(b.name))?.text ?? '[]';
    const ids = out.get(parsed.session) ?? new Map<string, number>();
    for (const e of JSON.parse(text) as { eventId: string }[]) {
      const id = Buffer.from(e.eventId, 'base64').toString();
      ids.set(id, (ids.get(id) ?? 0) + 1);
    }
    out.set(parsed.session, ids);
  }
  return out;
}

/** Ids the events route answers for a session, all pages. */
async function answeredEventIds(baseUrl: string, cluster: string, sessionName: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const path = `/api/v1/clusters/${NAMESPACE}/${cluster}/sessions/${sessionName}/events?limit=1000${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
    const a = await send(baseUrl, 'GET', path);
    if (a.status !== 200) throw new Error(`events page: ${a.status} ${a.text.slice(0, 200)}`);
    const page = JSON.parse(a.text) as { events: { eventId: string }[]; nextCursor?: string | null };
    ids.push(...page.events.map((e) => Buffer.from(e.eventId, 'base64').toString()));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return ids;
}

async function allSessions(store: BlobStore, cluster: string) {
  const out: Awaited<ReturnType<typeof clusterSessions>>['sessions'] = [];
  let cursor: string | undefined;
  do {
    const page = await clusterSessions(store, NAMESPACE, cluster, { limit: 1000, ...(cursor && { cursor }) });
    out.push(...page.sessions);
    cursor = 'nextCursor' in page ? page.nextCursor : undefined;
  } while (cursor !== undefined);
  return out;
}

/** A session's first 100 log blobs with when each was created and last written, in ms after `stoppedAt`. */
async function blobTimes(store: BlobStore, cluster: string, session: string, stoppedAt: number) {
  const page = await store.list({ prefix: `log/${cluster}_${NAMESPACE}/${session}/`, pageSize: 100 });
  const at = (d: Date | undefined) => (d === undefined ? '?' : String(d.getTime() - stoppedAt));
  return `first 100 blobs, created/modified ms after the writes stopped: ${page.blobs
    .map((b) => `${b.name.split('/').slice(-2).join('/')} ${at(b.createdOn)}/${at(b.lastModified)}`)
    .join(', ')}`;
}

/**
 * The index against a reconcile. Membership (sessions added/removed) must match exactly, and so must
 * each entry's clusterId, create time, nodes and files; `bytes` and `lastActivity` may only lag (they
 * are exact 25 s after the last write, docs/indexer.md "Freshness and cost", which the wait in
 * `verify` may not reach when a kill left the compactor's lease to expire).
 */
async function indexDifferences(store: BlobStore, clusters: string[], stoppedAt: number): Promise<string[]> {
  const dry = await reconcile(store, { dryRun: true });
  const diffs = [...dry.added.map((s) => `missing ${s}`), ...dry.removed.map((s) => `stale ${s}`)];
  type Entry = Awaited<ReturnType<typeof clusterSessions>>['sessions'][number];
  const before = new Map<string, Entry>();
  for (const c of clusters) {
    try {
      for (const s of await allSessions(store, c)) before.set(`${c}/${s.sessionName}`, s);
    } catch {
      diffs.push(`cluster ${c} not indexed`);
    }
  }
  await reconcile(store);
  for (const c of clusters) {
    for (const truth of await allSessions(store, c)) {
      const key = `${c}/${truth.sessionName}`;
      const was = before.get(key);
      if (was === undefined) continue; // reported above
      const exact = (e: Entry) => JSON.stringify([e.clusterId, e.createTime, e.nodes, e.files]);
      if (exact(was) !== exact(truth))
        diffs.push(
          `${key}: ${exact(was)} ≠ ${exact(truth)} (${await blobTimes(store, c, truth.sessionName, stoppedAt)})`,
        );
      if (was.bytes > truth.bytes) diffs.push(`${key}: ${was.bytes} bytes indexed, ${truth.bytes} stored`);
      if ((was.lastActivity ?? '') > (truth.lastActivity ?? ''))
        diffs.push(`${key}: lastActivity ahead of the data`);
    }
  }
  return diffs;
}

/**
 * How long the index may take to equal a reconcile once the writes stop: the documented bound after
 * the last write (docs/indexer.md "Freshness and cost", 25 s), plus the trigger's retries of an
 * invocation that failed while storage was away (1 + 2 + 4 + 8 s, docs/reliability.md), plus margin.
 */
export const SETTLE_MS = 60_000;

/**
 * Waits until a dry reconcile would change nothing (the triggers, the compactor and the trailing
 * re-reads have caught up) or `settleMs` has passed, then checks everything. Ending the wait when
 * the dry run's `written` merely stops moving is too early: a trigger waiting out a retry after an
 * outage leaves it still for seconds, and it counts only the summary and newest-sessions documents,
 * not the corrections a lagging page entry needs (CI, 2026-11-30: two files missing 2 s in).
 */
export async function verify(world: World, ledger: Ledger, settleMs = SETTLE_MS): Promise<Verdict> {
  const store = world.direct;
  const hostUp = world.hostUp() && (await send(world.baseUrl, 'GET', '/api/v1/health')).status === 200;
  const from = Date.now();
  let indexSettledMs = -1;
  while (Date.now() < from + settleMs) {
    const dry = await reconcile(store, { dryRun: true });
    if (dry.added.length + dry.removed.length + dry.corrections + dry.written === 0) {
      indexSettledMs = Date.now() - from;
      break;
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
  let lostBytes = 0;
  let wrongBytes = 0;
  let bytesStored = 0;
  for (const f of ledger.files) {
    const stored = await storedFile(store, f);
    bytesStored += stored.length;
    if (stored.length < f.acked) lostBytes += f.acked - stored.length;
    const same = stored.equals(f.source.subarray(0, stored.length));
    if (!same) wrongBytes += stored.length;
  }
  const stored = await storedEventIds(store);
  let lostEvents = 0;
  let duplicatesStored = 0;
  let duplicatesAnswered = 0;
  let eventsStored = 0;
  for (const [sessionName, ids] of ledger.events) {
    const have = stored.get(sessionName) ?? new Map<string, number>();
    for (const id of ids) if (!have.has(id)) lostEvents += 1;
  }
  for (const ids of stored.values()) {
    eventsStored += ids.size;
    for (const n of ids.values()) if (n > 1) duplicatesStored += n - 1;
  }
  const sessionsOf = new Map<string, string>();
  for (const f of ledger.files) sessionsOf.set(f.session, f.cluster);
  if (hostUp) {
    for (const [sessionName, cluster] of sessionsOf) {
      const answered = await answeredEventIds(world.baseUrl, cluster, sessionName);
      duplicatesAnswered += answered.length - new Set(answered).size;
    }
  }
  const clusters = [...new Set(ledger.files.map((f) => f.cluster))];
  const index = await indexDifferences(store, clusters, from);
  if (index.length > 0) {
    // What the host's triggers said, for the diagnosis.
    const out = world.output();
    const count = (re: RegExp) => out.match(re)?.length ?? 0;
    index.unshift(
      `host: ${count(/Executed 'Functions\.index\w+' \(Failed/g)} failed indexer invocations, ` +
        `${count(/moved to the poison queue/g)} poisoned, ${count(/blob scan for .* failed/g)} failed scans; ` +
        `settle: ${indexSettledMs} ms`,
    );
  }
  const strayBlobs = (await allBlobs(store))
    .map((b) => b.name)
    .filter((n) => parseBlobName(n).kind === 'unknown');
  // A kill while a body was held back leaves its scratch blob's staged blocks: the sweep (hourly on
  // Azure) drops them. Run it now, with no request in flight, and count them.
  const scratchSwept = await sweepScratch(store, 0);
  const stagedLeft = (await allBlobs(store, '', true))
    .filter((b) => b.name.startsWith('index/scratch/'))
    .map((b) => b.name);
  return {
    lostBytes,
    lostEvents,
    duplicatesAnswered,
    duplicatesStored,
    wrongBytes,
    bytesStored,
    eventsStored,
    indexDifferences: index,
    strayBlobs,
    scratchSwept,
    stagedLeft,
    hostUp,
    indexSettledMs,
  };
}

/** The verdict's failures, as readable lines (empty when all holds). */
export function failures(v: Verdict, ledger: Ledger): string[] {
  const out: string[] = [];
  if (v.lostBytes > 0 || ledger.lostOnline > 0)
    out.push(`acknowledged bytes lost: ${v.lostBytes} (seen while running: ${ledger.lostOnline})`);
  if (v.wrongBytes > 0) out.push(`stored bytes differ from the source: ${v.wrongBytes}`);
  if (v.lostEvents > 0) out.push(`acknowledged events lost: ${v.lostEvents}`);
  if (v.duplicatesAnswered > 0) out.push(`events answered twice: ${v.duplicatesAnswered}`);
  if (v.indexDifferences.length > 0)
    out.push(`index ≠ reconcile: ${v.indexDifferences.slice(0, 10).join('; ')}`);
  if (v.strayBlobs.length > 0) out.push(`blobs outside the layout: ${v.strayBlobs.slice(0, 10).join(', ')}`);
  if (v.stagedLeft.length > 0) out.push(`staged blocks left: ${v.stagedLeft.join(', ')}`);
  if (!v.hostUp) out.push('the host is down');
  if (ledger.anomalies.length > 0) out.push(`anomalies: ${ledger.anomalies.slice(0, 10).join(' | ')}`);
  return out;
}

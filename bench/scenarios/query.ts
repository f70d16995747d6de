/**
 * Query benchmarks through the local host over real HTTP, each against a raw-SDK baseline in the
 * same run: `?tail=1000` of a 512 MiB log vs downloading the blob whole and splitting it (upstream's
 * way), a 1,000-entry listing page vs one raw SDK listing page, and a 256 MiB read vs a raw download.
 * The host's peak RSS growth while it serves is sampled from /proc and reported.
 */
import type { ContainerClient } from '@azure/storage-blob';
import { storeEvents } from '../../src/core/ingest/events.js';
import { logBlob } from '../../src/core/layout.js';
import { fileRangeChunks, findLogFile } from '../../src/core/query/logFile.js';
import { AzureBlobStore } from '../../src/storage/azureBlobStore.js';
import { benchHost, drain, peakRssGrowth, triggersDone, type BenchHost } from '../host.js';
import { pool, timed, type BenchContext, type Scenario } from '../harness.js';
import { startHop, type Hop } from '../hop.js';

const MiB = 1024 * 1024;
const REF = { cluster: 'bench', clusterId: 'default', session: 'session_2026-01-27_10-52-59_373533_1' };
const SESSION_URL = `/api/v1/clusters/default/bench/sessions/${REF.session}`;

type Host = BenchHost;

const startHost = (ctx: BenchContext, container: string): Promise<Host> => benchHost(ctx, { container });
const stopHost = (host: Host): Promise<void> => host.stop();

/** 4 MiB of log-like lines of random length (the same block appended over and over). */
function logBlock(): Buffer {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < 4 * MiB; i++) {
    const line = `2026-01-27 10:52:59,${String(i % 1000).padStart(3, '0')} INFO worker.py:${i % 997} -- ${'x'.repeat(20 + ((i * 7919) % 160))}`;
    lines.push(line);
    size += line.length + 1;
  }
  return Buffer.from(`${lines.join('\n')}\n`).subarray(0, 4 * MiB);
}

/** Creates a log blob of `total` bytes with the raw SDK, in 4 MiB appends. */
async function seedLog(container: ContainerClient, name: string, total: number): Promise<void> {
  const blob = container.getAppendBlobClient(name);
  await blob.create({ blobHTTPHeaders: { blobContentType: 'text/plain; charset=utf-8' } });
  const block = logBlock();
  for (let at = 0; at < total; at += block.length) await blob.appendBlock(block, block.length);
}

/** The session's metadata.json, as ingest writes it. */
async function writeMetadata(container: ContainerClient): Promise<void> {
  await container
    .getBlockBlobClient(`metadir/default_bench/${REF.session}/metadata.json`)
    .upload('{"clusterId":"default"}', 23);
}

interface BigLog {
  host: Host;
  hop?: Hop;
  container: ContainerClient;
  blob: string;
  rss: number[];
}

async function bigLogSetup(ctx: BenchContext, tag: string, size: number): Promise<BigLog> {
  const name = ctx.container(tag);
  const container = ctx.service.getContainerClient(name);
  await container.create();
  const blob = logBlob(REF, 'head-1', 'raylet.out');
  ctx.log(`  writing a ${size / MiB} MiB log…`);
  await seedLog(container, blob, size);
  await writeMetadata(container);
  const host = await startHost(ctx, name);
  await triggersDone(ctx, host, 1);
  // One warm-up request: the first call loads the app's modules and the session's clusterId.
  await drain(host.baseUrl, `${SESSION_URL}/logs/head-1/raylet.out?tail=1`);
  return { host, container, blob, rss: [] };
}

async function bigLogTeardown(ctx: BenchContext, state: unknown): Promise<void> {
  const s = state as BigLog;
  await stopHost(s.host);
  if (s.rss.length > 0)
    ctx.log(`  host peak RSS growth per round (MiB): ${s.rss.map((r) => r.toFixed(1)).join(', ')}`);
  await s.container.delete();
}

/** Upstream's tail: download the whole blob, split it into lines, keep the last n. */
async function downloadAndSplitTail(container: ContainerClient, blob: string, n: number): Promise<Buffer> {
  const r = await container.getBlobClient(blob).download();
  const chunks: Buffer[] = [];
  for await (const c of r.readableStreamBody ?? []) chunks.push(c as Buffer);
  const all = Buffer.concat(chunks);
  const starts: number[] = [0];
  for (let i = all.indexOf(10); i >= 0 && i < all.length - 1; i = all.indexOf(10, i + 1)) starts.push(i + 1);
  return all.subarray(starts[Math.max(0, starts.length - n)] ?? 0);
}

const tailScenario: Scenario = {
  name: 'query ?tail=1000 of a 512 MiB log (HTTP, local host)',
  unit: 'ms',
  better: 'lower',
  ours: 'GET …/logs/head-1/raylet.out?tail=1000 (reads backwards in blocks)',
  baseline: "raw SDK download of the whole blob + split (upstream's way)",
  target: '≥ 50×, host peak RSS growth < 64 MiB',
  rounds: 7,
  setup: (ctx) => bigLogSetup(ctx, 'qtail', 512 * MiB),
  async round(_ctx, state) {
    const s = state as BigLog;
    let got: Buffer = Buffer.alloc(0);
    let ms = 0;
    const growth = await peakRssGrowth(s.host.pid, async () => {
      ms = await timed(async () => {
        const r = await drain(s.host.baseUrl, `${SESSION_URL}/logs/head-1/raylet.out?tail=1000`);
        if (r.status !== 200) throw new Error(`tail answered ${r.status}`);
        got = Buffer.concat(r.body);
      });
    });
    s.rss.push(growth);
    let want: Buffer = Buffer.alloc(0);
    const baseline = await timed(async () => {
      want = await downloadAndSplitTail(s.container, s.blob, 1000);
    });
    if (!got.equals(want)) throw new Error('tail and the baseline disagree');
    return { ours: ms, baseline };
  },
  teardown: bigLogTeardown,
};

/** One way of reading the whole 256 MiB log; returns MiB/s. */
type Reader = (s: BigLog) => Promise<number>;

const READ_SIZE = 256 * MiB;

async function drainedRate(baseUrl: string, p: string): Promise<number> {
  let bytes = 0;
  const ms = await timed(async () => {
    const r = await drain(baseUrl, p);
    if (r.status !== 200) throw new Error(`read answered ${r.status}`);
    bytes = r.bytes;
  });
  if (bytes !== READ_SIZE) throw new Error(`read ${bytes} bytes`);
  return bytes / MiB / (ms / 1000);
}

const readViaHost: Reader = async (s) => {
  let rate = 0;
  s.rss.push(
    await peakRssGrowth(s.host.pid, async () => {
      rate = await drainedRate(s.host.baseUrl, `${SESSION_URL}/logs/head-1/raylet.out`);
    }),
  );
  return rate;
};

const readViaHop: Reader = (s) => drainedRate(s.hop?.baseUrl ?? '', `/read/${encodeURIComponent(s.blob)}`);

const readViaSdk: Reader = async (s) => {
  let bytes = 0;
  const ms = await timed(async () => {
    const r = await s.container.getBlobClient(s.blob).download();
    for await (const c of r.readableStreamBody ?? []) bytes += (c as Buffer).length;
  });
  if (bytes !== READ_SIZE) throw new Error(`raw read ${bytes} bytes`);
  return bytes / MiB / (ms / 1000);
};

function readScenario(pair: {
  name: string;
  ours: Reader;
  baseline: Reader;
  oursText: string;
  baselineText: string;
  target: string;
}): Scenario {
  return {
    name: `query 256 MiB full read${pair.name}`,
    unit: 'MiB/s',
    better: 'higher',
    ours: pair.oursText,
    baseline: pair.baselineText,
    target: pair.target,
    rounds: 3,
    async setup(ctx) {
      const s = await bigLogSetup(ctx, 'qread', READ_SIZE);
      return { ...s, hop: await startHop(ctx, s.container.containerName) };
    },
    async round(_ctx, state) {
      const s = state as BigLog;
      return { ours: await pair.ours(s), baseline: await pair.baseline(s) };
    },
    async teardown(ctx, state) {
      await (state as BigLog).hop?.stop();
      await bigLogTeardown(ctx, state);
    },
  };
}

const readScenarios = [
  readScenario({
    name: ' (HTTP, local host)',
    ours: readViaHost,
    baseline: readViaSdk,
    oursText: 'GET …/logs/head-1/raylet.out, streamed',
    baselineText: 'raw SDK download, streamed',
    target: '≥ 0.8×',
  }),
  readScenario({
    name: ': ceiling, a bare Node.js HTTP hop',
    ours: readViaHop,
    baseline: readViaSdk,
    oursText: 'GET from a 60-line Node.js server that pipes the SDK download (bench/hop.ts)',
    baselineText: 'raw SDK download, streamed',
    target: 'informational: the best any HTTP path reaches here',
  }),
  readScenario({
    name: ': local host vs the bare hop',
    ours: readViaHost,
    baseline: readViaHop,
    oursText: 'GET …/logs/head-1/raylet.out, streamed',
    baselineText: 'the same read through the bare Node.js hop (bench/hop.ts)',
    target: '',
  }),
];

const ENTRIES = 1000;

const listingScenario: Scenario = {
  name: `query ${ENTRIES.toLocaleString('en')}-entry file listing page (HTTP, local host)`,
  unit: 'ms',
  better: 'lower',
  ours: `GET …/files?limit=${ENTRIES}`,
  baseline: `raw SDK listBlobsFlat, one page of ${ENTRIES}`,
  target: '≤ 1.2× the time (ratio ≥ 0.83)',
  rounds: 7,
  async setup(ctx) {
    const name = ctx.container('qlist');
    const container = ctx.service.getContainerClient(name);
    await container.create();
    const files = Array.from({ length: ENTRIES }, (_, i) =>
      logBlob(REF, `node-${i % 10}`, `worker-${i}.out`),
    );
    await pool(files, 32, (f) => container.getAppendBlobClient(f).create());
    // Every ingested session has its metadata.json (the first accepted ingest writes it).
    await writeMetadata(container);
    const host = await startHost(ctx, name);
    await triggersDone(ctx, host, ENTRIES);
    // One warm-up request: the first call loads the app's modules and the session's clusterId.
    await drain(host.baseUrl, `${SESSION_URL}/files?limit=1`);
    return { host, container };
  },
  async round(_ctx, state) {
    const s = state as { host: Host; container: ContainerClient };
    let count = 0;
    const ours = await timed(async () => {
      const r = await drain(s.host.baseUrl, `${SESSION_URL}/files?limit=${ENTRIES}`);
      count = (JSON.parse(Buffer.concat(r.body).toString('utf8')) as { entries: unknown[] }).entries.length;
    });
    let raw = 0;
    const baseline = await timed(async () => {
      const prefix = `log/bench_default/${REF.session}/`;
      const page = await s.container.listBlobsFlat({ prefix }).byPage({ maxPageSize: ENTRIES }).next();
      raw = (page.value as { segment: { blobItems: unknown[] } }).segment.blobItems.length;
    });
    if (count !== ENTRIES || raw !== ENTRIES) throw new Error(`listed ${count} / ${raw}`);
    return { ours, baseline };
  },
  async teardown(_ctx, state) {
    const s = state as { host: Host; container: ContainerClient };
    await stopHost(s.host);
    await s.container.delete();
  },
};

/**
 * The same read without the HTTP hops: the file stream the read route hands to the Functions library
 * (segment lookup, ranged storage reads, chunking), drained in process. It separates this app's cost
 * from the cost of the HTTP path (the host's server and the library's stream proxy).
 */
const readInProcessScenario: Scenario = {
  name: 'query 256 MiB full read (in process, no HTTP)',
  unit: 'MiB/s',
  better: 'higher',
  ours: 'findLogFile + fileRangeChunks (what the read route serves), drained',
  baseline: 'raw SDK download, streamed',
  target: '≥ 0.8×',
  rounds: 3,
  async setup(ctx) {
    const name = ctx.container('qreadin');
    const container = ctx.service.getContainerClient(name);
    await container.create();
    const blob = logBlob(REF, 'head-1', 'raylet.out');
    ctx.log('  writing a 256 MiB log…');
    await seedLog(container, blob, 256 * MiB);
    return { store: new AzureBlobStore(ctx.service, name), container, blob };
  },
  async round(_ctx, state) {
    const s = state as { store: AzureBlobStore; container: ContainerClient; blob: string };
    let bytes = 0;
    const ms = await timed(async () => {
      const file = await findLogFile(s.store, REF, 'head-1', 'raylet.out');
      if (file === null) throw new Error('the log is missing');
      for await (const c of fileRangeChunks(s.store, file, 0, file.size)) bytes += c.length;
    });
    let raw = 0;
    const baseMs = await timed(async () => {
      const r = await s.container.getBlobClient(s.blob).download();
      for await (const c of r.readableStreamBody ?? []) raw += (c as Buffer).length;
    });
    if (bytes !== 256 * MiB || raw !== bytes) throw new Error(`read ${bytes} / ${raw} bytes`);
    return { ours: bytes / MiB / (ms / 1000), baseline: raw / MiB / (baseMs / 1000) };
  },
  async teardown(_ctx, state) {
    await (state as { container: ContainerClient }).container.delete();
  },
};

export const queryScenarios: Scenario[] = [
  tailScenario,
  listingScenario,
  ...readScenarios,
  readInProcessScenario,
];

const EVENT_FILES = 300;
const EVENTS_PER_FILE = 100;

/** Upstream's way to serve a page of events: read every event file of the session, merge, sort, page. */
async function allFilesPage(container: ContainerClient, afterAt: string, limit: number): Promise<string[]> {
  const names: string[] = [];
  for await (const b of container.listBlobsFlat({ prefix: `log/bench_default/${REF.session}/node_events/` }))
    names.push(b.name);
  const events: { at: string; id: string }[] = [];
  await pool(names, 8, async (name) => {
    const body = await container.getBlobClient(name).downloadToBuffer();
    for (const e of JSON.parse(body.toString('utf8')) as { eventId: string; timestamp: string }[])
      events.push({ at: e.timestamp, id: e.eventId });
  });
  return events
    .filter((e) => e.at > afterAt)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : 1))
    .slice(0, limit)
    .map((e) => e.id);
}

const eventsScenario: Scenario = {
  name: `query events page of 100 in the middle of a session of ${EVENT_FILES} event files (HTTP, local host)`,
  unit: 'ms',
  better: 'lower',
  ours: 'GET …/events?limit=100&cursor=… (reads the files whose time span overlaps the page)',
  baseline: 'raw SDK: read every event file of the session, merge, sort, page (upstream reads them all)',
  target: 'informational',
  rounds: 5,
  async setup(ctx) {
    const name = ctx.container('qevents');
    const store = new AzureBlobStore(ctx.service, name);
    const t0 = Date.UTC(2026, 0, 27, 11, 0, 0);
    ctx.log(`  ingesting ${EVENT_FILES} × ${EVENTS_PER_FILE} events…`);
    const files = Array.from({ length: EVENT_FILES }, (_, f) => f);
    await pool(files, 8, async (f) => {
      const events = Array.from({ length: EVENTS_PER_FILE }, (_, i) => ({
        eventId: `e-${f}-${i}`,
        eventType: 'TASK_LIFECYCLE_EVENT',
        sourceType: 'CORE_WORKER',
        severity: 'INFO',
        message: '',
        sessionName: REF.session,
        timestamp: new Date(t0 + f * 10_000 + i * 100).toISOString(),
      }));
      const r = await storeEvents(
        store,
        { namespace: 'default', cluster: 'bench', clusterId: 'default', node: 'head-1' },
        events,
        45_000,
      );
      if (r.accepted !== EVENTS_PER_FILE) throw new Error(`stored ${r.accepted} events`);
    });
    const host = await startHost(ctx, name);
    // The middle of the session: the cursor after the page that reaches its first half.
    const middle = new Date(t0 + (EVENT_FILES / 2) * 10_000).toISOString();
    let cursor = '';
    let after = '';
    while (after < middle) {
      const r = await drain(host.baseUrl, `${SESSION_URL}/events?limit=1000${cursor}`);
      const page = JSON.parse(Buffer.concat(r.body).toString('utf8')) as {
        events: { timestamp: string }[];
        nextCursor?: string;
      };
      if (page.nextCursor === undefined) throw new Error('never reached the middle');
      cursor = `&cursor=${encodeURIComponent(page.nextCursor)}`;
      after = page.events[page.events.length - 1]?.timestamp ?? '';
    }
    return { host, container: ctx.service.getContainerClient(name), cursor, after };
  },
  async round(_ctx, state) {
    const s = state as { host: Host; container: ContainerClient; cursor: string; after: string };
    let ours: string[] = [];
    const oursMs = await timed(async () => {
      const r = await drain(s.host.baseUrl, `${SESSION_URL}/events?limit=100${s.cursor}`);
      if (r.status !== 200) throw new Error(`events answered ${r.status}`);
      ours = (
        JSON.parse(Buffer.concat(r.body).toString('utf8')) as { events: { eventId: string }[] }
      ).events.map((e) => e.eventId);
    });
    let theirs: string[] = [];
    const baseMs = await timed(async () => {
      theirs = await allFilesPage(s.container, s.after, 100);
    });
    if (ours.length !== 100 || ours.join() !== theirs.join()) throw new Error('the pages differ');
    return { ours: oursMs, baseline: baseMs };
  },
  async teardown(_ctx, state) {
    const s = state as { host: Host; container: ContainerClient };
    await stopHost(s.host);
    await s.container.delete();
  },
};

queryScenarios.push(eventsScenario);

/**
 * Ingest benchmarks through the local host over real HTTP, each against a raw-SDK baseline in the
 * same run: log appends of 1 MiB and 64 KiB chunks to 4 files at once vs raw `appendBlock` to 4 blobs
 * at once, and the p99 reply time of 50 concurrent Ray event batches of 1,000 events vs 50 concurrent
 * raw uploads of the same JSON.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { HttpRequest, InvocationContext, type HttpHandler } from '@azure/functions';
import { BlobServiceClient } from '@azure/storage-blob';
import { benchHost, type BenchHost } from '../host.js';
import { createdContainer, timed, type BenchContext, type Scenario } from '../harness.js';
import { startHop, type Hop } from '../hop.js';
import { appendLog, type LogTarget } from '../../src/core/ingest/logs.js';
import { storeEvents } from '../../src/core/ingest/events.js';
import { depsFromEnv } from '../../src/app/deps.js';
import { AzureBlobStore } from '../../src/storage/azureBlobStore.js';
import { PIPELINE_OPTIONS } from '../../src/storage/clients.js';
import { DEFAULT_SEGMENT_MAX_BLOCKS } from '../../src/storage/config.js';
import { countingService, type CountingService } from '../counting.js';
import { cpuSeconds } from '../procStats.js';

const MiB = 1024 * 1024;
const SESSION = 'session_2026-01-27_10-52-59_373533_1';
const FILES = 4;
const SEGMENT_MAX_BLOCKS = DEFAULT_SEGMENT_MAX_BLOCKS;
const TARGET: LogTarget = {
  namespace: 'default',
  cluster: 'bench',
  clusterId: 'default',
  session: SESSION,
  node: 'head-1',
  file: 'raylet.out',
};

type Host = BenchHost;

const startHost = (ctx: BenchContext): Promise<Host> => benchHost(ctx, { tag: 'ingest' });
const stopHost = (host: Host): Promise<void> => host.stop();

/**
 * The HTTP client of the append scenarios: node:http with keep-alive, the transport the SDK of the raw
 * baseline uses (fetch costs the client 3–4× the CPU, which on 2 shared cores slows the server too).
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function put(url: string, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'PUT',
        agent,
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(body.length) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Appends `total` bytes to one file in `chunk`-sized PUTs to `urlAt(offset)`. */
async function putAppends(urlAt: (offset: number) => string, chunk: number, total: number): Promise<void> {
  const data = randomBytes(chunk);
  for (let at = 0; at < total; at += chunk) {
    const r = await put(urlAt(at), data);
    if (r.status !== 200) throw new Error(`append at ${at} answered ${r.status}: ${r.text}`);
  }
}

/** What one way of appending measured: the time, the requests made, and the storage requests counted (if). */
interface AppendRun {
  ms: number;
  requests: number;
  storageOps?: number;
}

/** One way of appending `perFile` bytes to each of FILES files at once. */
type Appender = (ctx: BenchContext, state: AppendState, chunk: number, perFile: number) => Promise<AppendRun>;

interface AppendState {
  host?: Host;
  hop?: Hop;
  /** The hop's handler as a Functions app on the local host (bench/floor-app). */
  floor?: Host;
  /** In process: our store and a raw client, both on a counting client of the bench's Azurite. */
  store?: AzureBlobStore;
  counted?: CountingService;
}

const containerOf = (s: AppendState): string => s.host?.container ?? s.store?.container ?? '';

async function timedFiles(
  chunk: number,
  perFile: number,
  each: (i: number, tag: string) => Promise<unknown>,
  counted?: CountingService,
): Promise<AppendRun> {
  const tag = randomBytes(3).toString('hex');
  const before = counted?.count() ?? 0;
  const ms = await timed(() => Promise.all(Array.from({ length: FILES }, (_, i) => each(i, tag))));
  const requests = FILES * Math.ceil(perFile / chunk);
  return { ms, requests, ...(counted && { storageOps: counted.count() - before }) };
}

const viaHost: Appender = (_ctx, s, chunk, perFile) =>
  timedFiles(chunk, perFile, (i, tag) =>
    putAppends(
      (at) => `${s.host?.baseUrl}/api/v1/logs/default/bench/${SESSION}/head-1/f-${tag}-${i}.log?offset=${at}`,
      chunk,
      perFile,
    ),
  );

const viaHop: Appender = (_ctx, s, chunk, perFile) =>
  timedFiles(chunk, perFile, (i, tag) =>
    putAppends((at) => `${s.hop?.baseUrl}/append/hop-${tag}-${i}.log?offset=${at}`, chunk, perFile),
  );

const viaFloorApp: Appender = (_ctx, s, chunk, perFile) =>
  timedFiles(chunk, perFile, (i, tag) =>
    putAppends((at) => `${s.floor?.baseUrl}/api/append/floor-${tag}-${i}.log?offset=${at}`, chunk, perFile),
  );

/** Raw SDK appends to FILES blobs at once: create, then appendBlock at each position. */
const viaSdk: Appender = (ctx, s, chunk, perFile) => {
  const service = s.counted?.service ?? ctx.service;
  const container = service.getContainerClient(containerOf(s));
  const data = randomBytes(chunk);
  return timedFiles(
    chunk,
    perFile,
    async (i, tag) => {
      const blob = container.getAppendBlobClient(`raw-${tag}-${i}.log`);
      await blob.create();
      for (let at = 0; at < perFile; at += chunk)
        await blob.appendBlock(data, chunk, { conditions: { appendPosition: at } });
    },
    s.counted,
  );
};

/** In process, no HTTP: the core call the append route makes (appendLog), on our store. */
const viaCore: Appender = (_ctx, s, chunk, perFile) => {
  const store = s.store as AzureBlobStore;
  const data = randomBytes(chunk);
  return timedFiles(
    chunk,
    perFile,
    async (i, tag) => {
      const t = { ...TARGET, file: `core-${tag}-${i}.log` };
      for (let at = 0; at < perFile; at += chunk) {
        const r = await appendLog(store, t, at, [data], SEGMENT_MAX_BLOCKS);
        if (r.status !== 'appended') throw new Error(`append at ${at}: ${r.status}`);
      }
    },
    s.counted,
  );
};

interface Pair {
  name: string;
  ours: Appender;
  baseline: Appender;
  oursText: string;
  baselineText: string;
  /** Needs the host and the hop (HTTP), or only a store in process. */
  http: boolean;
  /** Also needs the hop's handler as a Functions app on the local host. */
  floor?: boolean;
}

/** How a run is reported: MiB/s, or requests per second for small appends. */
function rate(unit: 'MiB/s' | 'req/s', run: AppendRun, chunk: number): number {
  return unit === 'req/s' ? run.requests / (run.ms / 1000) : (run.requests * chunk) / MiB / (run.ms / 1000);
}

function appendScenario(
  chunk: number,
  label: string,
  pair: Pair,
  target?: string,
  unit: 'MiB/s' | 'req/s' = 'MiB/s',
): Scenario {
  const perFile = chunk >= MiB ? 32 * MiB : chunk >= 64 * 1024 ? 4 * MiB : 256 * chunk;
  return {
    name: `ingest append ${label} chunks, ${FILES} files at once${pair.name}`,
    unit,
    better: 'higher',
    ours: pair.oursText,
    baseline: pair.baselineText,
    ...(target !== undefined && { target }),
    rounds: 5,
    async setup(ctx) {
      if (!pair.http) {
        const counted = countingService(ctx.connectionString);
        const container = await createdContainer(ctx, 'ingestcore', counted.service);
        return { counted, store: new AzureBlobStore(counted.service, container) } satisfies AppendState;
      }
      return httpSetup(ctx, pair.floor === true);
    },
    async round(ctx, state) {
      const s = state as AppendState;
      const ours = await pair.ours(ctx, s, chunk, perFile);
      const baseline = await pair.baseline(ctx, s, chunk, perFile);
      const perRequest = (r: AppendRun) => (r.storageOps ?? NaN) / r.requests;
      return {
        ours: rate(unit, ours, chunk),
        baseline: rate(unit, baseline, chunk),
        ...(ours.storageOps !== undefined && {
          ops: { ours: perRequest(ours), baseline: perRequest(baseline) },
        }),
      };
    },
    teardown: (_ctx, state) => httpTeardown(state as AppendState),
  };
}

/** The host, the hop on the host's container, and (if `floor`) bench/floor-app on it too. */
async function httpSetup(
  ctx: BenchContext,
  floor: boolean,
  hostEnv?: Record<string, string>,
): Promise<AppendState> {
  const host =
    hostEnv === undefined ? await startHost(ctx) : await benchHost(ctx, { tag: 'ingest', env: hostEnv });
  // The app creates its container on first use; the hop and the raw SDK do not.
  await ctx.service.getContainerClient(host.container).createIfNotExists();
  const hop = await startHop(ctx, host.container);
  const floorApp = floor
    ? await benchHost(ctx, { container: host.container, appDir: path.resolve('bench/floor-app') })
    : undefined;
  const state: AppendState = { host, hop, ...(floorApp && { floor: floorApp }) };
  await warmUp(state);
  return state;
}

const WARM_UP_APPENDS = 5000;

/**
 * A Node.js process runs its first thousand or so requests through cold code (not yet compiled by the
 * JIT), and the host, with far more code on the path, warms more slowly than the hop: measured cold,
 * every round ran faster than the one before. An instance on Azure serves warm, so each server takes
 * the same WARM_UP_APPENDS 4 KiB appends, one at a time, before any round is timed.
 */
async function warmUp(s: AppendState): Promise<void> {
  const servers = [hostServer, hopServer, ...(s.floor ? [floorServer] : [])];
  for (const server of servers)
    await putAppends(
      server(s, `warm-${randomBytes(3).toString('hex')}`).urlAt,
      4 * 1024,
      WARM_UP_APPENDS * 4 * 1024,
    );
}

async function httpTeardown(s: AppendState): Promise<void> {
  await s.hop?.stop();
  if (s.floor !== undefined) await stopHost(s.floor);
  if (s.host !== undefined) await stopHost(s.host);
}

const HOST_VS_SDK: Pair = {
  name: ' (HTTP)',
  ours: viaHost,
  baseline: viaSdk,
  oursText: 'PUT /api/v1/logs through the local host',
  baselineText: 'raw SDK appendBlock to 4 blobs at once',
  http: true,
};

/** The ceiling: what a bare Node.js HTTP hop reaches against raw SDK appends on this machine. */
const HOP_VS_SDK: Pair = {
  name: ': ceiling, a bare Node.js HTTP hop',
  ours: viaHop,
  baseline: viaSdk,
  oursText: 'PUT to a 60-line Node.js server that buffers the body and appends it (bench/hop.ts)',
  baselineText: 'raw SDK appendBlock to 4 blobs at once',
  http: true,
};

/** What the local host, the library and our exactly-once rules cost over that bare hop. */
const HOST_VS_HOP: Pair = {
  name: ': local host vs the bare hop (HTTP)',
  ours: viaHost,
  baseline: viaHop,
  oursText: 'PUT /api/v1/logs through the local host',
  baselineText: 'the same PUTs to the bare Node.js hop (bench/hop.ts)',
  http: true,
};

/**
 * The control for HOST_VS_HOP: the hop's own handler (buffer the body, append it) as an
 * @azure/functions app on the same local host. What it loses to the hop is what the host and the
 * library cost any Functions app here, before any code of ours.
 */
const FLOOR_VS_HOP: Pair = {
  name: ': control, the hop’s handler as a Functions app on the local host vs the bare hop (HTTP)',
  ours: viaFloorApp,
  baseline: viaHop,
  oursText:
    'PUT to bench/floor-app: the hop’s append handler as an @azure/functions v4 app (streaming mode), run by the local host',
  baselineText: 'the same PUTs to the bare Node.js hop (bench/hop.ts)',
  http: true,
  floor: true,
};

/** One of the servers the CPU rows measure, for a file named after `tag`: where to PUT, and its process. */
type Server = (s: AppendState, tag: string) => { urlAt: (offset: number) => string; pid: number };

const hostServer: Server = (s, tag) => ({
  pid: s.host?.pid ?? 0,
  urlAt: (at) => `${s.host?.baseUrl}/api/v1/logs/default/bench/${SESSION}/head-1/cpu-${tag}.log?offset=${at}`,
});
const floorServer: Server = (s, tag) => ({
  pid: s.floor?.pid ?? 0,
  urlAt: (at) => `${s.floor?.baseUrl}/api/append/cpu-floor-${tag}.log?offset=${at}`,
});
const hopServer: Server = (s, tag) => ({
  pid: s.hop?.pid ?? 0,
  urlAt: (at) => `${s.hop?.baseUrl}/append/cpu-hop-${tag}.log?offset=${at}`,
});

const CPU_APPENDS = 1500;

/** Milliseconds of CPU (user + system) `server`'s process spends per 4 KiB append, one at a time. */
async function cpuPerAppend(s: AppendState, server: Server): Promise<number> {
  const { urlAt, pid } = server(s, randomBytes(3).toString('hex'));
  const before = cpuSeconds(pid);
  await putAppends(urlAt, 4 * 1024, CPU_APPENDS * 4 * 1024);
  return ((cpuSeconds(pid) - before) * 1000) / CPU_APPENDS;
}

/**
 * The server's CPU time per 4 KiB append, one request at a time over one keep-alive connection, vs
 * the bare hop's. On 2 shared cores a small request's throughput is bounded by its server's CPU
 * (1 / CPU per request), so this row says where the 4 KiB requests per second go without timing
 * anything. It still moves from run to run (±20% here: JIT, GC, caches shared with Azurite and the
 * client): compare the rows of one run, not runs.
 */
function cpuScenario(
  label: string,
  ours: Server,
  oursText: string,
  target: string,
  hostEnv?: Record<string, string>,
): Scenario {
  return {
    name: `ingest 4 KiB appends one at a time, server CPU per request: ${label}`,
    unit: 'ms CPU',
    better: 'lower',
    ours: `${oursText}; CPU of its process from /proc, ${CPU_APPENDS} appends a round`,
    baseline: 'the same PUTs to the bare Node.js hop (bench/hop.ts), its CPU likewise',
    target,
    rounds: 5,
    setup: (ctx) => httpSetup(ctx, ours === floorServer, hostEnv), // the control's row needs the floor app
    async round(_ctx, state) {
      const s = state as AppendState;
      const mine = await cpuPerAppend(s, ours);
      const hop = await cpuPerAppend(s, hopServer);
      return { ours: mine, baseline: hop };
    },
    teardown: (_ctx, state) => httpTeardown(state as AppendState),
  };
}

const ROUTE_APPENDS = 2000;

interface RouteCpuState {
  route: HttpHandler;
  floor: HttpHandler;
}

/** A PUT of `body` at `offset` as the library hands it to a handler, with the route's parameters. */
function appendRequest(file: string, offset: number, body: Buffer): HttpRequest {
  return new HttpRequest({
    method: 'PUT',
    url: `http://localhost/api/v1/logs/default/bench/${SESSION}/head-1/${file}?offset=${offset}`,
    body: { bytes: body },
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.length) },
    params: { namespace: 'default', cluster: 'bench', session: SESSION, node: 'head-1', file },
    query: { offset: String(offset) },
  });
}

/** Milliseconds of this process's CPU per request of `n` 4 KiB appends through `handler`, one at a time. */
async function handlerCpu(handler: HttpHandler, n: number): Promise<number> {
  const data = randomBytes(4 * 1024);
  const file = `route-${randomBytes(3).toString('hex')}.log`;
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const res = await handler(appendRequest(file, i * data.length, data), new InvocationContext());
    if (res.status !== 200) throw new Error(`append ${i} answered ${res.status}`);
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / n;
}

/**
 * In process, without the host or HTTP: the CPU our append route's handler takes per 4 KiB request
 * against bench/floor-app's handler (read the body, append at the offset) written as a function, both
 * handed the same kind of `HttpRequest` and both on clients with the app's pipeline options. The
 * difference is what the contract's work costs per request — parameters and names checked, the
 * exactly-once rules, the session's metadata and the index's note (both cached), the deadline, the
 * JSON answer — which the control's row over HTTP does not do. (Importing the route's function prints
 * the library's test-mode warnings once: there is no Functions runtime in the bench process.)
 */
const routeCpuScenario: Scenario = {
  name: 'ingest 4 KiB appends one at a time, CPU per request in process: the append route’s handler vs the hop’s handler',
  unit: 'ms CPU',
  better: 'lower',
  ours: `the handler the app registers for PUT /api/v1/logs, on AzureBlobStore; this process's CPU, ${ROUTE_APPENDS} appends a round`,
  baseline:
    'bench/floor-app’s handler as a function (read the body, appendBlock at the offset) on a raw client',
  target: 'informational: what the contract’s checks cost per request',
  rounds: 5,
  async setup(ctx) {
    const container = await createdContainer(ctx, 'routecpu');
    const env = { AZURE_STORAGE_CONNECTION_STRING: ctx.connectionString, AZURE_STORAGE_CONTAINER: container };
    const { appendLog: appendFunction } = await import('../../src/functions/appendLog.js');
    const raw = BlobServiceClient.fromConnectionString(
      ctx.connectionString,
      PIPELINE_OPTIONS,
    ).getContainerClient(container);
    const floor: HttpHandler = async (req) => {
      const offset = Number(req.query.get('offset'));
      const body = Buffer.from(await req.arrayBuffer());
      const blob = raw.getAppendBlobClient(req.params.file ?? '');
      if (offset === 0) await blob.createIfNotExists();
      await blob.appendBlock(body, body.length, { conditions: { appendPosition: offset } });
      return { status: 200, jsonBody: { status: 'appended' } };
    };
    const state: RouteCpuState = { route: appendFunction.make(depsFromEnv(env)), floor };
    await handlerCpu(state.route, ROUTE_APPENDS); // warm both (see warmUp)
    await handlerCpu(state.floor, ROUTE_APPENDS);
    return state;
  },
  async round(_ctx, state) {
    const s = state as RouteCpuState;
    const ours = await handlerCpu(s.route, ROUTE_APPENDS);
    const baseline = await handlerCpu(s.floor, ROUTE_APPENDS);
    return { ours, baseline };
  },
};

/** What our exactly-once rules and storage module cost over raw SDK calls, without HTTP. */
const CORE_VS_SDK: Pair = {
  name: ': in process vs raw SDK (no HTTP)',
  ours: viaCore,
  baseline: viaSdk,
  oursText:
    'appendLog (what the append route calls: exactly-once rules, segment tail, session metadata) on AzureBlobStore; storage requests counted at the SDK',
  baselineText: 'raw SDK create + appendBlock at each position, 4 blobs at once',
  http: false,
};

function rayEvents(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    eventId: randomBytes(18).toString('base64'),
    sourceType: 'CORE_WORKER',
    eventType: 'TASK_LIFECYCLE_EVENT',
    timestamp: new Date(Date.UTC(2026, 0, 27, 10, 53, 0, i)).toISOString(),
    severity: 'INFO',
    message: '',
    sessionName: SESSION,
    taskLifecycleEvent: {
      taskId: randomBytes(24).toString('base64'),
      jobId: i % 5 === 0 ? 'AgAAAA==' : 'AQAAAA==',
      stateTransitions: [{ state: 'RUNNING', timestamp: '2026-01-27T10:53:00.123456789Z' }],
    },
  }));
}

function p99(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)] ?? NaN;
}

const BATCHES = 50;

/** Times `fn` for each body, all at once; returns each reply time (ms). */
function concurrently(bodies: string[], fn: (body: string) => Promise<unknown>): Promise<number[]> {
  return Promise.all(bodies.map((body) => timed(() => fn(body))));
}

/** Raw SDK uploads of each body to a new blob, all at once: the events baselines. */
function rawUploads(service: BlobServiceClient, container: string, bodies: string[]): Promise<number[]> {
  const c = service.getContainerClient(container);
  return concurrently(bodies, (body) =>
    c.getBlockBlobClient(`raw/${randomBytes(6).toString('hex')}.json`).upload(body, body.length),
  );
}

const eventBodies = () => Array.from({ length: BATCHES }, () => JSON.stringify(rayEvents(1000)));

const eventsScenario: Scenario = {
  name: `ingest ${BATCHES} concurrent Ray event batches of 1,000 events: p99 reply (HTTP)`,
  unit: 'ms',
  better: 'lower',
  ours: 'POST /api/v1/events through the local host',
  baseline: 'raw SDK upload of the same JSON',
  target: 'p99 < 500 ms (Ray resends after 3,000 ms)',
  rounds: 5,
  setup: (ctx) => startHost(ctx),
  async round(ctx, state) {
    const host = state as Host;
    const bodies = eventBodies();
    const ours = await concurrently(bodies, async (body) => {
      const r = await fetch(`${host.baseUrl}/api/v1/events?namespace=default&cluster=bench&node=head-1`, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json' },
      });
      const text = await r.text();
      const accepted = r.status === 200 ? (JSON.parse(text) as { accepted?: number }).accepted : undefined;
      if (accepted !== 1000) throw new Error(`events answered ${r.status}: ${text.slice(0, 500)}`);
    });
    const raw = await rawUploads(ctx.service, host.container, bodies);
    return { ours: p99(ours), baseline: p99(raw) };
  },
  teardown: (_ctx, state) => stopHost(state as Host),
};

/**
 * The events target's control: the same 50 bodies POSTed at once to the bare hop, which only receives
 * each and uploads it as it is (no parsing, no checks, no split by job, no dedup): the p99 any HTTP
 * path to storage reaches here, against raw SDK uploads of the same bodies.
 */
const eventsHopScenario: Scenario = {
  name: `ingest ${BATCHES} concurrent Ray event batches of 1,000 events: ceiling, a bare Node.js HTTP hop (p99 reply)`,
  unit: 'ms',
  better: 'lower',
  ours: 'POST of each body to a 60-line Node.js server that buffers it and uploads it as it is (bench/hop.ts)',
  baseline: 'raw SDK upload of the same JSON',
  target: 'informational: the best any HTTP path reaches here',
  rounds: 5,
  async setup(ctx) {
    const container = await createdContainer(ctx, 'eventshop');
    return { container, hop: await startHop(ctx, container) };
  },
  async round(ctx, state) {
    const { container, hop } = state as { container: string; hop: Hop };
    const bodies = eventBodies();
    const ours = await concurrently(bodies, async (body) => {
      const r = await fetch(`${hop.baseUrl}/upload/hop/${randomBytes(6).toString('hex')}.json`, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json' },
      });
      const text = await r.text();
      if (r.status !== 200) throw new Error(`the hop answered ${r.status}: ${text.slice(0, 500)}`);
    });
    const raw = await rawUploads(ctx.service, container, bodies);
    return { ours: p99(ours), baseline: p99(raw) };
  },
  teardown: (_ctx, state) => (state as { hop: Hop }).hop.stop(),
};

/**
 * The events target's floor, in process: what any implementation of the route must do with the 50
 * bodies — parse each (to check its events) and write its events as one file per job (the layout,
 * as upstream's) — and nothing else: no checks, no dedup, no seen-log, no metadata. Against raw SDK
 * uploads of the whole bodies.
 */
const eventsFloorScenario: Scenario = {
  name: `ingest ${BATCHES} concurrent Ray event batches of 1,000 events: floor, parse + one upload per job (in process, p99)`,
  unit: 'ms',
  better: 'lower',
  ours: 'JSON.parse of each body, its events split by job, JSON.stringify and a raw SDK upload per job',
  baseline: 'raw SDK upload of the same JSON',
  target: 'informational: the least the route can take here',
  rounds: 5,
  setup: (ctx) => createdContainer(ctx, 'eventsfloor'),
  async round(ctx, state) {
    const c = ctx.service.getContainerClient(state as string);
    const bodies = eventBodies();
    const ours = await concurrently(bodies, async (body) => {
      const byJob = new Map<unknown, unknown[]>();
      for (const e of JSON.parse(body) as { taskLifecycleEvent: { jobId: unknown } }[]) {
        const job = e.taskLifecycleEvent.jobId;
        const list = byJob.get(job);
        if (list === undefined) byJob.set(job, [e]);
        else list.push(e);
      }
      await Promise.all(
        [...byJob.values()].map((events) => {
          const text = JSON.stringify(events);
          return c
            .getBlockBlobClient(`floor/${randomBytes(6).toString('hex')}.json`)
            .upload(text, text.length);
        }),
      );
    });
    const raw = await rawUploads(ctx.service, state as string, bodies);
    return { ours: p99(ours), baseline: p99(raw) };
  },
};

interface CoreState {
  counted: CountingService;
  store: AzureBlobStore;
}

async function coreSetup(ctx: BenchContext, tag: string): Promise<CoreState> {
  const counted = countingService(ctx.connectionString);
  const container = await createdContainer(ctx, tag, counted.service);
  return { counted, store: new AzureBlobStore(counted.service, container) };
}

/** The same batches without HTTP: what the events route does after reading the body (parse, check, store). */
const eventsInProcessScenario: Scenario = {
  name: `ingest ${BATCHES} concurrent Ray event batches of 1,000 events: p99 reply (in process, no HTTP)`,
  unit: 'ms',
  better: 'lower',
  ours: 'JSON.parse + storeEvents (validation, dedup by eventId, event files, seen-log) on AzureBlobStore',
  baseline: 'raw SDK upload of the same JSON',
  target: 'informational: the app’s share of the HTTP figure',
  rounds: 5,
  setup: (ctx) => coreSetup(ctx, 'eventscore'),
  async round(_ctx, state) {
    const s = state as CoreState;
    const bodies = eventBodies();
    const t = { namespace: 'default', cluster: 'bench', clusterId: 'default', node: 'head-1' };
    const before = s.counted.count();
    const ours = await concurrently(bodies, async (body) => {
      const r = await storeEvents(s.store, t, JSON.parse(body) as unknown[], SEGMENT_MAX_BLOCKS);
      if (r.accepted !== 1000) throw new Error(`accepted ${r.accepted} of 1000`);
    });
    const mid = s.counted.count();
    const raw = await rawUploads(s.counted.service, s.store.container, bodies);
    const after = s.counted.count();
    return {
      ours: p99(ours),
      baseline: p99(raw),
      ops: { ours: (mid - before) / BATCHES, baseline: (after - mid) / BATCHES },
    };
  },
};

/**
 * Storage requests of a 4 KiB append to a file that exists, at the right offset, made by a process
 * that has not seen the file before (a restarted collector's first append, another instance on
 * Azure), and of the appends after it.
 */
function existingFileOps(which: 'first' | 'later'): Scenario {
  return {
    name: `ingest storage ops per 4 KiB append to an existing file at the right offset: ${
      which === 'first' ? "a new process's first append" : 'later appends'
    }`,
    unit: 'ops',
    better: 'lower',
    ours: 'appendLog on a new AzureBlobStore (nothing cached), storage requests counted at the SDK',
    baseline: 'raw SDK appendBlock at the position (one request)',
    target:
      which === 'first'
        ? 'informational: 1 append + 1 metadata check (once per session and process)'
        : '1 per append',
    rounds: 3,
    setup: (ctx) => coreSetup(ctx, 'ingestops'),
    async round(ctx, state) {
      const s = state as CoreState;
      const chunk = randomBytes(4 * 1024);
      const t = { ...TARGET, file: `ops-${randomBytes(3).toString('hex')}.log` };
      await appendLog(s.store, t, 0, [chunk], SEGMENT_MAX_BLOCKS);
      const fresh = new AzureBlobStore(s.counted.service, s.store.container);
      const at0 = s.counted.count();
      await appendLog(fresh, t, chunk.length, [chunk], SEGMENT_MAX_BLOCKS);
      const first = s.counted.count() - at0;
      const later = 16;
      const at1 = s.counted.count();
      for (let i = 2; i < 2 + later; i++)
        await appendLog(fresh, t, i * chunk.length, [chunk], SEGMENT_MAX_BLOCKS);
      const perLater = (s.counted.count() - at1) / later;
      const raw = s.counted.service
        .getContainerClient(s.store.container)
        .getAppendBlobClient(`raw-${t.file}`);
      await raw.create();
      const at2 = s.counted.count();
      await raw.appendBlock(chunk, chunk.length, { conditions: { appendPosition: 0 } });
      const rawOps = s.counted.count() - at2;
      ctx.log(`  first append in a new process: ${first} requests; later: ${perLater} per append`);
      const ours = which === 'first' ? first : perLater;
      return { ours, baseline: rawOps, ops: { ours, baseline: rawOps } };
    },
  };
}

const existingFileOpsScenario = existingFileOps('later');
const existingFileFirstOpsScenario = existingFileOps('first');

export const ingestScenarios: Scenario[] = [
  appendScenario(MiB, '1 MiB', HOST_VS_SDK, 'informational (round 1: ≥ 0.8×)'),
  appendScenario(MiB, '1 MiB', HOP_VS_SDK, 'informational: the best any HTTP path reaches here'),
  appendScenario(MiB, '1 MiB', HOST_VS_HOP, '≥ 0.95×'),
  appendScenario(MiB, '1 MiB', FLOOR_VS_HOP, 'informational: the best a Functions app reaches here'),
  appendScenario(MiB, '1 MiB', CORE_VS_SDK, 'informational; storage ops ≈ 1 per append'),
  appendScenario(64 * 1024, '64 KiB', HOST_VS_SDK, 'informational'),
  appendScenario(64 * 1024, '64 KiB', HOST_VS_HOP, '≥ 0.9×'),
  appendScenario(64 * 1024, '64 KiB', FLOOR_VS_HOP, 'informational: the best a Functions app reaches here'),
  appendScenario(64 * 1024, '64 KiB', CORE_VS_SDK, 'informational; storage ops ≈ 1 per append'),
  appendScenario(4 * 1024, '4 KiB', HOST_VS_HOP, '≥ 0.8× the requests per second', 'req/s'),
  appendScenario(
    4 * 1024,
    '4 KiB',
    FLOOR_VS_HOP,
    'informational: the best a Functions app reaches here',
    'req/s',
  ),
  cpuScenario(
    'local host vs the bare hop',
    hostServer,
    'PUT /api/v1/logs through the local host',
    'informational: what the 4 KiB req/s target costs in CPU',
  ),
  cpuScenario(
    'local host, the indexer’s blob triggers off, vs the bare hop',
    hostServer,
    'PUT /api/v1/logs through the local host, with indexLogBlob and indexMetadataBlob disabled (AzureWebJobs.<name>.Disabled)',
    'informational: the share of the local host’s blob-trigger runs (one per appended file every 250 ms)',
    { 'AzureWebJobs.indexLogBlob.Disabled': 'true', 'AzureWebJobs.indexMetadataBlob.Disabled': 'true' },
  ),
  cpuScenario(
    'control, the hop’s handler as a Functions app on the local host vs the bare hop',
    floorServer,
    'PUT to bench/floor-app on the local host',
    'informational: the least CPU a Functions app takes here',
  ),
  routeCpuScenario,
  appendScenario(4 * 1024, '4 KiB', CORE_VS_SDK, 'storage ops 1 per append once the file exists', 'req/s'),
  existingFileFirstOpsScenario,
  existingFileOpsScenario,
  eventsScenario,
  eventsHopScenario,
  eventsInProcessScenario,
  eventsFloorScenario,
];

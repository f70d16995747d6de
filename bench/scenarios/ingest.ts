/**
 * Ingest benchmarks through the local host over real HTTP, each against a raw-SDK baseline in the
 * same run: log appends of 1 MiB and 64 KiB chunks to 4 files at once vs raw `appendBlock` to 4 blobs
 * at once, and the p99 reply time of 50 concurrent Ray event batches of 1,000 events vs 50 concurrent
 * raw uploads of the same JSON.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { benchHost, type BenchHost } from '../host.js';
import { timed, type BenchContext, type Scenario } from '../harness.js';
import { startHop, type Hop } from '../hop.js';
import { rawSdkAppend } from './storage.js';

const MiB = 1024 * 1024;
const SESSION = 'session_2026-01-27_10-52-59_373533_1';
const FILES = 4;

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

/** One way of appending `perFile` bytes to each of FILES files at once; returns MiB/s. */
type Appender = (ctx: BenchContext, state: AppendState, chunk: number, perFile: number) => Promise<number>;

interface AppendState {
  host?: Host;
  hop?: Hop;
}

async function throughput(
  perFile: number,
  each: (i: number, tag: string) => Promise<unknown>,
): Promise<number> {
  const tag = randomBytes(3).toString('hex');
  const ms = await timed(() => Promise.all(Array.from({ length: FILES }, (_, i) => each(i, tag))));
  return (perFile * FILES) / MiB / (ms / 1000);
}

const viaHost: Appender = (_ctx, s, chunk, perFile) =>
  throughput(perFile, (i, tag) =>
    putAppends(
      (at) => `${s.host?.baseUrl}/api/v1/logs/default/bench/${SESSION}/head-1/f-${tag}-${i}.log?offset=${at}`,
      chunk,
      perFile,
    ),
  );

const viaHop: Appender = (_ctx, s, chunk, perFile) =>
  throughput(perFile, (i, tag) =>
    putAppends((at) => `${s.hop?.baseUrl}/append/hop-${tag}-${i}.log?offset=${at}`, chunk, perFile),
  );

const viaSdk: Appender = (ctx, s, chunk, perFile) =>
  throughput(perFile, () => rawSdkAppend(ctx, s.host?.container ?? '', chunk, perFile));

function appendScenario(
  chunk: number,
  label: string,
  pair: { ours: Appender; baseline: Appender; oursText: string; baselineText: string; name: string },
  target?: string,
): Scenario {
  const perFile = chunk >= MiB ? 32 * MiB : 4 * MiB;
  return {
    name: `ingest append ${label} chunks, ${FILES} files at once${pair.name}`,
    unit: 'MiB/s',
    better: 'higher',
    ours: pair.oursText,
    baseline: pair.baselineText,
    ...(target !== undefined && { target }),
    rounds: 5,
    async setup(ctx) {
      const host = await startHost(ctx);
      // The app creates its container on first use; the hop and the raw SDK do not.
      await ctx.service.getContainerClient(host.container).createIfNotExists();
      const hop = await startHop(ctx, host.container);
      return { host, hop } satisfies AppendState;
    },
    async round(ctx, state) {
      const s = state as AppendState;
      const ours = await pair.ours(ctx, s, chunk, perFile);
      const baseline = await pair.baseline(ctx, s, chunk, perFile);
      return { ours, baseline };
    },
    async teardown(_ctx, state) {
      const s = state as AppendState;
      await s.hop?.stop();
      if (s.host !== undefined) await stopHost(s.host);
    },
  };
}

const HOST_VS_SDK = {
  name: ' (HTTP)',
  ours: viaHost,
  baseline: viaSdk,
  oursText: 'PUT /api/v1/logs through the local host',
  baselineText: 'raw SDK appendBlock to 4 blobs at once',
};

/** The ceiling: what a bare Node.js HTTP hop reaches against raw SDK appends on this machine. */
const HOP_VS_SDK = {
  name: ': ceiling, a bare Node.js HTTP hop',
  ours: viaHop,
  baseline: viaSdk,
  oursText: 'PUT to a 60-line Node.js server that buffers the body and appends it (bench/hop.ts)',
  baselineText: 'raw SDK appendBlock to 4 blobs at once',
};

/** What the local host, the library and our exactly-once rules cost over that bare hop. */
const HOST_VS_HOP = {
  name: ': local host vs the bare hop',
  ours: viaHost,
  baseline: viaHop,
  oursText: 'PUT /api/v1/logs through the local host',
  baselineText: 'the same PUTs to the bare Node.js hop (bench/hop.ts)',
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

const eventsScenario: Scenario = {
  name: `ingest ${BATCHES} concurrent Ray event batches of 1,000 events: p99 reply`,
  unit: 'ms',
  better: 'lower',
  ours: 'POST /api/v1/events through the local host',
  baseline: 'raw SDK upload of the same JSON',
  target: 'p99 well under 3,000 ms',
  rounds: 5,
  setup: (ctx) => startHost(ctx),
  async round(ctx, state) {
    const host = state as Host;
    const bodies = Array.from({ length: BATCHES }, () => JSON.stringify(rayEvents(1000)));
    const ours = await Promise.all(
      bodies.map((body) =>
        timed(async () => {
          const r = await fetch(`${host.baseUrl}/api/v1/events?namespace=default&cluster=bench&node=head-1`, {
            method: 'POST',
            body,
            headers: { 'Content-Type': 'application/json' },
          });
          const text = await r.text();
          const accepted =
            r.status === 200 ? (JSON.parse(text) as { accepted?: number }).accepted : undefined;
          if (accepted !== 1000) throw new Error(`events answered ${r.status}: ${text.slice(0, 500)}`);
        }),
      ),
    );
    const container = ctx.service.getContainerClient(host.container);
    const raw = await Promise.all(
      bodies.map((body) =>
        timed(() =>
          container
            .getBlockBlobClient(`raw/${randomBytes(6).toString('hex')}.json`)
            .upload(body, body.length),
        ),
      ),
    );
    return { ours: p99(ours), baseline: p99(raw) };
  },
  teardown: (_ctx, state) => stopHost(state as Host),
};

export const ingestScenarios: Scenario[] = [
  appendScenario(MiB, '1 MiB', HOST_VS_SDK, '≥ 0.8×'),
  appendScenario(MiB, '1 MiB', HOP_VS_SDK, 'informational: the best any HTTP path reaches here'),
  appendScenario(MiB, '1 MiB', HOST_VS_HOP),
  appendScenario(64 * 1024, '64 KiB', HOST_VS_SDK),
  eventsScenario,
];

/**
 * Ingest benchmarks through the local host over real HTTP, each against a raw-SDK baseline in the
 * same run: log appends of 1 MiB and 64 KiB chunks to 4 files at once vs raw `appendBlock` to 4 blobs
 * at once, and the p99 reply time of 50 concurrent Ray event batches of 1,000 events vs 50 concurrent
 * raw uploads of the same JSON.
 */
import { randomBytes } from 'node:crypto';
import { benchHost, type BenchHost } from '../host.js';
import { timed, type BenchContext, type Scenario } from '../harness.js';
import { rawSdkAppend } from './storage.js';

const MiB = 1024 * 1024;
const SESSION = 'session_2026-01-27_10-52-59_373533_1';
const FILES = 4;

type Host = BenchHost;

const startHost = (ctx: BenchContext): Promise<Host> => benchHost(ctx, { tag: 'ingest' });
const stopHost = (host: Host): Promise<void> => host.stop();

/** Appends `total` bytes to one file over HTTP in `chunk`-sized requests. */
async function httpAppend(host: Host, file: string, chunk: number, total: number): Promise<void> {
  const data = randomBytes(chunk);
  for (let at = 0; at < total; at += chunk) {
    const url = `${host.baseUrl}/api/v1/logs/default/bench/${SESSION}/head-1/${file}?offset=${at}`;
    const r = await fetch(url, {
      method: 'PUT',
      body: data,
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    const text = await r.text();
    if (r.status !== 200) throw new Error(`append at ${at} answered ${r.status}: ${text}`);
  }
}

function appendScenario(chunk: number, perFile: number, label: string, target?: string): Scenario {
  const total = perFile * FILES;
  return {
    name: `ingest append ${label} chunks, ${FILES} files at once (HTTP)`,
    unit: 'MiB/s',
    better: 'higher',
    ours: 'PUT /api/v1/logs through the local host',
    baseline: 'raw SDK appendBlock to 4 blobs at once',
    ...(target !== undefined && { target }),
    rounds: 5,
    setup: (ctx) => startHost(ctx),
    async round(ctx, state) {
      const host = state as Host;
      const tag = randomBytes(3).toString('hex');
      const ms = await timed(() =>
        Promise.all(
          Array.from({ length: FILES }, (_, i) => httpAppend(host, `f-${tag}-${i}.log`, chunk, perFile)),
        ),
      );
      const rawMs = await timed(() =>
        Promise.all(Array.from({ length: FILES }, () => rawSdkAppend(ctx, host.container, chunk, perFile))),
      );
      return { ours: total / MiB / (ms / 1000), baseline: total / MiB / (rawMs / 1000) };
    },
    teardown: (_ctx, state) => stopHost(state as Host),
  };
}

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
  appendScenario(MiB, 32 * MiB, '1 MiB', '≥ 0.8×'),
  appendScenario(64 * 1024, 4 * MiB, '64 KiB'),
  eventsScenario,
];

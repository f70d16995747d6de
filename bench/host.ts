/**
 * The local host for bench scenarios: the compiled app against the bench's Azurite, in its own
 * container; and what HTTP scenarios measure it with (requests, the host's RSS from /proc).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { spawnHost, type SpawnedHost } from '../src/host/spawn.js';
import { profileArgs, type BenchContext } from './harness.js';

const MiB = 1024 * 1024;

export interface BenchHost extends SpawnedHost {
  /** The data container the app writes to (AZURE_STORAGE_CONTAINER). */
  container: string;
}

/** Starts the host on a free port; `container` defaults to a fresh one named after `tag`. */
export async function benchHost(
  ctx: BenchContext,
  opts: { tag?: string; container?: string; env?: Record<string, string>; appDir?: string } = {},
): Promise<BenchHost> {
  const container = opts.container ?? ctx.container(opts.tag ?? 'host');
  const cs = ctx.connectionString;
  const env = {
    ...process.env,
    AZURE_STORAGE_CONNECTION_STRING: cs,
    HistoryStorage: cs,
    AzureWebJobsStorage: cs,
    AZURE_STORAGE_CONTAINER: container,
    // No hourly reconcile in the middle of a measurement: the platform's switch turns the timer off
    // (the schedule itself must be valid, or every route answers 503 naming it).
    INDEX_RECONCILE_SCHEDULE: '0 0 * * * *',
    'AzureWebJobs.reconcileIndex.Disabled': 'true',
    ...opts.env,
  };
  const spawned = await spawnHost({
    env,
    startTimeoutMs: 60_000,
    nodeArgs: profileArgs('host'),
    ...(opts.appDir !== undefined && { appDir: opts.appDir }),
  });
  return { ...spawned, container };
}

/**
 * Waits until the host's blob trigger (the indexer) has run `count` times, so that its work on the
 * blobs a scenario just wrote is not measured as ours. The local host, like Azure's, hands a blob
 * trigger the whole blob, so a big log costs the host its size in memory once.
 */
export async function triggersDone(ctx: BenchContext, host: SpawnedHost, count: number): Promise<void> {
  const deadline = Date.now() + 180_000;
  const done = () => host.output().match(/Executed 'Functions\.indexLogBlob' \(Succeeded/g)?.length ?? 0;
  while (done() < count) {
    if (Date.now() > deadline) {
      ctx.log(`  warning: only ${done()} of ${count} indexer runs finished; measuring anyway`);
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resident set size of a process, in MiB (Linux). */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? NaN : Number(m[1]) / 1024;
}

/** Runs `fn` while sampling `pid`'s RSS; returns the peak growth over the level before, in MiB. */
export async function peakRssGrowth(pid: number, fn: () => Promise<unknown>): Promise<number> {
  const before = rssMiB(pid);
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 10);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, rssMiB(pid)) - before;
}

export interface Drained {
  status: number;
  /** Bytes of the body. */
  bytes: number;
  /** The body's first MiB. */
  body: Buffer[];
}

/** Sends a request and drains the answer (a body is sent as given). */
export function send(
  baseUrl: string,
  method: string,
  p: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<Drained> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl}${p}`, { method, headers }, (res) => {
      let bytes = 0;
      const kept: Buffer[] = [];
      res.on('data', (d: Buffer) => {
        bytes += d.length;
        if (bytes <= MiB) kept.push(d);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, body: kept }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** GETs a path and drains the body; returns the status and the byte count. */
export function drain(baseUrl: string, p: string): Promise<Drained> {
  return send(baseUrl, 'GET', p);
}

/** GETs a JSON answer; throws unless it is `200`. */
export async function getJson<T>(baseUrl: string, p: string): Promise<T> {
  const r = await drain(baseUrl, p);
  const text = Buffer.concat(r.body).toString('utf8');
  if (r.status !== 200) throw new Error(`GET ${p} answered ${r.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

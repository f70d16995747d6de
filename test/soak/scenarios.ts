/**
 * The soak's scenarios. Each runs writers and readers against the app in the local host while
 * something goes wrong (the host killed, Ctrl-C, storage down or hung, seeded storage faults, a long
 * load), then checks everything that must hold (verify.ts) and returns its figures. `npm test` runs a
 * short seeded version of each (test/soak/soak.test.ts); `npm run soak` the full one.
 */
import { DEFAULT_DEADLINES, uploadMs } from '../../src/storage/deadlines.js';
import { FAULT_KINDS, type FaultKind } from '../helpers/faultProxy.js';
import {
  appendWriter,
  batchWriter,
  eventWriter,
  Ledger,
  reader,
  send,
  session,
  sourceText,
  Stats,
  type FileRecord,
} from './clients.js';
import { failures, verify, type Verdict } from './verify.js';
import { rng, World, type Rng } from './world.js';

export interface Workload {
  /** Files shipped by single PUTs (one writer each). */
  appenders: number;
  /** Bytes of each file. */
  fileBytes: number;
  /** Chunk sizes of a PUT (some above 4 MiB: appends of several pieces). */
  sizes: readonly number[];
  eventWriters: number;
  /** Event batches each event writer posts (of 20 events). */
  eventBatches: number;
  batchWriters: number;
  readers: number;
  /** Pause after each acknowledged write. */
  paceMs?: number;
  /** Start a reconcile through the admin API every so often (ms). */
  reindexEveryMs?: number;
}

export interface Figures {
  scenario: string;
  seed: number;
  seconds: number;
  requests: number;
  statuses: Record<string, number>;
  bytesSent: number;
  bytesAcked: number;
  bytesStored: number;
  eventsAcked: number;
  eventsStored: number;
  faults: Record<string, number>;
  kills: number;
  lostBytes: number;
  lostEvents: number;
  duplicatesAnswered: number;
  duplicatesStored: number;
  answered503: number;
  hangMs?: number;
  /** The documented deadline the longest answer is held to. */
  hangLimitMs?: number;
  longestDuringHang?: { ms: number; what: string; status: number };
  recoveryMs?: number;
  latencyMs?: { p50: number; p99: number; max: number };
  rssMiB?: { first: number; max: number; last: number; samples: number[] };
  /** Per minute of the load: the median RSS sample, and V8's heap after the minute's full GCs. */
  minutes?: MinuteFigures[];
  scratchSwept: number;
  /** How long after the writes stopped the index equalled a reconcile (-1: not within the wait). */
  indexSettledMs: number;
  failures: string[];
}

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Writers and readers running against the world until `stop()`. */
class Running {
  private stopped = false;
  private readonly all: Promise<void>[] = [];
  constructor(
    readonly world: World,
    readonly ledger: Ledger,
    readonly stats: Stats,
  ) {}

  start(w: Workload, r: Rng): this {
    const base = () => this.world.baseUrl;
    const stop = () => this.stopped;
    const cluster = `c${r.int(1000)}`;
    const sess = session(r.int(1_000_000));
    const file = (node: string, name: string): FileRecord => {
      const f = {
        cluster,
        session: sess,
        node,
        file: name,
        source: sourceText(r, `${node}/${name}`, w.fileBytes),
        acked: 0,
      };
      this.ledger.files.push(f);
      return f;
    };
    const opts = { sizes: w.sizes, maxBackoffMs: 1_000, ...(w.paceMs !== undefined && { paceMs: w.paceMs }) };
    for (let i = 0; i < w.appenders; i++) {
      const f = file(`node-${i % 8}`, `worker-${i}.log`);
      this.all.push(appendWriter(base, f, this.ledger, this.stats, rng(r.int(2 ** 31)), opts, stop));
    }
    for (let i = 0; i < w.eventWriters; i++) {
      const target = { cluster, session: sess, node: `node-${i % 8}` };
      const o = { size: 20, maxBackoffMs: 1_000, batches: w.eventBatches };
      this.all.push(eventWriter(base, target, this.ledger, this.stats, rng(r.int(2 ** 31)), o, stop));
    }
    for (let i = 0; i < w.batchWriters; i++) {
      const files = [0, 1, 2].map((k) => file(`batch-${i}`, `part-${k}.log`));
      const small = { ...opts, sizes: [512, 4096, 16_384] };
      this.all.push(batchWriter(base, files, this.ledger, this.stats, rng(r.int(2 ** 31)), small, stop));
    }
    for (let i = 0; i < w.readers; i++)
      this.all.push(reader(base, this.ledger, this.stats, rng(r.int(2 ** 31)), stop, 100));
    if (w.reindexEveryMs !== undefined) this.all.push(this.reindexing(w.reindexEveryMs, stop));
    return this;
  }

  private async reindexing(everyMs: number, stop: () => boolean): Promise<void> {
    while (!stop()) {
      await pause(everyMs);
      const started = Date.now();
      const a = await send(this.world.baseUrl, 'POST', '/api/v1/admin/reindex');
      this.stats.record('reindex', started, a);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.all);
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function finish(
  scenario: string,
  world: World,
  ledger: Ledger,
  stats: Stats,
  started: number,
  extra: Partial<Figures> = {},
): Promise<Figures> {
  const verdict: Verdict = await verify(world, ledger);
  const statuses: Record<string, number> = {};
  for (const [k, v] of [...stats.byStatus].sort((a, b) => a[0] - b[0])) statuses[String(k)] = v;
  const faults = world.opts.hostOwnsStorage === true ? {} : world.proxy.counts();
  return {
    scenario,
    seed: world.opts.seed,
    seconds: Math.round((Date.now() - started) / 1000),
    requests: stats.requests,
    statuses,
    bytesSent: stats.bytesSent,
    bytesAcked: ledger.ackedBytes(),
    bytesStored: verdict.bytesStored,
    eventsAcked: [...ledger.events.values()].reduce((n, s) => n + s.size, 0),
    eventsStored: verdict.eventsStored,
    faults,
    kills: 0,
    lostBytes: verdict.lostBytes + ledger.lostOnline,
    lostEvents: verdict.lostEvents,
    duplicatesAnswered: verdict.duplicatesAnswered,
    duplicatesStored: verdict.duplicatesStored,
    answered503: stats.count(503),
    scratchSwept: verdict.scratchSwept,
    indexSettledMs: verdict.indexSettledMs,
    failures: failures(verdict, ledger),
    ...extra,
  };
}

/** The host killed with SIGKILL at random moments while writers, readers and reconciles run. */
export async function crashes(
  seed: number,
  o: { kills: number; gapMs: [number, number]; workload: Workload },
): Promise<Figures> {
  const world = await World.create({ seed });
  try {
    await world.startHost();
    const started = Date.now();
    const ledger = new Ledger();
    const stats = new Stats();
    const run = new Running(world, ledger, stats).start(o.workload, world.random);
    for (let k = 0; k < o.kills; k++) {
      await pause(o.gapMs[0] + world.random.int(o.gapMs[1] - o.gapMs[0]));
      await world.killHost();
      await world.startHost();
    }
    await pause(o.gapMs[0]);
    await run.stop();
    return await finish('kill -9 of the host', world, ledger, stats, started, { kills: o.kills });
  } catch (err) {
    throw new Error(`${String(err)}\n${world.output().slice(-4000)}`);
  } finally {
    await world.close();
  }
}

/** `npm start` stopped with Ctrl-C (SIGINT to the process group) and started again, data on disk. */
export async function ctrlC(
  seed: number,
  o: { cycles: number; runMs: number; workload: Workload },
): Promise<Figures> {
  const world = await World.create({ seed, hostOwnsStorage: true });
  try {
    await world.startHost();
    const started = Date.now();
    const ledger = new Ledger();
    const stats = new Stats();
    const run = new Running(world, ledger, stats).start(o.workload, world.random);
    const codes: (number | null)[] = [];
    for (let k = 0; k < o.cycles; k++) {
      await pause(o.runMs);
      codes.push(await world.ctrlC());
      await world.startHost();
    }
    await pause(o.runMs);
    await run.stop();
    const figures = await finish('Ctrl-C and restart (npm start)', world, ledger, stats, started, {
      kills: o.cycles,
    });
    if (codes.some((c) => c !== 0)) figures.failures.push(`exit codes after Ctrl-C: ${codes.join(', ')}`);
    return figures;
  } catch (err) {
    throw new Error(`${String(err)}\n${world.output().slice(-4000)}`);
  } finally {
    await world.close();
  }
}

/** Time from `at` until a write request answered 200 (completed after `at`). */
function recovery(stats: Stats, at: number): number | undefined {
  const writes = stats.timings.filter(
    (t) => t.status === 200 && t.start + t.ms >= at && ['append', 'events', 'batch'].includes(t.what),
  );
  if (writes.length === 0) return undefined;
  return Math.min(...writes.map((t) => t.start + t.ms)) - at;
}

/** Storage down (503s, or connections refused) for a while with clients running. */
export async function outage(
  seed: number,
  o: { mode: 'outage' | 'refuse'; warmMs: number; downMs: number; afterMs: number; workload: Workload },
): Promise<Figures> {
  const world = await World.create({ seed });
  try {
    await world.startHost();
    const started = Date.now();
    const ledger = new Ledger();
    const stats = new Stats();
    const run = new Running(world, ledger, stats).start(o.workload, world.random);
    await pause(o.warmMs);
    world.proxy.setMode(o.mode);
    await pause(o.downMs);
    world.proxy.setMode('normal');
    const back = Date.now();
    await pause(o.afterMs);
    await run.stop();
    const name = o.mode === 'outage' ? 'storage outage (503)' : 'storage outage (refused)';
    return await finish(name, world, ledger, stats, started, { recoveryMs: recovery(stats, back) ?? -1 });
  } catch (err) {
    throw new Error(`${String(err)}\n${world.output().slice(-4000)}`);
  } finally {
    await world.close();
  }
}

/**
 * The longest an answer may take while storage hangs: the deadline of the first storage call that
 * hangs, at most that of an upload of the workload's largest chunk (docs/reliability.md "Deadlines").
 */
export function hangLimitMs(w: Workload): number {
  return uploadMs(DEFAULT_DEADLINES, Math.max(0, ...w.sizes));
}

/** Storage accepting connections and answering nothing, with clients running. */
export async function hang(
  seed: number,
  o: { warmMs: number; hangMs: number; afterMs: number; workload: Workload },
): Promise<Figures> {
  const world = await World.create({ seed });
  try {
    await world.startHost();
    const started = Date.now();
    const ledger = new Ledger();
    const stats = new Stats();
    const run = new Running(world, ledger, stats).start(o.workload, world.random);
    await pause(o.warmMs);
    const from = Date.now();
    world.proxy.setMode('hang');
    await pause(o.hangMs);
    world.proxy.setMode('normal');
    const back = Date.now();
    await pause(o.afterMs);
    await run.stop();
    // Requests that began while storage hung and whose deadline passed before it came back.
    const limit = hangLimitMs(o.workload);
    const during = stats.timings.filter((t) => t.start >= from && t.start + limit <= back);
    const longest = during.reduce((a, t) => (t.ms > a.ms ? t : a), { ms: 0, what: '', status: 0, start: 0 });
    const figures = await finish('storage hang', world, ledger, stats, started, {
      hangMs: o.hangMs,
      hangLimitMs: limit,
      longestDuringHang: { ms: longest.ms, what: longest.what, status: longest.status },
      recoveryMs: recovery(stats, back) ?? -1,
    });
    const slow = during.filter((t) => t.ms > limit + 5_000);
    if (slow.length > 0)
      figures.failures.push(`${slow.length} answers took longer than ${limit} ms (+5 s) while storage hung`);
    if (during.length === 0) figures.failures.push('no request was made while storage hung');
    return figures;
  } catch (err) {
    throw new Error(`${String(err)}\n${world.output().slice(-4000)}`);
  } finally {
    await world.close();
  }
}

/** Seeded storage faults of every kind while writers and readers run. */
export async function faults(
  seed: number,
  o: { rate: number; runMs: number; workload: Workload },
): Promise<Figures> {
  const world = await World.create({ seed });
  try {
    await world.startHost();
    const started = Date.now();
    const ledger = new Ledger();
    const stats = new Stats();
    const rates: Partial<Record<FaultKind, number>> = {};
    for (const k of FAULT_KINDS) rates[k] = o.rate / FAULT_KINDS.length;
    world.proxy.setSchedule({
      seed,
      rates,
      maxLatencyMs: 1_000,
      timeoutMs: DEFAULT_DEADLINES.operationMs + 2_000,
    });
    const run = new Running(world, ledger, stats).start(o.workload, world.random);
    await pause(o.runMs);
    await run.stop();
    world.proxy.setSchedule(null);
    return await finish('seeded storage faults', world, ledger, stats, started);
  } catch (err) {
    throw new Error(`${String(err)}\n${world.output().slice(-4000)}`);
  } finally {
    await world.close();
  }
}

export interface MinuteFigures {
  minute: number;
  rssMiB: number;
  /** Full (mark-compact) GCs in the minute. */
  fullGcs: number;
  /** The most live heap any of them left, and the most V8 kept committed after one (MiB). */
  liveMiB: number;
  committedMiB: number;
}

/**
 * One line per full GC from V8's `--trace-gc --trace-gc-ignore-scavenger`, e.g.
 * `[1:0x5]   9164 ms: Mark-Compact 98.1 (130.2) -> 51.3 (128.9) MB, …`: ms since the process
 * started, then used (committed) before -> after, in MB.
 */
const FULL_GC = /\s(\d+) ms: Mark-Compact(?: \(reduce\))? [\d.]+ \([\d.]+\) -> ([\d.]+) \(([\d.]+)\) MB/g;

/** The load's minutes: median RSS of the samples (every 2 s) and the full GCs the host traced. */
export function minuteFigures(
  rss: number[],
  gcTrace: string,
  hostStartMs: number,
  loadStartMs: number,
): MinuteFigures[] {
  const out: MinuteFigures[] = [];
  for (let m = 0; m * 30 < rss.length; m++) {
    const samples = rss.slice(m * 30, m * 30 + 30).sort((a, b) => a - b);
    out.push({
      minute: m + 1,
      rssMiB: samples[samples.length >> 1] ?? 0,
      fullGcs: 0,
      liveMiB: 0,
      committedMiB: 0,
    });
  }
  for (const g of gcTrace.matchAll(FULL_GC)) {
    const at = hostStartMs + Number(g[1]) - loadStartMs;
    const row = out[Math.floor(at / 60_000)];
    if (at < 0 || row === undefined) continue;
    row.fullGcs++;
    row.liveMiB = Math.max(row.liveMiB, Math.round(Number(g[2])));
    row.committedMiB = Math.max(row.committedMiB, Math.round(Number(g[3])));
  }
  return out;
}

/**
 * Many collectors' worth of load for a while, readers tailing and listing; latency and host RSS,
 * with V8's full GCs traced so that live heap (what a leak grows) is told apart from the heap V8
 * keeps committed (sized from allocation rate: the rest of RSS).
 */
export async function load(seed: number, o: { runMs: number; workload: Workload }): Promise<Figures> {
  const world = await World.create({ seed });
  try {
    const hostStart = Date.now();
    const host = await world.startHost(['--trace-gc', '--trace-gc-ignore-scavenger']);
    const started = Date.now();
    const ledger = new Ledger();
    const stats = new Stats();
    const run = new Running(world, ledger, stats).start(o.workload, world.random);
    const rss: number[] = [];
    const end = Date.now() + o.runMs;
    while (Date.now() < end) {
      const v = await world.hostRss();
      if (v !== undefined) rss.push(Math.round(v / 1024 / 1024));
      await pause(Math.min(2_000, Math.max(0, end - Date.now())));
    }
    await run.stop();
    const ms = stats.timings
      .filter((t) => t.status === 200)
      .map((t) => t.ms)
      .sort((a, b) => a - b);
    return await finish(`load: ${o.workload.appenders} collectors`, world, ledger, stats, started, {
      latencyMs: { p50: percentile(ms, 50), p99: percentile(ms, 99), max: ms.at(-1) ?? 0 },
      rssMiB: { first: rss[0] ?? 0, max: Math.max(0, ...rss), last: rss.at(-1) ?? 0, samples: rss },
      minutes: minuteFigures(rss, host.output(), hostStart, started),
    });
  } catch (err) {
    throw new Error(`${String(err)}\n${world.output().slice(-4000)}`);
  } finally {
    await world.close();
  }
}

/** The bench runner's model: a scenario measures our figure and its baseline in the same run. */
import type { BlobServiceClient } from '@azure/storage-blob';

export interface BenchContext {
  /** A connection string for the bench's own Azurite. */
  connectionString: string;
  service: BlobServiceClient;
  /** A fresh container name. */
  container(tag: string): string;
  log(message: string): void;
  /** What the scenario's shared setup made (see Scenario.shared), else undefined. */
  shared?: unknown;
}

/** Creates a fresh container named after `tag` (through `service`, the bench's client by default); its name. */
export async function createdContainer(
  ctx: BenchContext,
  tag: string,
  service: BlobServiceClient = ctx.service,
): Promise<string> {
  const container = ctx.container(tag);
  await service.getContainerClient(container).create();
  return container;
}

/**
 * An expensive setup several scenarios measure against (say, a container of 100,000 blobs): the
 * runner does it once for consecutive scenarios with the same key, in one Azurite, and hands the
 * result to each as `ctx.shared`.
 */
export interface SharedSetup {
  key: string;
  setup(ctx: BenchContext): Promise<unknown>;
  teardown?(ctx: BenchContext, state: unknown): Promise<void>;
}

export interface Measurement {
  ours: number;
  baseline: number;
  /** Storage operations per request (HTTP requests to storage), of ours and of the baseline, when counted. */
  ops?: { ours: number; baseline: number };
}

export interface Scenario {
  name: string;
  /** Unit of both figures, e.g. `MiB/s` or `ms`. */
  unit: string;
  /** Throughputs are better high; times are better low. */
  better: 'higher' | 'lower';
  /** What "ours" and "baseline" are. */
  ours: string;
  baseline: string;
  /** The target, in words, e.g. `≥ 0.8×`. */
  target?: string;
  rounds?: number;
  /**
   * Each round gets its own fresh, empty Azurite (its setup and teardown run per round, too): for
   * scenarios that write so much that a second round on the same Azurite would measure a store
   * already holding the first round's data (in-memory Azurite slows with every blob it holds).
   */
  freshPerRound?: boolean;
  /** A setup shared with the neighbouring scenarios of the same key (one Azurite for all of them). */
  shared?: SharedSetup;
  /** Runs once before the rounds; what it returns is passed to every round. */
  setup?(ctx: BenchContext): Promise<unknown>;
  /** One round: both figures, measured back to back. */
  round(ctx: BenchContext, state: unknown): Promise<Measurement>;
  teardown?(ctx: BenchContext, state: unknown): Promise<void>;
}

export interface Result {
  scenario: Scenario;
  ours: number;
  baseline: number;
  /** ours/baseline for throughputs, baseline/ours for times: above 1 means we are better. */
  ratio: number;
  rounds: number;
  /** Why the scenario failed (its figures are then NaN); the run goes on with the next one. */
  error?: string;
  /** Medians of the rounds' storage operations per request, when counted. */
  ops?: { ours: number; baseline: number };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

/** Milliseconds taken by `fn`. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** Runs `fn` over `items` with at most `limit` at once. */
export async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

/**
 * Node options that make a child process of the bench (`host`, `hop`) write a CPU profile into
 * `$BENCH_CPU_PROF/<role>/` when it exits; none when BENCH_CPU_PROF is unset. NODE_OPTIONS does not
 * take `--cpu-prof`, so the bench passes it on the command line. Summaries: bench/profileTop.ts.
 */
export function profileArgs(role: string): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return dir === undefined || dir === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}/${role}`];
}

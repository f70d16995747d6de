/**
 * Collector benchmarks: the compiled CLI with `--once` shipping a generated Ray temp dir through the
 * local host. Throughput against uploading the same files with the raw SDK (what upstream's collector
 * does, whole files at shutdown); and the collector's peak RSS shipping a large file against shipping
 * a small one (memory must not grow with file size).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { benchHost, type BenchHost } from '../host.js';
import { timed, type BenchContext, type Scenario } from '../harness.js';

const MiB = 1024 * 1024;
const SESSION = 'session_2026-11-27_10-00-00_000001_1';

type Host = BenchHost;

const startHost = (ctx: BenchContext): Promise<Host> => benchHost(ctx, { tag: 'collector' });

/** A Ray temp dir with log-like files of the given sizes; returns its path. */
function rayDir(sizes: number[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-ray-'));
  const logs = path.join(dir, SESSION, 'logs');
  mkdirSync(logs, { recursive: true });
  symlinkSync(SESSION, path.join(dir, 'session_latest'));
  sizes.forEach((size, i) => {
    const line = `2026-11-27 10:00:00,000 INFO worker.py:123 -- ${randomBytes(24).toString('hex')}\n`;
    writeFileSync(
      path.join(logs, `file-${i}.log`),
      line.repeat(Math.ceil(size / line.length)).slice(0, size),
    );
  });
  return dir;
}

/** Runs `--once` over `dir`; returns its wall time and peak RSS (MiB, sampled from /proc). */
async function runOnce(host: Host, dir: string, cluster: string): Promise<{ ms: number; rssMiB: number }> {
  const cli = path.join(process.cwd(), 'dist', 'src', 'collector', 'cli.js');
  const env = {
    PATH: process.env.PATH ?? '',
    RAY_HISTORY_ENDPOINT: host.baseUrl,
    RAY_HISTORY_NAMESPACE: 'default',
    RAY_HISTORY_CLUSTER: cluster,
    RAY_HISTORY_NODE: 'bench-pod',
    RAY_HISTORY_RAY_DIR: dir,
    RAY_HISTORY_LOG_FORMAT: 'json',
  };
  let peak = 0;
  let code: number | null = null;
  const ms = await timed(async () => {
    const child = spawn(process.execPath, [cli, '--once'], { env, stdio: 'ignore' });
    const sample = setInterval(() => {
      try {
        const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m?.[1] !== undefined) peak = Math.max(peak, Number(m[1]));
      } catch {
        // the process is gone, or no /proc here
      }
    }, 20);
    code = await new Promise<number | null>((r) => child.once('exit', r));
    clearInterval(sample);
  });
  if (code !== 0) throw new Error(`collector --once exited ${code}`);
  return { ms, rssMiB: peak / 1024 };
}

/** What upstream does: each whole file uploaded as a block blob with the SDK. */
async function rawUpload(ctx: BenchContext, container: string, dir: string): Promise<number> {
  const logs = path.join(dir, SESSION, 'logs');
  const client = ctx.service.getContainerClient(container);
  const files = readdirSync(logs);
  return timed(async () => {
    for (const f of files)
      await client
        .getBlockBlobClient(`raw-${randomBytes(4).toString('hex')}/${f}`)
        .uploadFile(path.join(logs, f));
  });
}

let round = 0;

export const collectorScenarios: Scenario[] = [
  {
    name: 'collector --once: 24 MiB Ray dir (16 MiB + 64 small files) → local host',
    unit: 'MiB/s',
    better: 'higher',
    ours: 'ray-history-collector --once via the ingest API (offsets, checkpoints)',
    baseline: "raw SDK uploadFile of the same files (upstream's whole-file upload)",
    target: 'informational',
    rounds: 3,
    setup: (ctx) => startHost(ctx),
    async round(ctx, state) {
      const host = state as Host;
      const sizes = [16 * MiB, ...Array.from({ length: 64 }, () => 128 * 1024)];
      const total = sizes.reduce((a, b) => a + b, 0) / MiB;
      const dir = rayDir(sizes);
      try {
        const ours = await runOnce(host, dir, `bench-tp-${++round}`);
        const base = await rawUpload(ctx, host.container, dir);
        return { ours: total / (ours.ms / 1000), baseline: total / (base / 1000) };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    teardown: (_ctx, state) => (state as Host).stop(),
  },
  {
    name: 'collector peak RSS: a 32 MiB file vs a 2 MiB file',
    unit: 'MiB',
    better: 'lower',
    ours: 'peak RSS shipping one 32 MiB file',
    baseline: 'peak RSS shipping one 2 MiB file',
    target: '≈ 1.0× (memory flat in file size)',
    rounds: 3,
    setup: (ctx) => startHost(ctx),
    async round(_ctx, state) {
      const host = state as Host;
      const big = rayDir([32 * MiB]);
      const small = rayDir([2 * MiB]);
      try {
        const ours = await runOnce(host, big, `bench-rss-big-${++round}`);
        const base = await runOnce(host, small, `bench-rss-small-${round}`);
        return { ours: ours.rssMiB, baseline: base.rssMiB };
      } finally {
        rmSync(big, { recursive: true, force: true });
        rmSync(small, { recursive: true, force: true });
      }
    },
    teardown: (_ctx, state) => (state as Host).stop(),
  },
];

/**
 * `npm run bench [-- --only '<substring>[|<substring>…]'] [-- --rounds N]`: starts a fresh Azurite per
 * scenario (per round for those that ask), runs the named scenarios (all by default), prints scenario /
 * ours / baseline / ratio (medians), and writes their rows into docs/benchmarks.md, keeping the rows of
 * scenarios it did not run.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import * as prettier from 'prettier';
import { startAzurite, type Azurite } from '../src/host/azurite.js';
import {
  median,
  type BenchContext,
  type Measurement,
  type Result,
  type Scenario,
  type SharedSetup,
} from './harness.js';
import { collectorScenarios } from './scenarios/collector.js';
import { dashboardScenarios } from './scenarios/dashboard.js';
import { dashboardHttpScenarios } from './scenarios/dashboardHttp.js';
import { indexScenarios } from './scenarios/index.js';
import { ingestScenarios } from './scenarios/ingest.js';
import { logsScenarios } from './scenarios/logs.js';
import { logsHttpScenarios } from './scenarios/logsHttp.js';
import { queryScenarios } from './scenarios/query.js';
import { storageScenarios } from './scenarios/storage.js';

const scenarios: Scenario[] = [
  ...storageScenarios,
  ...ingestScenarios,
  ...indexScenarios,
  ...queryScenarios,
  ...logsScenarios,
  ...logsHttpScenarios,
  ...collectorScenarios,
  ...dashboardScenarios,
  ...dashboardHttpScenarios,
];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

const HEAD = [
  'scenario',
  'ours',
  'baseline',
  'ratio (>1 = ours better)',
  'storage ops / request (ours vs baseline)',
  'target',
  'what is compared',
  'measured',
];

/** A result as the cells of its table row. */
function cells(r: Result, measured: string): string[] {
  const cell = (text: string) => text.replaceAll('|', '/').replaceAll('\n', ' ');
  return [
    r.scenario.name,
    `${fmt(r.ours)} ${r.scenario.unit}`,
    `${fmt(r.baseline)} ${r.scenario.unit}`,
    r.error === undefined ? `${r.ratio.toFixed(2)}×` : `failed: ${r.error}`,
    r.ops === undefined ? '' : `${fmt(r.ops.ours)} vs ${fmt(r.ops.baseline)}`,
    r.scenario.target ?? '',
    `${r.scenario.ours} vs ${r.scenario.baseline}`,
    measured,
  ].map(cell);
}

function table(rows: string[][]): string {
  return [HEAD, HEAD.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/**
 * The rows of the table in `text` (the document a previous run wrote) that have the current columns:
 * a run re-measures some scenarios and keeps every other row as it was, with the time it was taken.
 */
function keptRows(text: string): string[][] {
  const lines = text.split('\n');
  const head = lines.findIndex((l) => l.startsWith('| scenario '));
  if (head < 0) return [];
  const split = (l: string) =>
    l
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim());
  if (split(lines[head] as string).length !== HEAD.length) return [];
  const rows: string[][] = [];
  for (const l of lines.slice(head + 2)) {
    if (!l.startsWith('|')) break;
    rows.push(split(l));
  }
  return rows;
}

/** A fresh, empty Azurite and the context a scenario measures with against it. */
async function freshStorage(log: (m: string) => void): Promise<{ azurite: Azurite; ctx: BenchContext }> {
  // AZURITE_METADATA_DB (test/scale/with-mariadb.sh): blob metadata in MariaDB, for the
  // 100,000-blob scenarios; Azurite's in-memory store slows with every blob it holds.
  const sqlMetadata = process.env.AZURITE_METADATA_DB;
  const azurite = await startAzurite(sqlMetadata ? { sqlMetadata } : {});
  const ctx: BenchContext = {
    connectionString: azurite.connectionString,
    service: BlobServiceClient.fromConnectionString(azurite.connectionString),
    container: (tag) => `bench-${tag}-${randomBytes(4).toString('hex')}`,
    log,
  };
  return { azurite, ctx };
}

/** One round of a `freshPerRound` scenario: its setup, the round and its teardown on a fresh Azurite. */
async function freshRound(s: Scenario, log: (m: string) => void): Promise<Measurement> {
  const { azurite, ctx } = await freshStorage(log);
  try {
    const state = await s.setup?.(ctx);
    try {
      return await s.round(ctx, state);
    } finally {
      await s.teardown?.(ctx, state);
    }
  } finally {
    await azurite.stop();
  }
}

/**
 * Runs a scenario's rounds against `ctx`'s Azurite, or, with `ctx` undefined (a `freshPerRound`
 * scenario), each round against its own.
 */
async function runScenario(
  s: Scenario,
  ctx: BenchContext | undefined,
  log: (m: string) => void,
  roundsOverride?: number,
): Promise<Result> {
  const state = ctx === undefined ? undefined : await s.setup?.(ctx);
  const rounds = roundsOverride ?? s.rounds ?? 5;
  const ours: number[] = [];
  const base: number[] = [];
  const opsOurs: number[] = [];
  const opsBase: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const m = ctx === undefined ? await freshRound(s, log) : await s.round(ctx, state);
      ours.push(m.ours);
      base.push(m.baseline);
      if (m.ops !== undefined) {
        opsOurs.push(m.ops.ours);
        opsBase.push(m.ops.baseline);
      }
      const ops =
        m.ops === undefined ? '' : `; storage ops/request ${fmt(m.ops.ours)} vs ${fmt(m.ops.baseline)}`;
      log(
        `  round ${i + 1}/${rounds}: ours ${fmt(m.ours)} ${s.unit}, baseline ${fmt(m.baseline)} ${s.unit}${ops}`,
      );
    }
  } finally {
    // Also after a failed round: a host or hop left running would keep the bench from exiting.
    if (ctx !== undefined) await s.teardown?.(ctx, state);
  }
  const o = median(ours);
  const b = median(base);
  return {
    scenario: s,
    ours: o,
    baseline: b,
    ratio: s.better === 'higher' ? o / b : b / o,
    rounds,
    ...(opsOurs.length > 0 && { ops: { ours: median(opsOurs), baseline: median(opsBase) } }),
  };
}

/** The line after which the benchmarks document is written by hand (profiles, notes): kept by every run. */
const NOTES_MARK = '<!-- written by hand below this line; npm run bench keeps it -->';

/** The hand-written part of `file` (from NOTES_MARK on), or '' when it has none. */
function keptNotes(file: string): string {
  if (!existsSync(file)) return '';
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf(NOTES_MARK);
  return at < 0 ? '' : `\n${text.slice(at)}`;
}

async function main(): Promise<void> {
  const only = arg('only');
  const rounds = arg('rounds') === undefined ? undefined : Number(arg('rounds'));
  // `--only 'a|b'`: scenarios whose name contains any of the parts (names themselves hold commas).
  const parts = only
    ?.split('|')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const chosen = scenarios.filter((s) => parts === undefined || parts.some((p) => s.name.includes(p)));
  if (chosen.length === 0)
    throw new Error(`no scenario matches "${only}"; scenarios: ${scenarios.map((s) => s.name).join('; ')}`);
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const results: Result[] = [];
  const file = path.join(process.cwd(), 'docs', 'benchmarks.md');
  const notes = keptNotes(file);
  const before = existsSync(file) ? keptRows(readFileSync(file, 'utf8')) : [];
  const started = new Date().toISOString();
  const env = ['DASHBOARD_BENCH_TASKS', 'BENCH_LOGS_SCALE', 'BENCH_INDEX_BURST', 'BENCH_INDEX_SCALE']
    .filter((k) => process.env[k] !== undefined)
    .map((k) => `${k}=${process.env[k]}`);
  if (process.env.AZURITE_METADATA_DB) env.push('Azurite blob metadata in MariaDB (AZURITE_METADATA_DB)');
  const measured =
    `${started.slice(0, 16).replace('T', ' ')} UTC${rounds === undefined ? '' : `, ${rounds} rounds`}` +
    (process.env.AZURITE_METADATA_DB ? ', Azurite metadata in MariaDB' : '');
  // Written after every scenario, so that a long run that dies part-way keeps what it measured.
  const write = async (done: boolean) => {
    // This run's rows replace those of the same scenario; every other row stays as it was measured.
    const ours = new Map(results.map((r) => [r.scenario.name, cells(r, measured)]));
    const rows = before.map((row) => ours.get(row[0] ?? '') ?? row);
    for (const [name, row] of ours) if (!before.some((b) => b[0] === name)) rows.push(row);
    const doc = [
      '# Benchmarks',
      '',
      'Written by `npm run bench` (do not edit the table by hand). Every scenario measures our figure and',
      'its baseline in the same run against the same Azurite (a fresh one per scenario; per round for the bursts), and reports',
      'medians over its rounds; only the ratio is meaningful on a noisy machine. `npm run bench` measures',
      "every scenario; `npm run bench -- --only 'a|b'` re-measures those whose names contain a or b and",
      'keeps the other rows: the `measured` column says when each row was taken.',
      '',
      `Last run: started ${started}${done ? `, finished ${new Date().toISOString()}` : `, still running (${results.length} of ${chosen.length} scenarios)`} on ` +
        `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ` +
        `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}` +
        `${only === undefined ? ', every scenario' : `, only "${only}"`}${env.length === 0 ? '' : `, ${env.join(' ')}`}.`,
      '',
      table(rows),
      '',
    ].join('\n');
    mkdirSync(path.dirname(file), { recursive: true });
    // Formatted as `prettier --check .` (part of `npm test`) wants it: the raw table is not.
    const options = (await prettier.resolveConfig(file)) ?? {};
    writeFileSync(file, await prettier.format(doc + notes, { ...options, filepath: file }));
  };
  let open:
    | { shared: SharedSetup | undefined; azurite: Azurite; ctx: BenchContext; state: unknown; ready: boolean }
    | undefined;
  const close = async () => {
    if (open === undefined) return;
    const { shared, azurite, ctx, state, ready } = open;
    open = undefined;
    try {
      // A setup that failed cleaned up after itself (or left nothing to tear down).
      if (ready) await shared?.teardown?.(ctx, state);
    } finally {
      await azurite.stop();
    }
  };
  try {
    for (const s of chosen) {
      log(`▶ ${s.name}`);
      try {
        // A fresh, empty Azurite per scenario (or per group sharing a setup): Azurite in memory slows
        // down as data accumulates, so a shared one would measure later scenarios under different
        // conditions than earlier ones.
        if (s.freshPerRound === true) {
          await close();
          results.push(await runScenario(s, undefined, log, rounds));
          await write(false);
          continue;
        }
        if (open === undefined || s.shared === undefined || open.shared?.key !== s.shared.key) {
          await close();
          const { azurite, ctx } = await freshStorage(log);
          open = { shared: s.shared, azurite, ctx, state: undefined, ready: false };
          if (s.shared !== undefined) {
            log(`  shared setup "${s.shared.key}"…`);
            open.state = await s.shared.setup(ctx);
            open.ready = true;
            ctx.shared = open.state;
          }
        }
        results.push(await runScenario(s, open.ctx, log, rounds));
        if (s.shared === undefined) await close();
      } catch (err) {
        // One failed scenario must not cost the figures of the others: it is reported as failed,
        // its Azurite (and a shared setup that may be broken) is dropped, and the run goes on.
        const message = err instanceof Error ? err.message : String(err);
        log(`  FAILED: ${err instanceof Error ? (err.stack ?? message) : message}`);
        results.push({
          scenario: s,
          ours: NaN,
          baseline: NaN,
          ratio: NaN,
          rounds: 0,
          error: message.split('\n')[0] ?? message,
        });
        process.exitCode = 1;
        await close().catch((e: unknown) => log(`  closing after the failure: ${String(e)}`));
      }
      await write(false);
    }
  } finally {
    await close();
  }
  process.stdout.write(`\n${table(results.map((r) => cells(r, measured)))}\n`);
  await write(true);
  process.stderr.write(`results written to ${path.relative(process.cwd(), file)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});

/**
 * `npm run bench [-- --only '<substring>[|<substring>…]'] [-- --rounds N]`: starts a fresh Azurite per scenario, runs the named
 * scenarios, prints scenario / ours / baseline / ratio (medians), and writes docs/benchmarks.md.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite, type Azurite } from '../src/host/azurite.js';
import { median, type BenchContext, type Result, type Scenario, type SharedSetup } from './harness.js';
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

function table(results: Result[]): string {
  const rows = results.map((r) => [
    r.scenario.name,
    `${fmt(r.ours)} ${r.scenario.unit}`,
    `${fmt(r.baseline)} ${r.scenario.unit}`,
    `${r.ratio.toFixed(2)}×`,
    r.ops === undefined ? '' : `${fmt(r.ops.ours)} vs ${fmt(r.ops.baseline)}`,
    r.scenario.target ?? '',
    `${r.scenario.ours} vs ${r.scenario.baseline}`,
  ]);
  const head = [
    'scenario',
    'ours',
    'baseline',
    'ratio (>1 = ours better)',
    'storage ops / request (ours vs baseline)',
    'target',
    'what is compared',
  ];
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

async function runScenario(s: Scenario, ctx: BenchContext, roundsOverride?: number): Promise<Result> {
  const state = await s.setup?.(ctx);
  const rounds = roundsOverride ?? s.rounds ?? 5;
  const ours: number[] = [];
  const base: number[] = [];
  const opsOurs: number[] = [];
  const opsBase: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const m = await s.round(ctx, state);
      ours.push(m.ours);
      base.push(m.baseline);
      if (m.ops !== undefined) {
        opsOurs.push(m.ops.ours);
        opsBase.push(m.ops.baseline);
      }
      const ops =
        m.ops === undefined ? '' : `; storage ops/request ${fmt(m.ops.ours)} vs ${fmt(m.ops.baseline)}`;
      ctx.log(
        `  round ${i + 1}/${rounds}: ours ${fmt(m.ours)} ${s.unit}, baseline ${fmt(m.baseline)} ${s.unit}${ops}`,
      );
    }
  } finally {
    // Also after a failed round: a host or hop left running would keep the bench from exiting.
    await s.teardown?.(ctx, state);
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
    ?.split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const chosen = scenarios.filter((s) => parts === undefined || parts.some((p) => s.name.includes(p)));
  if (chosen.length === 0)
    throw new Error(`no scenario matches "${only}"; scenarios: ${scenarios.map((s) => s.name).join('; ')}`);
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const results: Result[] = [];
  let open:
    { shared: SharedSetup | undefined; azurite: Azurite; ctx: BenchContext; state: unknown } | undefined;
  const close = async () => {
    if (open === undefined) return;
    const { shared, azurite, ctx, state } = open;
    open = undefined;
    try {
      await shared?.teardown?.(ctx, state);
    } finally {
      await azurite.stop();
    }
  };
  try {
    for (const s of chosen) {
      log(`▶ ${s.name}`);
      // A fresh, empty Azurite per scenario (or per group sharing a setup): Azurite in memory slows
      // down as data accumulates, so a shared one would measure later scenarios under different
      // conditions than earlier ones.
      if (open === undefined || s.shared === undefined || open.shared?.key !== s.shared.key) {
        await close();
        const azurite = await startAzurite();
        const ctx: BenchContext = {
          connectionString: azurite.connectionString,
          service: BlobServiceClient.fromConnectionString(azurite.connectionString),
          container: (tag) => `bench-${tag}-${randomBytes(4).toString('hex')}`,
          log,
        };
        open = { shared: s.shared, azurite, ctx, state: undefined };
        if (s.shared !== undefined) {
          log(`  shared setup "${s.shared.key}"…`);
          open.state = await s.shared.setup(ctx);
          ctx.shared = open.state;
        }
      }
      results.push(await runScenario(s, open.ctx, rounds));
      if (s.shared === undefined) await close();
    }
  } finally {
    await close();
  }
  const out = table(results);
  process.stdout.write(`\n${out}\n`);
  const doc = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (do not edit by hand; the figures of the last full run).',
    'Every scenario measures our figure and its baseline in the same run against the same Azurite (a',
    'fresh one per scenario), and reports medians over its rounds; only the ratio is meaningful on a',
    'noisy machine.',
    '',
    `Last run: ${new Date().toISOString()} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}${only === undefined ? '' : `, only "${only}"`}.`,
    '',
    out,
    '',
  ].join('\n');
  const file = path.join(
    process.cwd(),
    'docs',
    only === undefined ? 'benchmarks.md' : 'benchmarks-partial.md',
  );
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, doc + keptNotes(file));
  process.stderr.write(`results written to ${path.relative(process.cwd(), file)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});

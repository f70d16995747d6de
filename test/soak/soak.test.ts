/**
 * The soak (issue 12): every scenario of test/soak/scenarios.ts, then everything that must hold.
 * `npm test` runs a short seeded version of each (about 2 minutes in all); `npm run soak`
 * (SOAK_PROFILE=full, vitest.soak.config.mts) the full one, and writes its figures to
 * docs/reliability-run.md. Replay a run with TEST_SEED=<seed> (printed).
 */
import { writeFileSync } from 'node:fs';
import * as prettier from 'prettier';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCorpus, runCorpus, type CaseResult } from '../hostile/run.js';
import { REPO_ROOT, startHost } from '../helpers/host.js';
import { TEST_SEED } from '../helpers/random.js';
import { freshStore } from '../helpers/storage.js';
import { crashes, ctrlC, faults, hang, load, outage, type Figures, type Workload } from './scenarios.js';
import { reportMarkdown } from './report.js';

const FULL = process.env.SOAK_PROFILE === 'full';
const KiB = 1024;
const MiB = 1024 * KiB;

const writers: Workload = {
  appenders: FULL ? 8 : 4,
  fileBytes: FULL ? 24 * MiB : 6 * MiB,
  sizes: FULL ? [4 * KiB, 64 * KiB, MiB, 5 * MiB] : [4 * KiB, 64 * KiB, 5 * MiB],
  eventWriters: FULL ? 2 : 1,
  eventBatches: FULL ? 500 : 40,
  batchWriters: FULL ? 2 : 1,
  readers: FULL ? 2 : 1,
};

/** Writers that keep shipping through a whole outage or hang, as collectors do. */
const steady: Workload = {
  appenders: 4,
  fileBytes: 4 * MiB,
  sizes: [4 * KiB, 16 * KiB, 64 * KiB],
  paceMs: 300,
  eventWriters: 1,
  eventBatches: FULL ? 400 : 100,
  batchWriters: 1,
  readers: 1,
};

const collectors: Workload = {
  appenders: FULL ? 64 : 16,
  fileBytes: FULL ? 3 * MiB : 512 * KiB,
  sizes: [512, 2 * KiB, 8 * KiB],
  paceMs: FULL ? 1_000 : 250,
  eventWriters: FULL ? 8 : 2,
  eventBatches: FULL ? 600 : 100,
  batchWriters: FULL ? 4 : 1,
  readers: FULL ? 4 : 2,
};

const results: Figures[] = [];
let seedOffset = 0;

/** Runs a scenario with its own seed (printed), keeps its figures, and asserts its verdict. */
async function scenario(run: (seed: number) => Promise<Figures>): Promise<void> {
  const seed = (TEST_SEED + ++seedOffset * 7919) >>> 0;
  console.info(`[soak] seed ${seed} (TEST_SEED=${TEST_SEED})`);
  const figures = await run(seed);
  results.push(figures);
  console.info(`[soak] ${JSON.stringify({ ...figures, rssMiB: undefined })}`);
  expect(figures.failures, `${figures.scenario} (seed ${seed})`).toEqual([]);
  expect(figures.lostBytes).toBe(0);
  expect(figures.lostEvents).toBe(0);
  expect(figures.duplicatesAnswered).toBe(0);
}

let hostile: CaseResult[] = [];

afterAll(async () => {
  if (!FULL) return;
  // Formatted as `prettier --check .` (part of `npm test`) wants it: the raw table is not.
  const file = path.join(REPO_ROOT, 'docs', 'reliability-run.md');
  const options = (await prettier.resolveConfig(file)) ?? {};
  writeFileSync(
    file,
    await prettier.format(reportMarkdown(results, TEST_SEED, hostile), { ...options, filepath: file }),
  );
});

const minutes = (n: number) => n * 60_000;

describe(`soak (${FULL ? 'full' : 'short'} profile)`, { timeout: FULL ? minutes(30) : minutes(3) }, () => {
  it('kill -9 of the host during appends, events, batches, index updates and reconciles loses nothing', () =>
    scenario((seed) =>
      crashes(seed, {
        kills: FULL ? 20 : 2,
        gapMs: FULL ? [1_000, 6_000] : [2_000, 4_000],
        workload: { ...writers, reindexEveryMs: FULL ? 5_000 : 3_000 },
      }),
    ));

  it('Ctrl-C of npm start and a restart lose nothing (data on disk)', () =>
    scenario((seed) =>
      ctrlC(seed, { cycles: FULL ? 5 : 1, runMs: FULL ? 5_000 : 4_000, workload: writers }),
    ));

  it('a storage outage (503) is answered 503 and survived', () =>
    scenario((seed) =>
      outage(seed, {
        mode: 'outage',
        warmMs: 2_000,
        downMs: FULL ? 20_000 : 3_000,
        afterMs: 4_000,
        workload: steady,
      }),
    ));

  if (FULL) {
    it('a storage outage (connections refused) is answered 503 and survived', () =>
      scenario((seed) =>
        outage(seed, { mode: 'refuse', warmMs: 2_000, downMs: 20_000, afterMs: 5_000, workload: steady }),
      ));
  }

  it('a storage hang is answered within the deadlines and survived', () =>
    scenario((seed) =>
      hang(seed, { warmMs: 2_000, hangMs: FULL ? 60_000 : 14_000, afterMs: 5_000, workload: steady }),
    ));

  it('seeded storage faults of every kind lose nothing', () =>
    scenario((seed) =>
      faults(seed, { rate: FULL ? 0.05 : 0.1, runMs: FULL ? minutes(2) : 10_000, workload: writers }),
    ));

  if (FULL) {
    // npm test runs the corpus in test/hostile/hostile.test.ts; the full soak runs it again for its report.
    it('the hostile corpus is answered as documented', async () => {
      const store = freshStore('hostile');
      const host = await startHost({
        container: store.container,
        auth: true,
        env: { LOCAL_HOST_BODY_RATE_GRACE_MS: '1000' },
      });
      try {
        hostile = await runCorpus(() => host.baseUrl, store, host.keys.function[0] ?? '', loadCorpus());
      } finally {
        await host.stop();
      }
      expect(hostile.filter((r) => r.problems.length > 0).map((r) => r.id)).toEqual([]);
    });
  }

  // 10 minutes of load, then its checks read back every session (about 17 minutes more here, most of
  // it Azurite listing thousands of event files at full CPU): past the 30 minutes above on a slow run.
  it(
    `${collectors.appenders} collectors' worth of load with readers tailing and listing`,
    { timeout: FULL ? minutes(45) : minutes(3) },
    () => scenario((seed) => load(seed, { runMs: FULL ? minutes(10) : 30_000, workload: collectors })),
  );
});

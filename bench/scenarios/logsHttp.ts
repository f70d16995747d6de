/**
 * The logs and search benchmarks of ./logs.ts over HTTP through the local host, against upstream's way
 * measured in the same run (download each file whole and scan it; read a whole file for its tail):
 * - `GET …/sessions/{session}/search?q=<rare literal>` across a 2 GiB session of 64 files: the first
 *   hit, and the full scan following cursors; the host's peak RSS growth over a full scan (< 64 MiB);
 * - `GET …/ray/api/v0/logs/file?node_id=&filename=&lines=1000` of a 512 MiB file (≥ 50×).
 * `BENCH_LOGS_SCALE` (default 1) scales every size, e.g. 0.01 for a smoke run.
 */
import type { ContainerClient } from '@azure/storage-blob';
import { logBlob } from '../../src/core/layout.js';
import { benchHost, drain, getJson, peakRssGrowth, triggersDone, type BenchHost } from '../host.js';
import { timed, type BenchContext, type Scenario } from '../harness.js';
import {
  downloadAndScan,
  FILES,
  MiB,
  NEEDLE,
  searchSetup,
  searchTeardown,
  SESSION,
  seed,
  SEARCH_BYTES,
  TAIL_BYTES,
  wholeFileTail,
  type SearchState,
} from './logs.js';

const BASE = `/api/v1/clusters/${SESSION.namespace}/${SESSION.cluster}/sessions/${SESSION.session}`;

interface HttpSearch extends SearchState {
  host: BenchHost;
}

interface Hit {
  node: string;
  file: string;
}

async function setup(ctx: BenchContext): Promise<HttpSearch> {
  const s = await searchSetup(ctx);
  const host = await benchHost(ctx, { container: s.container.containerName });
  await triggersDone(ctx, host, FILES);
  await drain(host.baseUrl, '/api/v1/health');
  return { ...s, host };
}

async function teardown(ctx: BenchContext, state: unknown): Promise<void> {
  const s = state as HttpSearch;
  await s.host.stop();
  await searchTeardown(ctx, s);
}

/** Our search over HTTP, following cursors until `enough` hits (or the end); the files hit, in order. */
async function httpSearch(s: HttpSearch, enough: number): Promise<number[]> {
  const hits: Hit[] = [];
  let cursor: string | undefined;
  do {
    const page = await getJson<{ hits: Hit[]; nextCursor?: string }>(
      s.host.baseUrl,
      `${BASE}/search?q=${NEEDLE}&limit=${Math.min(enough, 1000)}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
    );
    hits.push(...page.hits);
    cursor = page.nextCursor;
  } while (cursor !== undefined && hits.length < enough);
  return [...new Set(hits.map((h) => s.blobs.indexOf(logBlob(SESSION, h.node, h.file))))];
}

function searchScenario(kind: 'first' | 'full'): Scenario {
  const enough = kind === 'first' ? 1 : Number.MAX_SAFE_INTEGER;
  return {
    name: `search a rare literal across ${(SEARCH_BYTES / MiB).toFixed(0)} MiB in ${FILES} files: ${kind === 'first' ? 'first hit' : 'full scan'} (HTTP, local host)`,
    unit: 'ms',
    better: 'lower',
    ours: `GET …/search (SEARCH_* defaults), ${kind === 'first' ? 'until the first hit' : 'every page'}`,
    baseline: 'download each file whole and scan it (upstream reads whole files)',
    rounds: 3,
    setup,
    async round(_ctx, state) {
      const s = state as HttpSearch;
      let ours: number[] = [];
      const ms = await timed(async () => {
        ours = await httpSearch(s, enough);
      });
      let theirs: number[] = [];
      const baseline = await timed(async () => {
        theirs = await downloadAndScan(s, enough);
      });
      if (JSON.stringify(ours) !== JSON.stringify(theirs))
        throw new Error(`search found ${JSON.stringify(ours)}, the baseline ${JSON.stringify(theirs)}`);
      return { ours: ms, baseline };
    },
    teardown,
  };
}

const searchRss: Scenario = {
  name: `search host RSS growth over a full scan of ${(SEARCH_BYTES / MiB).toFixed(0)} MiB (HTTP, local host)`,
  unit: 'MiB',
  better: 'lower',
  ours: "the host's peak RSS growth while answering every page",
  baseline: "this process's peak RSS growth downloading and scanning every file whole",
  target: '< 64 MiB',
  rounds: 2,
  setup,
  async round(_ctx, state) {
    const s = state as HttpSearch;
    const ours = await peakRssGrowth(s.host.pid, () => httpSearch(s, Number.MAX_SAFE_INTEGER));
    return {
      ours,
      baseline: await peakRssGrowth(process.pid, () => downloadAndScan(s, Number.MAX_SAFE_INTEGER)),
    };
  },
  teardown,
};

interface TailState {
  host: BenchHost;
  container: ContainerClient;
  blob: string;
  rss: number[];
}

const tailScenario: Scenario = {
  name: `logs/file?lines=1000 of a ${(TAIL_BYTES / MiB).toFixed(0)} MiB log (HTTP, local host)`,
  unit: 'ms',
  better: 'lower',
  ours: 'GET …/ray/api/v0/logs/file?node_id=&filename=&lines=1000 (backwards tail), body drained',
  baseline: 'download the whole file and keep the last 1000 lines',
  target: '≥ 50×, host RSS growth < 64 MiB',
  rounds: 7,
  async setup(ctx): Promise<TailState> {
    const name = ctx.container('lineshttp');
    const container = ctx.service.getContainerClient(name);
    await container.create();
    const blob = logBlob(SESSION, 'head-1', 'raylet.out');
    ctx.log(`  writing a ${(TAIL_BYTES / MiB).toFixed(1)} MiB log…`);
    await seed(container, blob, TAIL_BYTES);
    const host = await benchHost(ctx, { container: name });
    await triggersDone(ctx, host, 1);
    await drain(host.baseUrl, `${BASE}/ray/api/v0/logs/file?node_id=head-1&filename=raylet.out&lines=1`);
    return { host, container, blob, rss: [] };
  },
  async round(_ctx, state) {
    const s = state as TailState;
    let got: Buffer = Buffer.alloc(0);
    let ms = 0;
    s.rss.push(
      await peakRssGrowth(s.host.pid, async () => {
        ms = await timed(async () => {
          const r = await drain(
            s.host.baseUrl,
            `${BASE}/ray/api/v0/logs/file?node_id=head-1&filename=raylet.out&lines=1000`,
          );
          if (r.status !== 200) throw new Error(`logs/file answered ${r.status}`);
          got = Buffer.concat(r.body);
        });
      }),
    );
    let want: Buffer = Buffer.alloc(0);
    const baseline = await timed(async () => {
      want = await wholeFileTail(s.container, s.blob, 1000);
    });
    if (!got.equals(want)) throw new Error('lines=1000 and the baseline disagree');
    return { ours: ms, baseline };
  },
  async teardown(ctx, state) {
    const s = state as TailState;
    await s.host.stop();
    if (s.rss.length > 0)
      ctx.log(`  host peak RSS growth per round (MiB): ${s.rss.map((r) => r.toFixed(1)).join(', ')}`);
    await s.container.delete();
  },
};

export const logsHttpScenarios: Scenario[] = [
  searchScenario('first'),
  searchScenario('full'),
  searchRss,
  tailScenario,
];

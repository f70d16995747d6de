/**
 * Logs and search benchmarks, calling the core in process (the routes are wired later), each against
 * upstream's way measured in the same run:
 * - search for a rare literal across a 2 GiB session of 64 files: the first hit, and the full scan
 *   (following cursors to the end), vs downloading each file whole and scanning it; our process's
 *   peak RSS growth while searching is reported (target < 64 MiB);
 * - `logs/file?lines=1000` of a 512 MiB file vs downloading the whole file and splitting it (≥ 50×).
 * `BENCH_LOGS_SCALE` (default 1) scales every size, e.g. 0.01 for a smoke run.
 */
import type { ContainerClient } from '@azure/storage-blob';
import { logBlob } from '../../src/core/layout.js';
import { readDashboardLog } from '../../src/core/logs/readLog.js';
import type { LocatedSession } from '../../src/core/query/locate.js';
import { searchSession, type SearchHit } from '../../src/core/search/search.js';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/core/search/settings.js';
import { AzureBlobStore } from '../../src/storage/azureBlobStore.js';
import { pool, timed, type BenchContext, type Scenario } from '../harness.js';

export const MiB = 1024 * 1024;
const SCALE = Number(process.env.BENCH_LOGS_SCALE ?? '1');
export const FILES = 64;
const NODES = 4;
export const SEARCH_BYTES = Math.max(64 * 1024, Math.round(2048 * MiB * SCALE));
export const TAIL_BYTES = Math.max(256 * 1024, Math.round(512 * MiB * SCALE));
export const NEEDLE = 'ZQX-RARE-7731';
/** Files (in storage order) that hold the needle, and where in them. */
const NEEDLE_AT: [number, number][] = [
  [40, 0.5],
  [41, 0.99],
  [63, 0.9],
];
export const SESSION: LocatedSession = {
  namespace: 'default',
  cluster: 'bench',
  clusterId: 'default',
  session: 'session_2026-01-27_10-52-59_373533_1',
};

/** ~4 MiB of log-like lines of varying length. */
function logBlock(seed: number, size = 4 * MiB): Buffer {
  const lines: string[] = [];
  let n = 0;
  for (let i = 0; n < size; i++) {
    const line = `2026-01-27 10:52:59,${String(i % 1000).padStart(3, '0')} INFO worker.py:${(i + seed) % 997} -- task ${i} ${'x'.repeat(20 + ((i * 7919 + seed) % 160))}`;
    lines.push(line);
    n += line.length + 1;
  }
  return Buffer.from(`${lines.join('\n')}\n`).subarray(0, size);
}

/** Writes a log blob of `total` bytes in 4 MiB appends; `needleAt` (0–1) puts the needle on a line there. */
export async function seed(
  container: ContainerClient,
  name: string,
  total: number,
  needleAt?: number,
): Promise<void> {
  const blob = container.getAppendBlobClient(name);
  await blob.create({ blobHTTPHeaders: { blobContentType: 'text/plain; charset=utf-8' } });
  const block = logBlock(total % 997, Math.min(4 * MiB, total));
  const target = needleAt === undefined ? -1 : Math.floor((total * needleAt) / block.length);
  for (let at = 0, i = 0; at < total; at += block.length, i++) {
    let piece = block.subarray(0, Math.min(block.length, total - at));
    if (i === target) {
      piece = Buffer.from(piece);
      const nl = piece.indexOf(10, Math.floor(piece.length / 2));
      piece.write(`${NEEDLE} found here `, nl + 1, 'latin1');
    }
    await blob.appendBlock(piece, piece.length);
  }
}

const fileName = (i: number) => ({
  node: `node-${Math.floor(i / (FILES / NODES))}`,
  file: `worker-${String(i).padStart(3, '0')}.out`,
});

export interface SearchState {
  container: ContainerClient;
  store: AzureBlobStore;
  blobs: string[];
  rss: number[];
}

export async function searchSetup(ctx: BenchContext): Promise<SearchState> {
  const name = ctx.container('search');
  const container = ctx.service.getContainerClient(name);
  await container.create();
  const per = Math.floor(SEARCH_BYTES / FILES);
  ctx.log(`  writing ${FILES} files of ${(per / MiB).toFixed(2)} MiB…`);
  const blobs = Array.from({ length: FILES }, (_, i) => logBlob(SESSION, fileName(i).node, fileName(i).file));
  await pool(
    blobs.map((b, i) => [b, i] as const),
    4,
    ([b, i]) => seed(container, b, per, NEEDLE_AT.find(([f]) => f === i)?.[1]),
  );
  return { container, store: new AzureBlobStore(ctx.service, name), blobs, rss: [] };
}

export async function searchTeardown(ctx: BenchContext, state: unknown): Promise<void> {
  const s = state as SearchState;
  if (s.rss.length > 0)
    ctx.log(`  our peak RSS growth per round (MiB): ${s.rss.map((r) => r.toFixed(1)).join(', ')}`);
  await s.container.delete();
}

/** Runs `fn` while sampling this process's RSS; the peak growth in MiB. */
async function peakRssGrowth(fn: () => Promise<unknown>): Promise<number> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return (Math.max(peak, process.memoryUsage.rss()) - before) / MiB;
}

/** Our search, following cursors until `enough` hits (or the end). */
async function ourSearch(store: AzureBlobStore, enough: number): Promise<SearchHit[]> {
  const hits: SearchHit[] = [];
  let cursor: string | undefined;
  do {
    const page = await searchSession(
      store,
      SESSION,
      { q: NEEDLE, limit: Math.min(enough, 1000), ...(cursor && { cursor }) },
      { settings: DEFAULT_SEARCH_SETTINGS },
    );
    hits.push(...page.hits);
    cursor = page.nextCursor;
  } while (cursor !== undefined && hits.length < enough);
  return hits;
}

/** Upstream's way: download each file whole, in order, and scan it; the files that hold the needle. */
export async function downloadAndScan(s: SearchState, enough: number): Promise<number[]> {
  const found: number[] = [];
  for (const [i, b] of s.blobs.entries()) {
    const body = await s.container.getBlobClient(b).downloadToBuffer();
    if (body.indexOf(NEEDLE) >= 0) found.push(i);
    if (found.length >= enough) break;
  }
  return found;
}

function searchScenario(kind: 'first' | 'full'): Scenario {
  const enough = kind === 'first' ? 1 : Number.MAX_SAFE_INTEGER;
  return {
    name: `search a rare literal across ${(SEARCH_BYTES / MiB).toFixed(0)} MiB in ${FILES} files: ${kind === 'first' ? 'first hit' : 'full scan'} (in process)`,
    unit: 'ms',
    better: 'lower',
    ours: `searchSession (SEARCH_* defaults), ${kind === 'first' ? 'until the first hit' : 'every page'}`,
    baseline: 'download each file whole and scan it (upstream reads whole files)',
    target: 'our RSS growth < 64 MiB',
    rounds: 3,
    setup: searchSetup,
    async round(_ctx, state) {
      const s = state as SearchState;
      let hits: SearchHit[] = [];
      let ms = 0;
      s.rss.push(
        await peakRssGrowth(async () => {
          ms = await timed(async () => {
            hits = await ourSearch(s.store, enough);
          });
        }),
      );
      let files: number[] = [];
      const baseline = await timed(async () => {
        files = await downloadAndScan(s, enough);
      });
      const ourFiles = [...new Set(hits.map((h) => s.blobs.indexOf(logBlob(SESSION, h.node, h.file))))];
      if (JSON.stringify(ourFiles) !== JSON.stringify(files)) {
        throw new Error(`search found ${JSON.stringify(ourFiles)}, the baseline ${JSON.stringify(files)}`);
      }
      return { ours: ms, baseline };
    },
    teardown: searchTeardown,
  };
}

interface TailState {
  container: ContainerClient;
  store: AzureBlobStore;
  blob: string;
  rss: number[];
}

/** Upstream's logs/file: read the whole file and keep its last n lines. */
export async function wholeFileTail(container: ContainerClient, blob: string, n: number): Promise<Buffer> {
  const all = await container.getBlobClient(blob).downloadToBuffer();
  let at = all.length - 1;
  for (let seen = 0; at > 0; at--) if (all[at - 1] === 10 && ++seen === n) break;
  return all.subarray(Math.max(0, at));
}

const tailScenario: Scenario = {
  name: `logs/file?lines=1000 of a ${(TAIL_BYTES / MiB).toFixed(0)} MiB log (in process)`,
  unit: 'ms',
  better: 'lower',
  ours: 'readDashboardLog lines=1000 (backwards tail), body drained',
  baseline: 'download the whole file and keep the last 1000 lines',
  target: '≥ 50×, RSS growth < 64 MiB',
  rounds: 7,
  async setup(ctx) {
    const name = ctx.container('lines');
    const container = ctx.service.getContainerClient(name);
    await container.create();
    const blob = logBlob(SESSION, 'head-1', 'raylet.out');
    ctx.log(`  writing a ${(TAIL_BYTES / MiB).toFixed(1)} MiB log…`);
    await seed(container, blob, TAIL_BYTES);
    return { container, store: new AzureBlobStore(ctx.service, name), blob, rss: [] } satisfies TailState;
  },
  async round(_ctx, state) {
    const s = state as TailState;
    let got: Buffer = Buffer.alloc(0);
    let ms = 0;
    s.rss.push(
      await peakRssGrowth(async () => {
        ms = await timed(async () => {
          const r = await readDashboardLog(
            s.store,
            SESSION,
            { by: 'file', node: 'head-1', filename: 'raylet.out' },
            { lines: 1000 },
          );
          const parts: Buffer[] = [];
          for await (const c of r.body ?? []) parts.push(Buffer.from(c));
          got = Buffer.concat(parts);
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
    if (s.rss.length > 0)
      ctx.log(`  our peak RSS growth per round (MiB): ${s.rss.map((r) => r.toFixed(1)).join(', ')}`);
    await s.container.delete();
  },
};

export const logsScenarios: Scenario[] = [searchScenario('first'), searchScenario('full'), tailScenario];

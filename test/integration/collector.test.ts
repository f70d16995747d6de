/**
 * The collector in-process against the real ingest handlers (served over HTTP by a test server) and
 * Azurite: what it ships is byte-identical to the source, through growth, rotation, truncation,
 * rewrites, new sessions and prev-logs; and its failures are clear.
 */
import { cpSync, existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Collector } from '../../src/collector/collector.js';
import type { CollectorOptions } from '../../src/collector/options.js';
import type { Level, Progress, Reporter } from '../../src/collector/progress.js';
import { tailAt } from '../../src/collector/reader.js';
import { appendLog } from '../../src/functions/appendLog.js';
import { postBatch } from '../../src/functions/postBatch.js';
import { AzureBlobStore } from '../../src/storage/azureBlobStore.js';
import { testDeps } from '../helpers/app.js';
import { azuriteService, eventually, uniqueContainer } from '../helpers/storage.js';
import {
  handlerServer,
  matches,
  RayTree,
  S1,
  S2,
  S_PREV,
  type Running,
  type Target,
} from './collectorFixtures.js';
import { freePort } from '../../src/host/azurite.js';

const KEY = 'test-key';
const container = uniqueContainer('coll');
let n = 0;
/** Each test ships to its own cluster id, so tests never see each other's files. */
const fresh = () => ({
  cluster: 'raycluster-a',
  clusterId: `t${++n}-${Date.now().toString(36)}`,
  node: 'head-1',
});
let server: Running;
const store = new AzureBlobStore(azuriteService(), container);
let deps = testDeps({ store });

beforeAll(async () => {
  server = await handlerServer({ append: appendLog, batch: postBatch }, KEY, () => deps);
});

afterAll(async () => {
  await server.close();
});

interface Logged {
  level: Level;
  msg: string;
  fields: Record<string, unknown>;
}

function recorder(): Reporter & { lines: Logged[]; last?: Progress } {
  const r: Reporter & { lines: Logged[]; last?: Progress } = {
    lines: [],
    log: (level, msg, fields = {}) => void r.lines.push({ level, msg, fields }),
    progress: (p) => void (r.last = p),
    close: () => undefined,
  };
  return r;
}

function options(tree: RayTree, target: Target, over: Partial<CollectorOptions> = {}): CollectorOptions {
  return {
    endpoint: `${server.url}/api`,
    key: KEY,
    namespace: 'default',
    ...target,
    rayDir: tree.dir,
    batchBytes: 64 * 1024,
    concurrency: 3,
    intervalMs: 50,
    checkpointDir: path.join(tree.dir, '.history-collector'),
    once: true,
    retryTimeoutMs: 3_000,
    logFormat: 'json',
    ...over,
  };
}

const blobs = () => azuriteService().getContainerClient(container);

describe('collector → ingest handlers → Azurite', () => {
  it('--once ships every file of every session byte-for-byte, subdirectories kept, and is idempotent', async () => {
    const tree = new RayTree();
    const target = fresh();
    tree.startSession(S1);
    tree.append(S1, 'raylet.out', tree.text(300_000, 'raylet'));
    tree.append(S1, 'events/event_GCS.log', tree.text(5_000, 'gcs'));
    tree.append(S1, 'worker-abc-01.err', Buffer.from([0, 1, 2, 255, 254, 10, 13]));
    tree.append(S1, 'worker-abc-02.err', Buffer.alloc(0)); // empty files exist on the server too
    for (let i = 0; i < 40; i++)
      tree.append(S1, `workers/python-core-worker-${i}.log`, tree.text(200 + i, `w${i}`));
    tree.prevLogs(S_PREV, 'f00dcafe', {
      'raylet.out': tree.text(10_000, 'prev'),
      'events/event_RAYLET.log': tree.text(900, 'pe'),
      'dashboard_agent.err': Buffer.alloc(0),
    });
    const report = recorder();
    expect(await new Collector(options(tree, target), report).run(new Promise(() => undefined))).toBe(0);
    expect(await matches(blobs(), target, tree)).toBe(true);
    expect(report.last).toMatchObject({ behind: 0, shipped: 300_000 + 5_000 + 7 + 40 * 200 + 780 + 10_900 });
    // prev-logs marked done the way upstream does it: moved to persist-complete-logs.
    expect(existsSync(path.join(tree.dir, 'prev-logs', S_PREV, 'f00dcafe'))).toBe(false);
    expect(
      existsSync(path.join(tree.dir, 'persist-complete-logs', S_PREV, 'f00dcafe', 'logs', 'raylet.out')),
    ).toBe(true);
    // A second run with the checkpoint sends nothing; with the checkpoint gone, it re-sends only duplicates.
    const again = recorder();
    expect(await new Collector(options(tree, target), again).run(new Promise(() => undefined))).toBe(0);
    expect(again.last?.shipped).toBe(0);
    const restarted = recorder();
    const ckpt = mkdtempSync(path.join(tmpdir(), 'ck-'));
    expect(
      await new Collector(options(tree, target, { checkpointDir: ckpt }), restarted).run(
        new Promise(() => undefined),
      ),
    ).toBe(0);
    expect(await matches(blobs(), target, tree)).toBe(true);
  });

  it('follows growing files, a rotation, a truncation, a rewrite and a new session while running', async () => {
    const tree = new RayTree();
    const target = fresh();
    tree.startSession(S1);
    let stop = () => undefined as void;
    const stopped = new Promise<void>((r) => (stop = r));
    const running = new Collector(options(tree, target, { once: false }), recorder()).run(stopped);
    const caughtUp = (session: string, file: string) =>
      eventually(
        async () => ((await matches(blobs(), target, tree)) === true ? true : undefined),
        20_000,
        `${session}/${file}`,
      );
    for (let i = 0; i < 5; i++) {
      tree.append(S1, 'raylet.out', tree.text(40_000, `r${i}`));
      tree.append(S1, 'events/event_GCS.log', tree.text(3_000, `g${i}`));
    }
    await caughtUp(S1, 'raylet.out');
    tree.rotate(S1, 'raylet.out'); // raylet.out → raylet.out.1; new raylet.out → stored as raylet.out.trunc-1
    tree.append(S1, 'raylet.out', tree.text(20_000, 'after-rotation'));
    await caughtUp(S1, 'raylet.out.trunc-1');
    tree.truncate(S1, 'events/event_GCS.log');
    tree.append(S1, 'events/event_GCS.log', tree.text(500, 'after-truncation'));
    await caughtUp(S1, 'events/event_GCS.log.trunc-1');
    tree.startSession(S2);
    tree.append(S2, 'raylet.out', tree.text(70_000, 'second-session'));
    tree.append(S1, 'raylet.out', tree.text(1_000, 'late-write-to-old-session'));
    await caughtUp(S2, 'raylet.out');
    stop();
    expect(await running).toBe(0);
    expect(await matches(blobs(), target, tree)).toBe(true);
  });

  it('never mixes contents: a file rewritten to the same length and beyond ships under a new name', async () => {
    const tree = new RayTree();
    const target = fresh();
    tree.startSession(S1);
    tree.append(S1, 'gcs_server.out', tree.text(1_000, 'first'));
    expect(await new Collector(options(tree, target), recorder()).run(new Promise(() => undefined))).toBe(0);
    // Rewritten in place while the collector was down: same inode, longer, different bytes.
    tree.truncate(S1, 'gcs_server.out');
    tree.append(S1, 'gcs_server.out', tree.text(2_000, 'second'));
    expect(await new Collector(options(tree, target), recorder()).run(new Promise(() => undefined))).toBe(0);
    expect(await matches(blobs(), target, tree)).toBe(true);
  });

  it('a prev-logs copy of a live session adds nothing: no new generations, marked done', async () => {
    const tree = new RayTree();
    const target = fresh();
    tree.startSession(S1);
    tree.append(S1, 'raylet.out', tree.text(20_000, 'live'));
    tree.append(S1, 'events/event_GCS.log', tree.text(2_000, 'live-events'));
    expect(await new Collector(options(tree, target), recorder()).run(new Promise(() => undefined))).toBe(0);
    // The live file grows and ships on; then an older copy (other inodes, fewer bytes) shows up in prev-logs.
    const older = tree.expected.get(S1)?.get('raylet.out') ?? Buffer.alloc(0);
    tree.append(S1, 'raylet.out', tree.text(5_000, 'live-more'));
    expect(await new Collector(options(tree, target), recorder()).run(new Promise(() => undefined))).toBe(0);
    const copy = path.join(tree.dir, 'prev-logs', S1, 'node-0001');
    cpSync(tree.logsDir(S1), path.join(copy, 'logs'), { recursive: true });
    writeFileSync(path.join(copy, 'logs', 'raylet.out'), older);
    const report = recorder();
    expect(await new Collector(options(tree, target), report).run(new Promise(() => undefined))).toBe(0);
    expect(await matches(blobs(), target, tree)).toBe(true);
    expect(existsSync(copy)).toBe(false);
    expect(report.lines.filter((l) => l.level !== 'info')).toEqual([]);
  });

  it('resynchronises from the server when its checkpoint is ahead of what is stored (offset gap)', async () => {
    const tree = new RayTree();
    const target = fresh();
    tree.startSession(S1);
    tree.append(S1, 'monitor.log', tree.text(5_000, 'm'));
    const ckpt = mkdtempSync(path.join(tmpdir(), 'ck-'));
    // A checkpoint claiming 3000 bytes were acknowledged by a server that holds nothing.
    const opts = options(tree, target, { checkpointDir: ckpt });
    const report = recorder();
    const file = path.join(tree.logsDir(S1), 'monitor.log');
    const data = {
      version: 1,
      target: [opts.endpoint, opts.namespace, opts.cluster, opts.clusterId, opts.node].join('|'),
      files: {
        [`${S1}/monitor.log`]: {
          gen: 0,
          ino: statSync(file).ino,
          offset: 3000,
          tail: await tailAt(file, 3000),
        },
      },
      done: [],
    };
    writeFileSync(path.join(ckpt, 'checkpoint.json'), JSON.stringify(data));
    expect(await new Collector(opts, report).run(new Promise(() => undefined))).toBe(0);
    expect(report.lines.some((l) => l.msg.includes('offset gap'))).toBe(true);
    expect(await matches(blobs(), target, tree)).toBe(true);
  });

  it('413: chunks shrink until they fit; a file that never fits is set aside and --once exits 1', async () => {
    const tree = new RayTree();
    const target = fresh();
    tree.startSession(S1);
    tree.append(S1, 'raylet.out', tree.text(100_000, 'big'));
    tree.append(S1, 'small.log', tree.text(3_000, 'small'));
    const limit = (bytes: number) => {
      deps = testDeps({ store, settings: { maxBodyBytes: bytes } });
    };
    try {
      limit(20_000); // below the 64 KiB chunks: 413, then 32 KiB (413), then 16 KiB fits
      expect(await new Collector(options(tree, target), recorder()).run(new Promise(() => undefined))).toBe(
        0,
      );
      expect(await matches(blobs(), target, tree)).toBe(true);
      limit(8_000); // below the smallest chunk tried (16 KiB)
      tree.append(S1, 'raylet.out', tree.text(30_000, 'more'));
      const report = recorder();
      expect(await new Collector(options(tree, target), report).run(new Promise(() => undefined))).toBe(1);
      const aside = report.lines.find((l) => l.msg === 'file set aside');
      expect(aside?.fields.reason).toMatch(/refused even 16384-byte chunks as too large \(413\)/);
      expect(report.lines.find((l) => l.msg === 'done')?.fields.problems).toEqual([`${S1}/raylet.out`]);
      // Set aside means not retried: the next run does not send it again, and still says so.
      const next = recorder();
      expect(await new Collector(options(tree, target), next).run(new Promise(() => undefined))).toBe(1);
      expect(next.last?.shipped).toBe(0);
    } finally {
      deps = testDeps({ store });
    }
  });

  it('a wrong key stops --once with a clear error and exit code 1', async () => {
    const tree = new RayTree();
    const target = fresh();
    tree.startSession(S1);
    tree.append(S1, 'raylet.out', tree.text(100, 'x'));
    const run = new Collector(options(tree, target, { key: 'wrong' }), recorder()).run(
      new Promise(() => undefined),
    );
    await expect(run).rejects.toThrow(/refused the function key \(401\): check --key/);
  });

  it('an unreachable endpoint is retried with backoff, then reported clearly', async () => {
    const tree = new RayTree();
    const target = fresh();
    tree.startSession(S1);
    tree.append(S1, 'raylet.out', tree.text(100, 'x'));
    const report = recorder();
    const port = await freePort();
    const started = Date.now();
    const run = new Collector(
      options(tree, target, { endpoint: `http://127.0.0.1:${port}/api`, retryTimeoutMs: 1_500 }),
      report,
    ).run(new Promise(() => undefined));
    await expect(run).rejects.toThrow(
      /gave up after \d+ attempts .*cannot reach http:\/\/127\.0\.0\.1:\d+\/api \(ECONNREFUSED\)/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(report.lines.some((l) => l.msg === 'request failed; retrying')).toBe(true);
  });
});

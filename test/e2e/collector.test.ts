/**
 * Must-show end-to-end tests of issue 7: the compiled collector CLI → the local Functions host (real
 * HTTP, keys enforced) → Azurite. A generated Ray temp dir grows, rotates, truncates, starts a new
 * session and holds a prev-logs session while the collector runs; afterwards every stored blob is
 * byte-identical to its source — also with the collector SIGKILLed at random moments and a proxy
 * answering a share of requests 503.
 */
import { chmodSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterLogPrefix, SEGMENT_MARK } from '../../src/core/layout.js';
import { freePort } from '../../src/host/azurite.js';
import { startHost, type RunningHost } from '../helpers/host.js';
import { azuriteService, eventually } from '../helpers/storage.js';
import { optionList } from '../../src/collector/options.js';
import { seededRandom } from '../helpers/random.js';
import {
  faultProxy,
  holdingProxy,
  matches,
  RayTree,
  S1,
  S2,
  S_PREV,
  type Target,
} from '../integration/collectorFixtures.js';
import { jsonLines, runCollector, startCollector, type CollectorRun } from './collectorProcess.js';

let host: RunningHost;
const NODE_ID = 'f00dcafe0123456789abcdef0123456789abcdef0123456789abcdef';

beforeAll(async () => {
  // Few blocks per blob, so shipped files span several segments (`%seg-00000n`) as big logs do.
  host = await startHost({ auth: true, env: { LOG_SEGMENT_MAX_BLOCKS: '6' } });
});

afterAll(async () => {
  await host?.stop();
});

const blobs = () => azuriteService().getContainerClient(host.container);

function env(tree: RayTree, cluster: string, endpoint = host.baseUrl): Record<string, string> {
  return {
    RAY_HISTORY_ENDPOINT: endpoint,
    RAY_HISTORY_KEY: host.keys.function[0] ?? '',
    RAY_HISTORY_NAMESPACE: 'default',
    RAY_HISTORY_CLUSTER: cluster,
    RAY_HISTORY_RAY_DIR: tree.dir,
    RAY_HISTORY_INTERVAL: '100ms',
    RAY_HISTORY_BATCH_BYTES: String(256 * 1024),
  };
}

const target = (cluster: string): Target => ({ cluster, clusterId: 'default', node: 'test-pod' });

async function caughtUp(tree: RayTree, t: Target, what: string): Promise<void> {
  await eventually(async () => ((await matches(blobs(), t, tree)) === true ? true : undefined), 90_000, what);
}

/**
 * The generated Ray life: a prev-logs session, files growing in subdirectories, a 2 MiB file, a
 * rotation, a truncation, a new session (session_latest moves) and a late write to the old one.
 */
async function rayLife(tree: RayTree, t: Target): Promise<void> {
  tree.prevLogs(S_PREV, NODE_ID, {
    'raylet.out': tree.text(200_000, 'prev-raylet'),
    'events/event_RAYLET.log': tree.text(3_000, 'prev-events'),
  });
  tree.startSession(S1);
  tree.append(S1, 'worker-01000000-0.err', Buffer.alloc(0)); // an empty file exists on the server too
  for (let i = 0; i < 4; i++) {
    tree.append(S1, 'raylet.out', tree.text(60_000, `raylet-${i}`));
    tree.append(S1, 'events/event_GCS.log', tree.text(2_000, `gcs-${i}`));
    tree.append(S1, `worker-${i % 3}-01000000-${i}.out`, tree.text(700 + i, `worker-${i}`));
    await caughtUp(tree, t, `growth step ${i}`);
  }
  tree.append(S1, 'dashboard/big.log', tree.text(2 * 1024 * 1024, 'big'));
  await caughtUp(tree, t, 'the 2 MiB file');
  tree.rotate(S1, 'raylet.out');
  tree.append(S1, 'raylet.out', tree.text(50_000, 'after-rotation'));
  await caughtUp(tree, t, 'rotation');
  tree.truncate(S1, 'events/event_GCS.log');
  tree.append(S1, 'events/event_GCS.log', tree.text(1_500, 'after-truncation'));
  await caughtUp(tree, t, 'truncation');
  tree.startSession(S2);
  tree.append(S2, 'raylet.out', tree.text(120_000, 'second-session'));
  tree.append(S2, 'events/event_GCS.log', tree.text(4_000, 'second-gcs'));
  tree.append(S1, 'raylet.out', tree.text(5_000, 'late-write-to-old-session'));
  await caughtUp(tree, t, 'new session');
}

describe('collector CLI → local host → Azurite (e2e)', () => {
  it('ships a living Ray temp dir; every stored blob is byte-identical to its source', async () => {
    const tree = new RayTree();
    const t = target('rc-e2e-plain');
    const run = startCollector([], env(tree, t.cluster));
    try {
      await rayLife(tree, t);
      // Regression: an unref'd interval timer once let the daemon exit silently after its first pass.
      expect(run.child.exitCode, 'the collector is still running').toBeNull();
    } catch (err) {
      throw new Error(`${String(err)}\ncollector output:\n${run.output().slice(-3000)}`);
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exited).toBe(0);
    expect(await matches(blobs(), t, tree)).toBe(true);
    // Some files span several segments, and still read back whole (above).
    const segments: string[] = [];
    for await (const b of blobs().listBlobsFlat({ prefix: clusterLogPrefix(t.cluster, t.clusterId) })) {
      if (b.name.includes(SEGMENT_MARK)) segments.push(b.name);
    }
    expect(segments.length).toBeGreaterThan(0);
    // prev-logs were shipped, then moved aside like upstream does.
    expect(existsSync(path.join(tree.dir, 'prev-logs', S_PREV, NODE_ID))).toBe(false);
    expect(
      existsSync(path.join(tree.dir, 'persist-complete-logs', S_PREV, NODE_ID, 'logs', 'raylet.out')),
    ).toBe(true);
    // The query route serves the rotated file's old generation as stored.
    const res = await fetch(
      `${host.baseUrl}/api/v1/clusters/default/${t.cluster}/sessions/${S1}/logs/test-pod/raylet.out.1`,
    );
    expect(res.status).toBe(200);
    expect(
      Buffer.from(await res.arrayBuffer()).equals(
        tree.expected.get(S1)?.get('raylet.out.1') ?? Buffer.alloc(1),
      ),
    ).toBe(true);
    // Structured JSON log lines when not on a terminal.
    expect(jsonLines(run.output()).some((l) => l.msg === 'progress' && typeof l.behind === 'number')).toBe(
      true,
    );
  }, 240_000);

  it('survives SIGKILL at random moments and a proxy answering 30% of requests 503: nothing missing, nothing doubled', async () => {
    const tree = new RayTree();
    const t = target('rc-e2e-chaos');
    const random = seededRandom();
    const proxy = await faultProxy(host.baseUrl, 0.3, random);
    const collectorEnv = env(tree, t.cluster, proxy.url);
    let run: CollectorRun = startCollector([], collectorEnv);
    let kills = 0;
    let chaos = true;
    const killer = (async () => {
      while (chaos) {
        // Let each life start working (a slow start under load must not starve it), then kill it at
        // a random moment: anywhere in a scan, a request or a checkpoint write.
        const life = run;
        await eventually(
          () => Promise.resolve(life.output().includes('"msg":"starting"') || undefined),
          30_000,
          'start',
        );
        await new Promise((r) => setTimeout(r, 100 + random.int(700)));
        if (!chaos) break;
        run.child.kill('SIGKILL');
        await run.exited;
        kills++;
        run = startCollector([], collectorEnv);
      }
    })();
    try {
      await rayLife(tree, t);
    } finally {
      chaos = false;
      await killer;
      run.child.kill('SIGTERM');
      await run.exited;
    }
    // A final --once (as a preStop hook would run it) finds nothing left and succeeds.
    const final = await runCollector(['--once', '--retry-timeout', '30s'], collectorEnv);
    await proxy.close();
    expect(final.code, final.output).toBe(0);
    expect(await matches(blobs(), t, tree)).toBe(true);
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(proxy.faults()).toBeGreaterThan(0);
  }, 240_000);
});

describe('collector CLI: --concurrency (e2e)', () => {
  // Eight files of 2000 bytes with 4 KiB batches: one PUT each (a range over a quarter of the batch
  // size goes alone), so the collector has eight requests to spread over its workers.
  const FILES = 8;
  it.each([
    ['--concurrency 2', ['--concurrency', '2'], {}, 2],
    ['RAY_HISTORY_CONCURRENCY=2', [], { RAY_HISTORY_CONCURRENCY: '2' }, 2],
    ['the default', [], {}, 4],
  ])('%s: exactly that many requests in flight at the peak', async (_, args, extra, expected) => {
    const tree = new RayTree();
    const t = target(`rc-conc-${expected}-${args.length}`);
    tree.startSession(S1);
    for (let i = 0; i < FILES; i++) tree.append(S1, `worker-${i}.out`, tree.text(2000, `w${i}`));
    const proxy = await holdingProxy(host.baseUrl, expected, FILES);
    try {
      const r = await runCollector(['--once', ...args], {
        ...env(tree, t.cluster, proxy.url),
        RAY_HISTORY_BATCH_BYTES: '4096',
        ...extra,
      });
      expect(r.code, r.output).toBe(0);
      expect(jsonLines(r.output).find((l) => l.msg === 'starting')).toMatchObject({ concurrency: expected });
      expect(proxy.requests()).toBe(FILES);
      expect(proxy.peak()).toBe(expected);
      expect(await matches(blobs(), t, tree)).toBe(true);
    } finally {
      await proxy.close();
    }
  });
});

describe('collector CLI: bad input gets a clear message (e2e)', () => {
  it('a wrong key: --once exits 1 naming the key', async () => {
    const tree = new RayTree();
    tree.startSession(S1);
    tree.append(S1, 'raylet.out', tree.text(100, 'x'));
    const r = await runCollector(['--once', '--key', 'not-the-key'], env(tree, 'rc-bad-key'));
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/refused the function key \(401\): check --key \/ RAY_HISTORY_KEY/);
  });

  it('an unreachable endpoint: --once retries, then exits 1 saying it cannot reach it', async () => {
    const tree = new RayTree();
    tree.startSession(S1);
    tree.append(S1, 'raylet.out', tree.text(100, 'x'));
    const port = await freePort();
    const r = await runCollector(
      ['--once', '--retry-timeout', '2s'],
      env(tree, 'rc-unreachable', `http://127.0.0.1:${port}`),
    );
    expect(r.code).toBe(1);
    expect(r.output).toMatch(
      new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}/api \\(ECONNREFUSED\\)`),
    );
  });

  it('SIGTERM while the endpoint is down: stops retrying and exits 1 at once, saying why', async () => {
    const tree = new RayTree();
    tree.startSession(S1);
    tree.append(S1, 'raylet.out', tree.text(100, 'x'));
    const port = await freePort();
    const run = startCollector([], env(tree, 'rc-sigterm', `http://127.0.0.1:${port}`));
    await eventually(
      () => Promise.resolve(run.output().includes('request failed; retrying') ? true : undefined),
      20_000,
      'a retry',
    );
    const signalled = Date.now();
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(1);
    expect(Date.now() - signalled).toBeLessThan(5_000);
    expect(run.output()).toMatch(
      /stopping; not retrying: cannot reach http:\/\/127\.0\.0\.1:\d+\/api \(ECONNREFUSED\)/,
    );
  });

  it('a path that is not a Ray temp dir: exits 2 saying so', async () => {
    const tree = new RayTree();
    const r = await runCollector(['--once'], env(tree, 'rc-not-ray'));
    expect(r.code).toBe(2);
    expect(r.output).toContain(`${tree.dir} is not a Ray temp dir: it has no session_latest`);
  });

  it('an unreadable file: reported by path, the rest shipped, --once exits 1', async () => {
    const tree = new RayTree();
    const t = target('rc-unreadable');
    tree.startSession(S1);
    chmodSync(path.join(tree.dir, S1), 0o777);
    chmodSync(tree.logsDir(S1), 0o777);
    tree.append(S1, 'raylet.out', tree.text(1_000, 'readable'));
    const secret = path.join(tree.logsDir(S1), 'gcs_server.out');
    tree.append(S1, 'gcs_server.out', tree.text(500, 'unreadable'));
    chmodSync(secret, 0o000);
    tree.expected.get(S1)?.delete('gcs_server.out');
    // Root reads anything: run as nobody then, so the permission bits bite.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = await runCollector(['--once'], env(tree, t.cluster), asUser);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/cannot read file/);
    expect(r.output).toContain(secret);
    expect(r.output).toContain('EACCES');
    expect(await matches(blobs(), t, tree)).toBe(true);
  });

  it('--help lists every option with its environment variable', async () => {
    const r = await runCollector(['--help'], {});
    expect(r.code).toBe(0);
    for (const o of optionList()) {
      expect(r.output).toMatch(new RegExp(`--${o.flag}\\b.*\\b${o.env}\\b`));
    }
  });

  it('a bad option: exits 2 naming it', async () => {
    const tree = new RayTree();
    const r = await runCollector(['--namespace', 'Not_Valid'], env(tree, 'rc-x'));
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/--namespace: .*is not a Kubernetes namespace/);
  });
});

/**
 * The index at scale (issue 15), BENCH_INDEX_SCALE (default 100,000):
 * - sessions in one cluster: `GET /api/clusters` (read in process) against upstream's flat listing
 *   of `metadir/`, and a page of 100 of `…/sessions` at any depth;
 * - blobs in the container (10 per session, 50 clusters): index freshness through the local host,
 *   the host and Azurite's CPU while idle, and 1 MiB ingest, each against the same measurement made
 *   before the container was filled.
 * The containers are filled and indexed (by reconcile, the migration path) once per group.
 */
import { kubeRayClusters, clusterSessions } from '../../src/core/index/read.js';
import { reconcile } from '../../src/core/index/reconcile.js';
import { encodeCursor } from '../../src/core/query/cursor.js';
import { AzureBlobStore } from '../../src/storage/azureBlobStore.js';
import { benchHost, type BenchHost } from '../host.js';
import { median, pool, timed, type BenchContext, type Scenario, type SharedSetup } from '../harness.js';
import { azuritePorts, cpuShare, cpuShares, pidListening } from '../procStats.js';
import { seed } from '../seed.js';

const SCALE = Number(process.env.BENCH_INDEX_SCALE ?? 100_000);
const N = SCALE.toLocaleString('en');
const MiB = 1024 * 1024;

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}

/** Builds the index of a container by one reconcile, as a deployment migrating to it does. */
async function index(ctx: BenchContext, container: string): Promise<void> {
  const started = Date.now();
  const r = await reconcile(new AzureBlobStore(ctx.service, container));
  ctx.log(
    `  indexed ${r.sessions.toLocaleString('en')} sessions in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
}

// ---- sessions in one cluster ----

interface Sessions {
  container: string;
  store: AzureBlobStore;
  names: string[];
}

const sessionsSetup: SharedSetup = {
  key: 'index-scale-sessions',
  async setup(ctx) {
    const container = ctx.container('ixscale');
    ctx.log(`  writing ${N} sessions' metadata in one cluster…`);
    const made = await seed(ctx.service, container, { blobs: SCALE, clusters: 1, log: (m) => ctx.log(m) });
    await index(ctx, container);
    return { container, store: new AzureBlobStore(ctx.service, container), names: made.map(([, s]) => s) };
  },
};

/** Upstream's List(): flat-list `metadir/` 100 per page, parse every name, sort newest first. */
async function upstreamList(ctx: BenchContext, container: string): Promise<number> {
  const rows: string[] = [];
  const c = ctx.service.getContainerClient(container);
  for await (const page of c.listBlobsFlat({ prefix: 'metadir/' }).byPage({ maxPageSize: 100 }))
    for (const b of page.segment.blobItems) rows.push(b.name.split('/')[2] ?? '');
  rows.sort().reverse();
  return rows.length;
}

const listingAtScale: Scenario = {
  name: `index: GET /api/clusters for ${N} sessions`,
  unit: 'ms',
  better: 'lower',
  ours: 'read the newest-sessions document (at most 10,000 rows)',
  baseline: 'upstream List(): flat-list metadir/ 100 per page',
  target: '≥ 20×',
  rounds: 3,
  shared: sessionsSetup,
  async round(ctx) {
    const s = ctx.shared as Sessions;
    let ours = 0;
    let theirs = 0;
    const ms = await timed(async () => (ours = (await kubeRayClusters(s.store)).length));
    const base = await timed(async () => (theirs = await upstreamList(ctx, s.container)));
    if (ours !== Math.min(SCALE, 10_000) || theirs !== SCALE) throw new Error(`listed ${ours}/${theirs}`);
    return { ours: ms, baseline: base };
  },
};

const sessionsPage: Scenario = {
  name: `index: …/sessions page of 100 at ${N} sessions in one cluster (median of 20 pages at random depths)`,
  unit: 'ms',
  better: 'lower',
  ours: 'clusterSessions(limit 100, cursor): the head and one or two pages',
  baseline: 'one flat listing page of 100 of the cluster’s metadir/',
  target: '≤ 50 ms',
  rounds: 3,
  shared: sessionsSetup,
  async round(ctx) {
    const s = ctx.shared as Sessions;
    const ours: number[] = [];
    for (let i = 0; i < 20; i++) {
      // Names are oldest first and a page after `at` holds older sessions: at least 100 must precede it.
      const at = s.names[100 + Math.floor(Math.random() * (s.names.length - 100))] as string;
      const cursor = i === 0 ? undefined : encodeCursor('sessions/default/rc-0', at);
      let got = 0;
      ours.push(
        await timed(async () => {
          const page = await clusterSessions(s.store, 'default', 'rc-0', {
            limit: 100,
            ...(cursor && { cursor }),
          });
          got = page.sessions.length;
        }),
      );
      if (got !== 100) throw new Error(`a page of ${got}`);
    }
    const c = ctx.service.getContainerClient(s.container);
    const base = await timed(async () => {
      await c.listBlobsFlat({ prefix: 'metadir/default_rc-0/' }).byPage({ maxPageSize: 100 }).next();
    });
    return { ours: median(ours), baseline: base };
  },
};

// ---- blobs in the container, through the local host ----

interface Blobs {
  host: BenchHost;
  pids: number[];
  idleEmpty: number;
  ingestEmpty: number;
}

const IDLE_MS = 30_000;

/** MB/s of 1 MiB PUTs of new files, 4 at a time. */
async function ingestRate(host: BenchHost, tag: string): Promise<number> {
  const body = Buffer.alloc(MiB, 'x');
  const files = Array.from({ length: 24 }, (_, i) => i);
  const ms = await timed(() =>
    pool(files, 4, async (i) => {
      const url = `${host.baseUrl}/api/v1/logs/default/ingest/session_2026-09-09_09-09-09_${tag}/head/f${i}.log?offset=0`;
      const res = await fetch(url, { method: 'PUT', body, headers: { 'Content-Type': 'text/plain' } });
      if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    }),
  );
  return (files.length * MiB) / 1e6 / (ms / 1000);
}

let tags = 0;
const nextTag = () => String(++tags).padStart(6, '0');

const blobsSetup: SharedSetup = {
  key: 'index-scale-blobs',
  async setup(ctx) {
    if (process.env.AZURITE_METADATA_DB !== undefined)
      throw new Error(
        "Azurite's SQL metadata store has no append blobs (501 APINotImplemented): these scenarios ingest logs; run them without AZURITE_METADATA_DB",
      );
    const container = ctx.container('ixblobs');
    // Storage's processes too: Azurite's, and MariaDB's when it holds Azurite's blob metadata.
    const db = /@[^:/]+:(\d+)\//.exec(process.env.AZURITE_METADATA_DB ?? '');
    const storagePorts = [...azuritePorts(ctx.connectionString), ...(db ? [Number(db[1])] : [])];
    const pidsOf = (host: BenchHost) => [host.pid, ...new Set(storagePorts.map((p) => pidListening(p)))];
    const empty = await benchHost(ctx, { container });
    let idleEmpty: number;
    let ingestEmpty: number;
    try {
      await new Promise((r) => setTimeout(r, 10_000)); // start-up settles
      idleEmpty = await cpuShare(pidsOf(empty), IDLE_MS);
      ingestEmpty = median([await ingestRate(empty, nextTag()), await ingestRate(empty, nextTag())]);
      ctx.log(
        `  empty container: idle ${idleEmpty.toFixed(1)} % of a core, ingest ${ingestEmpty.toFixed(1)} MB/s`,
      );
    } finally {
      await empty.stop();
    }
    ctx.log(`  writing ${N} blobs (10 per session, 50 clusters)…`);
    await seed(ctx.service, container, {
      blobs: SCALE,
      clusters: 50,
      perSession: 10,
      from: 1000,
      log: (m) => ctx.log(m),
    });
    await index(ctx, container);
    // What a host that already ran over these blobs left: its scan watermark (so no backlog is replayed).
    const info = ctx.service
      .getContainerClient('azure-webjobs-hosts')
      .getBlockBlobClient(`blobscaninfo/localhost/devstoreaccount1/${container}`);
    await ctx.service.getContainerClient('azure-webjobs-hosts').createIfNotExists();
    const text = JSON.stringify({ LatestScan: new Date().toISOString() });
    await info.upload(text, text.length);
    const host = await benchHost(ctx, { container });
    await new Promise((r) => setTimeout(r, 30_000)); // the first scan pass after start-up
    return { host, pids: pidsOf(host), idleEmpty, ingestEmpty } satisfies Blobs;
  },
  async teardown(_ctx, state) {
    await (state as Blobs).host.stop();
  },
};

const idle: Scenario = {
  name: `idle: local host + Azurite CPU with ${N} blobs in the container (over ${IDLE_MS / 1000} s)`,
  unit: '% of a core',
  better: 'lower',
  ours: `${N} blobs, indexed`,
  baseline: 'the same host on the empty container',
  target: '< 5 %',
  rounds: 2,
  shared: blobsSetup,
  async round(ctx) {
    const s = ctx.shared as Blobs;
    // Whose CPU it is: the host's, or storage's (Azurite in memory pays per request for every blob it holds).
    const shares = await cpuShares(s.pids, IDLE_MS);
    ctx.log(
      `  host ${(shares[0] ?? 0).toFixed(1)} %, storage ${shares
        .slice(1)
        .map((x) => x.toFixed(1))
        .join(' + ')} %`,
    );
    return { ours: shares.reduce((a, b) => a + b, 0), baseline: s.idleEmpty };
  },
};

const ingestAtScale: Scenario = {
  name: `ingest: 1 MiB PUTs, 4 at a time, with ${N} blobs in the container`,
  unit: 'MB/s',
  better: 'higher',
  ours: `${N} blobs in the container`,
  baseline: 'the empty container',
  target: '≥ 0.9×',
  rounds: 3,
  shared: blobsSetup,
  async round(ctx) {
    const s = ctx.shared as Blobs;
    return { ours: await ingestRate(s.host, nextTag()), baseline: s.ingestEmpty };
  },
};

/** ms until `check` holds, polling every 25 ms. */
async function until(check: () => Promise<boolean>, what: string): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < 60_000) {
    if (await check()) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what} did not happen within 60 s`);
}

const freshnessAtScale: Scenario = {
  name: `index freshness p95 with ${N} blobs in the container (ingest 2xx → listed, local host)`,
  unit: 'ms',
  better: 'lower',
  ours: 'the session in …/sessions of its cluster (the same compaction writes /api/clusters)',
  baseline: 'upstream: a flat metadir/ listing (100 per page) shows it',
  target: 'p95 < 2000 ms',
  rounds: 2,
  shared: blobsSetup,
  async round(ctx) {
    const s = ctx.shared as Blobs;
    const ours: number[] = [];
    const theirs: number[] = [];
    const c = ctx.service.getContainerClient(s.host.container);
    for (let i = 0; i < 20; i++) {
      const session = `session_2026-10-01_00-00-00_${nextTag()}`;
      const url = `${s.host.baseUrl}/api/v1/logs/default/fresh/${session}/head/raylet.out?offset=0`;
      const res = await fetch(url, {
        method: 'PUT',
        body: 'hello\n',
        headers: { 'Content-Type': 'text/plain' },
      });
      if (!res.ok) throw new Error(`ingest answered ${res.status}`);
      const [o, t] = await Promise.all([
        until(async () => {
          const r = await fetch(`${s.host.baseUrl}/api/v1/clusters/default/fresh/sessions`);
          if (r.status !== 200) return false;
          return ((await r.json()) as { sessions: { sessionName: string }[] }).sessions.some(
            (x) => x.sessionName === session,
          );
        }, `${session} listed`),
        until(async () => {
          for await (const page of c.listBlobsFlat({ prefix: 'metadir/' }).byPage({ maxPageSize: 100 }))
            if (page.segment.blobItems.some((b) => b.name.includes(session))) return true;
          return false;
        }, `${session} in the flat listing`),
      ]);
      ours.push(o);
      theirs.push(t);
    }
    return { ours: percentile(ours, 95), baseline: percentile(theirs, 95) };
  },
};

export const scaleScenarios: Scenario[] = [
  listingAtScale,
  sessionsPage,
  freshnessAtScale,
  idle,
  ingestAtScale,
];

/**
 * Indexer scenarios: GET /api/clusters from the index against upstream's way (flat-listing
 * `metadir/`, 100 per page), index writes under sustained appends, index freshness through the
 * local host (indexFreshness.ts), bursts and contending instances (indexBurst.ts), and the index at
 * 100,000 sessions and blobs (indexScale.ts).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Compactor } from '../../src/core/index/compactor.js';
import { Indexer } from '../../src/core/index/indexer.js';
import { kubeRayClusters } from '../../src/core/index/read.js';
import { reconcile } from '../../src/core/index/reconcile.js';
import { logBlob, metadataBlob, type SessionRef } from '../../src/core/layout.js';
import { tryParseSession } from '../../src/core/session.js';
import { AzureBlobStore } from '../../src/storage/azureBlobStore.js';
import type { BlobStore } from '../../src/storage/blobStore.js';
import { pool, timed, type BenchContext, type Scenario } from '../harness.js';
import { freshnessP95Scenario, freshnessScenario } from './indexFreshness.js';
import { sessionName } from '../seed.js';
import { burstScenarios } from './indexBurst.js';
import { scaleScenarios } from './indexScale.js';

const SESSIONS = 1_000;
const CLUSTERS = 20;

/** Upstream's List(): flat-list `metadir/` 100 per page, parse every name, sort newest first. */
async function upstreamList(ctx: BenchContext, container: string): Promise<number> {
  const rows: { name: string; ns: string; session: string; ts: number }[] = [];
  const c = ctx.service.getContainerClient(container);
  for await (const page of c.listBlobsFlat({ prefix: 'metadir/' }).byPage({ maxPageSize: 100 })) {
    for (const b of page.segment.blobItems) {
      const [, pair, session] = b.name.split('/');
      const at = pair?.indexOf('_') ?? -1;
      const id = tryParseSession(session ?? '');
      if (pair === undefined || at < 0 || id === null) continue;
      rows.push({
        ns: pair.slice(0, at),
        name: pair.slice(at + 1),
        session: id.name,
        ts: id.createTimeStamp,
      });
    }
  }
  rows.sort((a, b) => b.ts - a.ts);
  return rows.length;
}

const listingScenario: Scenario = {
  name: `index: GET /api/clusters for ${SESSIONS.toLocaleString('en')} sessions`,
  unit: 'ms',
  better: 'lower',
  ours: 'read the summary index (kubeRayClusters)',
  baseline: 'upstream List(): flat-list metadir/ 100 per page',
  target: '≥ 20×',
  rounds: 7,
  async setup(ctx) {
    const container = ctx.container('ixlist');
    const store = new AzureBlobStore(ctx.service, container);
    ctx.log(`writing ${SESSIONS} sessions' metadata across ${CLUSTERS} clusters…`);
    const ids = Array.from({ length: SESSIONS }, (_, i) => i);
    await pool(ids, 32, (i) =>
      store.putIfAbsent(
        metadataBlob('default', `rc-${i % CLUSTERS}`, sessionName(i)),
        '{}',
        'application/json',
      ),
    );
    const report = await reconcile(store);
    if (report.sessions !== SESSIONS) throw new Error(`indexed ${report.sessions} sessions`);
    return { container, store };
  },
  async round(ctx, state) {
    const { container, store } = state as { container: string; store: BlobStore };
    let ours = 0;
    let theirs = 0;
    const ms = await timed(async () => (ours = (await kubeRayClusters(store)).length));
    const base = await timed(async () => (theirs = await upstreamList(ctx, container)));
    if (ours !== SESSIONS || theirs !== SESSIONS) throw new Error(`listed ${ours}/${theirs}`);
    return { ours: ms, baseline: base };
  },
};

const APPENDS = 1_000;
const FILES = 10;
const RATE = 100; // appends per second, into one cluster

/** The store, counting writes (puts and deletes) of index blobs, the journal's marks included; not lease calls. */
function counting(store: BlobStore): { store: BlobStore; writes: () => number } {
  let n = 0;
  const writes = new Set(['put', 'putIfAbsent', 'putIfMatch', 'putVersioned', 'delete']);
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const fn = (value as (...a: unknown[]) => Promise<unknown>).bind(target);
      if (!writes.has(String(prop))) return fn;
      return async (...args: unknown[]) => {
        const r = await fn(...args);
        if (String(args[0]).startsWith('index/v2/') && r !== false && r !== null) n++;
        return r;
      };
    },
  });
  return { store: proxy, writes: () => n };
}

const writesScenario: Scenario = {
  name: `index: writes per ${APPENDS.toLocaleString('en')} appends (${RATE}/s into one cluster)`,
  unit: 'writes',
  better: 'lower',
  ours: 'index blobs written or deleted (journal marks included), until the trailing re-read is applied',
  baseline: 'notifications (an indexer that rewrites per notification)',
  target: '≤ 10',
  rounds: 2,
  async round(ctx) {
    const store = new AzureBlobStore(ctx.service, ctx.container('ixwrites'));
    const { store: countingStore, writes } = counting(store);
    const indexer = new Indexer(countingStore);
    // The files are known to the index before the appends begin (their news is not what this measures).
    const ref: SessionRef = { cluster: 'hot', clusterId: 'default', session: sessionName(1) };
    const names = Array.from({ length: FILES }, (_, i) => logBlob(ref, 'head', `worker-${i}.out`));
    const sizes = names.map(() => 0);
    await Promise.all(names.map((n) => store.createAppendBlob(n, 'text/plain', { namespace: 'default' })));
    const setup = new Indexer(store);
    for (const n of names) await setup.mark(n);
    await setup.compactor.run(60_000);
    const inFlight = new Set<Promise<unknown>>();
    let notifications = 0;
    const started = Date.now();
    for (let i = 0; i < APPENDS; i++) {
      const f = i % FILES;
      const name = names[f] as string;
      const line = Buffer.from(`line ${i}\n`);
      const r = await store.appendAt(name, sizes[f] ?? 0, line);
      if (!r.ok) throw new Error(`append failed: ${r.reason}`);
      sizes[f] = r.length;
      // The polling trigger's worst case: a notification for every append (no coalescing).
      const p = indexer.mark(name).finally(() => inFlight.delete(p));
      inFlight.add(p);
      notifications++;
      if (inFlight.size >= 8) await Promise.race(inFlight);
      const due = started + ((i + 1) * 1000) / RATE;
      if (due > Date.now()) await delay(due - Date.now());
    }
    await Promise.all(inFlight);
    // Appends done: the timer applies the trailing re-read once it is due (here at once, by the clock).
    await new Compactor(countingStore, { clock: () => Date.now() + 3_600_000 }).run(60_000);
    ctx.log(
      `  ${notifications} notifications in ${((Date.now() - started) / 1000).toFixed(1)} s → ${writes()} index writes`,
    );
    return { ours: writes(), baseline: notifications };
  },
};

export const indexScenarios: Scenario[] = [
  listingScenario,
  writesScenario,
  freshnessScenario,
  freshnessP95Scenario,
  ...burstScenarios,
  ...scaleScenarios,
];

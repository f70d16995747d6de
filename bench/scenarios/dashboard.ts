/**
 * The history dashboard over a big session (DASHBOARD_BENCH_TASKS tasks, default 100,000 ≈ 300,000
 * events in ≈ 300 requests from 8 nodes), called in process (the HTTP routes come later), each
 * figure against the upstream way measured in the same run: read every event file of the session,
 * merge, filter. Figures: the first page of `api/v0/tasks?limit=100&state=FAILED` and of
 * `logical/actors`, warm p95 and cold (a fresh cache); the process's RSS growth for the queries;
 * ingest-to-visible p95 for a new batch of events.
 */
import { randomBytes } from 'node:crypto';
import { DashboardCache } from '../../src/core/dashboard/cache.js';
import { compactSession, listActors, listTasks, onEventFile } from '../../src/core/dashboard/index.js';
import { eventFiles, type EventFile } from '../../src/core/dashboard/eventFiles.js';
import { SessionFold } from '../../src/core/dashboard/fold.js';
import { renderActor } from '../../src/core/dashboard/renderActor.js';
import { renderTask, taskStateOf, taskTypeOf } from '../../src/core/dashboard/renderTask.js';
import { storeEvents } from '../../src/core/ingest/events.js';
import { parseEventFile } from '../../src/core/query/events.js';
import { AzureBlobStore } from '../../src/storage/azureBlobStore.js';
import type { BlobStore } from '../../src/storage/blobStore.js';
import { BIG_SESSION, bigNodeId, bigSession } from '../../test/helpers/rayBigSession.js';
import { normalTaskHex, rayEvent, taskLifecycle } from '../../test/helpers/rayEvents.js';
import { pool, timed, type BenchContext, type Scenario } from '../harness.js';

export const TASKS = Number(process.env.DASHBOARD_BENCH_TASKS ?? 100_000);
export const REF = { cluster: 'bench', clusterId: 'default', session: BIG_SESSION };
const FAILED = { filters: [{ key: 'state' as const, predicate: '=' as const, value: 'FAILED' }], limit: 100 };
const WARM_CALLS = 20;
const MiB = 2 ** 20;

export interface Prepared {
  store: BlobStore;
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}

async function post(store: BlobStore, node: string, events: unknown[]): Promise<void> {
  await storeEvents(
    store,
    { namespace: 'default', cluster: REF.cluster, clusterId: REF.clusterId, node },
    events,
    45_000,
  );
}

/** Ingests the session through ingest (as Ray's aggregators post it) and materialises its state. */
export async function prepare(ctx: BenchContext): Promise<Prepared> {
  const store = new AzureBlobStore(ctx.service, ctx.container('dash'));
  const started = performance.now();
  const requests = [...bigSession({ tasks: TASKS })];
  await pool(requests, 4, (r) => post(store, r.node, r.events));
  ctx.log(
    `  ingested ${requests.length} requests (${TASKS} tasks) in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  const built = performance.now();
  for (;;) if ((await compactSession(store, REF)).remaining === 0) break;
  ctx.log(`  materialised the dashboard state in ${((performance.now() - built) / 1000).toFixed(0)} s`);
  return { store };
}

async function listEventFiles(store: BlobStore): Promise<EventFile[]> {
  const out: EventFile[] = [];
  for await (const f of eventFiles(store, REF)) out.push(f);
  return out;
}

/** Upstream's way: every event file read and merged, then filtered. */
export async function upstreamFold(store: BlobStore): Promise<SessionFold> {
  const fold = new SessionFold();
  const files = await listEventFiles(store);
  await pool(files, 8, async (f) => {
    const got = await store.readText(f.blob);
    for (const e of parseEventFile(got?.text ?? '[]')) fold.addEvent(e, f.node);
  });
  return fold;
}

export async function upstreamFailedPage(store: BlobStore): Promise<number> {
  const fold = await upstreamFold(store);
  const rows = [...fold.tasks.entries()]
    .filter(([, t]) => taskStateOf(t) === 'FAILED' && taskTypeOf(t) !== 'DRIVER_TASK')
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .slice(0, 100)
    .map(([, t]) => renderTask(t, false));
  return rows.length;
}

export async function upstreamActors(store: BlobStore): Promise<number> {
  const fold = await upstreamFold(store);
  return [...fold.actors.values()].map((a) => renderActor(a)).length;
}

function firstPage(
  name: string,
  ours: (s: BlobStore, cache: DashboardCache) => Promise<unknown>,
  upstream: (s: BlobStore) => Promise<unknown>,
): Scenario[] {
  return [
    {
      name: `dashboard ${name}, warm p95 (${TASKS} tasks)`,
      unit: 'ms',
      better: 'lower',
      ours: `p95 of ${WARM_CALLS} calls, in process, materialised state`,
      baseline: 'upstream: read every event file, merge, filter',
      target: '≥ 20×',
      rounds: 3,
      setup: prepare,
      async round(_ctx, state) {
        const { store } = state as Prepared;
        const cache = new DashboardCache();
        await ours(store, cache);
        const times: number[] = [];
        for (let i = 0; i < WARM_CALLS; i++) times.push(await timed(() => ours(store, cache)));
        return { ours: percentile(times, 95), baseline: await timed(() => upstream(store)) };
      },
    },
    {
      name: `dashboard ${name}, cold first call (${TASKS} tasks)`,
      unit: 'ms',
      better: 'lower',
      ours: 'first call with an empty cache',
      baseline: 'upstream: read every event file, merge, filter',
      rounds: 3,
      setup: prepare,
      async round(_ctx, state) {
        const { store } = state as Prepared;
        return {
          ours: await timed(() => ours(store, new DashboardCache())),
          baseline: await timed(() => upstream(store)),
        };
      },
    },
  ];
}

const rssMiB = () => process.memoryUsage().rss / MiB;

async function peakRss(fn: () => Promise<unknown>): Promise<number> {
  const before = rssMiB();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, rssMiB())), 5);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, rssMiB()) - before;
}

let batchSeq = 0;

/** A new batch of 100 task lifecycle events (new task ids each call), as Ray's aggregator posts them. */
export function freshBatch(): { taskIds: string[]; events: unknown[] } {
  const n = ++batchSeq;
  const taskIds = Array.from({ length: 100 }, (_, i) => normalTaskHex(`fresh-${n}-${i}`, 1));
  const t = 1_772_400_000_000_000_000n + BigInt(n) * 1_000_000_000n;
  const events = taskIds.map((taskId, i) =>
    rayEvent(
      {
        eventType: 'TASK_LIFECYCLE_EVENT',
        sourceType: 'CORE_WORKER',
        time: t,
        session: REF.session,
        emitter: bigNodeId(1),
        withNodeId: true,
        eventId: randomBytes(28).toString('hex'),
      },
      'taskLifecycleEvent',
      taskLifecycle({
        taskId,
        attempt: 0,
        job: '01000000',
        transitions: [['RUNNING', t + BigInt(i)]],
        node: bigNodeId(1),
      }),
    ),
  );
  return { taskIds, events };
}

/** One new batch of events: stored through ingest, then the time until a read shows it. */
async function visibleAfterIngest(store: BlobStore): Promise<number> {
  const node = 'bench-worker-1';
  const { taskIds, events } = freshBatch();
  const before = new Set((await listEventFiles(store)).map((f) => f.blob));
  await post(store, node, events);
  const started = performance.now();
  // What the blob trigger does for each new file (not awaited: a read must not depend on it).
  const fresh = (await listEventFiles(store)).filter((f) => !before.has(f.blob));
  for (const f of fresh) void onEventFile(store, f.blob).catch(() => undefined);
  const probe = {
    filters: [{ key: 'task_id' as const, predicate: '=' as const, value: taskIds[0] as string }],
  };
  for (;;) {
    const page = await listTasks(store, REF, probe);
    if (page.data.result.result.length > 0) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const dashboardScenarios: Scenario[] = [
  ...firstPage(
    'tasks state=FAILED limit=100',
    (s, cache) => listTasks(s, REF, FAILED, { cache }),
    upstreamFailedPage,
  ),
  ...firstPage('logical/actors', (s, cache) => listActors(s, REF, { cache }), upstreamActors),
  {
    name: `dashboard RSS growth for the queries (${TASKS} tasks)`,
    unit: 'MiB',
    better: 'lower',
    ours: 'cold + 20 warm calls of each page, in process',
    baseline: 'upstream: one merge of every event file',
    target: '< 128 MiB',
    rounds: 1,
    setup: prepare,
    async round(_ctx, state) {
      const { store } = state as Prepared;
      const ours = await peakRss(async () => {
        for (let i = 0; i < 21; i++) {
          await listTasks(store, REF, FAILED);
          await listActors(store, REF);
        }
      });
      return { ours, baseline: await peakRss(() => upstreamFailedPage(store)) };
    },
  },
  {
    name: `dashboard ingest-to-visible p95 (${TASKS} tasks)`,
    unit: 'ms',
    better: 'lower',
    ours: 'ingest 2xx → a read shows the new batch (trigger + read-side freshness)',
    baseline: 'upstream: a full re-read and merge of the session',
    target: 'p95 < 5000 ms',
    rounds: 1,
    setup: prepare,
    async round(_ctx, state) {
      const { store } = state as Prepared;
      const samples: number[] = [];
      for (let i = 0; i < 10; i++) samples.push(await visibleAfterIngest(store));
      return { ours: percentile(samples, 95), baseline: await timed(() => upstreamFold(store)) };
    },
  },
];

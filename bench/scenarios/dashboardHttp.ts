/**
 * The history dashboard over HTTP through the local host, on the big session of ./dashboard.ts
 * (DASHBOARD_BENCH_TASKS tasks, default 100,000 ≈ 300,000 events in ≈ 300 files on 8 nodes), each
 * figure against the upstream way measured in the same run (read every event file, merge, filter):
 * - the first page of `api/v0/tasks?limit=100&filter_keys=state&filter_predicates=%3D&filter_values=FAILED`
 *   and of `logical/actors` under `…/sessions/{session}/ray/`: p95 of warm calls, and the first call
 *   of a freshly started host (its caches empty);
 * - the host's peak RSS growth over a cold call and 20 warm calls of each page (target < 128 MiB);
 * - ingest-to-visible: a new batch of events POSTed to /api/v1/events, until a GET shows it (p95 < 5 s).
 */
import type { BlobStore } from '../../src/storage/blobStore.js';
import { benchHost, getJson, peakRssGrowth, send, triggersDone, type BenchHost } from '../host.js';
import { timed, type BenchContext, type Scenario } from '../harness.js';
import {
  freshBatch,
  percentile,
  prepare,
  REF,
  TASKS,
  upstreamActors,
  upstreamFailedPage,
  upstreamFold,
} from './dashboard.js';

const RAY = `/api/v1/clusters/default/${REF.cluster}/sessions/${REF.session}/ray`;
const FAILED_PAGE = `${RAY}/api/v0/tasks?limit=100&filter_keys=state&filter_predicates=%3D&filter_values=FAILED`;
const ACTORS_PAGE = `${RAY}/logical/actors`;
const WARM_CALLS = 20;

interface HttpState {
  store: BlobStore;
  host: BenchHost;
}

interface FailedPage {
  data: { result: { result: unknown[]; num_filtered: number } };
}

/** Starts a host on the prepared session's container and waits for its triggers' backlog. */
async function startOn(ctx: BenchContext, store: BlobStore, backlog: number): Promise<BenchHost> {
  const host = await benchHost(ctx, { container: store.container });
  await triggersDone(ctx, host, backlog);
  // Loads the app's modules and the storage client, not the dashboard state.
  await send(host.baseUrl, 'GET', '/api/v1/health');
  return host;
}

async function setup(ctx: BenchContext): Promise<HttpState> {
  const { store } = await prepare(ctx);
  let backlog = 0;
  let cursor: string | undefined;
  do {
    const page = await store.list({ prefix: 'log/', pageSize: 5000, ...(cursor && { cursor }) });
    backlog += page.blobs.length;
    cursor = page.cursor;
  } while (cursor !== undefined);
  ctx.log(`  starting the host (its blob triggers see ${backlog} blobs)…`);
  return { store, host: await startOn(ctx, store, backlog) };
}

async function teardown(_ctx: BenchContext, state: unknown): Promise<void> {
  await (state as HttpState).host.stop();
}

/** GETs a page; checks it is the answer the upstream way gives (its row count). */
async function page(host: BenchHost, path: string): Promise<number> {
  if (path === FAILED_PAGE) return (await getJson<FailedPage>(host.baseUrl, path)).data.result.result.length;
  return Object.keys((await getJson<{ data: { actors: object } }>(host.baseUrl, path)).data.actors).length;
}

function firstPage(name: string, path: string, upstream: (s: BlobStore) => Promise<number>): Scenario[] {
  return [
    {
      name: `dashboard ${name}, warm p95 (${TASKS} tasks, HTTP, local host)`,
      unit: 'ms',
      better: 'lower',
      ours: `p95 of ${WARM_CALLS} GETs after one, materialised state`,
      baseline: 'upstream: read every event file, merge, filter (in process, no HTTP)',
      target: '≥ 20×',
      rounds: 3,
      setup,
      async round(_ctx, state) {
        const { store, host } = state as HttpState;
        const rows = await page(host, path);
        const times: number[] = [];
        for (let i = 0; i < WARM_CALLS; i++) times.push(await timed(() => page(host, path)));
        let theirs = 0;
        const baseline = await timed(async () => {
          theirs = await upstream(store);
        });
        if (rows !== theirs) throw new Error(`${name}: ${rows} rows over HTTP, ${theirs} the upstream way`);
        return { ours: percentile(times, 95), baseline };
      },
      teardown,
    },
    {
      name: `dashboard ${name}, cold first call (${TASKS} tasks, HTTP, local host)`,
      unit: 'ms',
      better: 'lower',
      ours: 'the first GET of a freshly started host (empty caches)',
      baseline: 'upstream: read every event file, merge, filter (in process, no HTTP)',
      rounds: 3,
      setup,
      async round(ctx, state) {
        const s = state as HttpState;
        await s.host.stop();
        s.host = await startOn(ctx, s.store, 0);
        return {
          ours: await timed(() => page(s.host, path)),
          baseline: await timed(() => upstream(s.store)),
        };
      },
      teardown,
    },
  ];
}

/** POSTs a new batch as a Ray aggregator would; the time from its 2xx until a GET shows it. */
async function visibleOverHttp(host: BenchHost): Promise<number> {
  const { taskIds, events } = freshBatch();
  const posted = await send(
    host.baseUrl,
    'POST',
    `/api/v1/events?namespace=default&cluster=${REF.cluster}&node=bench-worker-1`,
    JSON.stringify(events),
    { 'Content-Type': 'application/json' },
  );
  if (posted.status !== 200) throw new Error(`POST /api/v1/events answered ${posted.status}`);
  const started = performance.now();
  const probe = `${RAY}/api/v0/tasks?filter_keys=task_id&filter_predicates=%3D&filter_values=${taskIds[0] ?? ''}`;
  for (;;) {
    if ((await getJson<FailedPage>(host.baseUrl, probe)).data.result.result.length > 0)
      return performance.now() - started;
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const dashboardHttpScenarios: Scenario[] = [
  ...firstPage('tasks state=FAILED limit=100', FAILED_PAGE, upstreamFailedPage),
  ...firstPage('logical/actors', ACTORS_PAGE, upstreamActors),
  {
    name: `dashboard host RSS growth for the queries (${TASKS} tasks, HTTP, local host)`,
    unit: 'MiB',
    better: 'lower',
    ours: 'host peak RSS growth: a cold GET and 20 warm GETs of each page, freshly started host',
    baseline: "this process's peak RSS growth for one upstream-way merge of every event file",
    target: '< 128 MiB',
    rounds: 1,
    setup,
    async round(ctx, state) {
      const s = state as HttpState;
      await s.host.stop();
      s.host = await startOn(ctx, s.store, 0);
      const ours = await peakRssGrowth(s.host.pid, async () => {
        for (let i = 0; i <= WARM_CALLS; i++) {
          await page(s.host, FAILED_PAGE);
          await page(s.host, ACTORS_PAGE);
        }
      });
      return { ours, baseline: await peakRssGrowth(process.pid, () => upstreamFailedPage(s.store)) };
    },
    teardown,
  },
  {
    name: `dashboard ingest-to-visible p95 (${TASKS} tasks, HTTP, local host)`,
    unit: 'ms',
    better: 'lower',
    ours: 'POST /api/v1/events 2xx → a GET of api/v0/tasks shows the batch (trigger + read-side freshness)',
    baseline: 'upstream: a full re-read and merge of the session',
    target: 'p95 < 5000 ms',
    rounds: 1,
    setup,
    async round(_ctx, state) {
      const s = state as HttpState;
      const samples: number[] = [];
      for (let i = 0; i < 10; i++) samples.push(await visibleOverHttp(s.host));
      return { ours: percentile(samples, 95), baseline: await timed(() => upstreamFold(s.store)) };
    },
    teardown,
  },
];

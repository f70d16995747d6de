/** Shared by the dashboard's integration tests: delivering Ray events through ingest, reading every view. */
import { storeEvents } from '../../src/core/ingest/events.js';
import {
  DashboardCache,
  failures,
  getActor,
  getJob,
  getNode,
  listActors,
  listJobs,
  listNodes,
  listTasks,
  summarizeTasks,
  taskTimeline,
  type ReadOptions,
} from '../../src/core/dashboard/index.js';
import type { SessionRef } from '../../src/core/layout.js';
import type { BlobStore } from '../../src/storage/blobStore.js';
import { ACTORS, JOBS, NAMES, SESSION, SUBMISSIONS, type Posted } from './rayCorpus.js';

export const REF: SessionRef = { cluster: 'raycluster-kuberay', clusterId: 'default', session: SESSION };
export const MAX_BLOCKS = 45_000;

/** POSTs `events` as Ray's aggregator of `node` would (one request). */
export function post(store: BlobStore, node: string, events: unknown[], ref: SessionRef = REF) {
  return storeEvents(
    store,
    { namespace: 'default', cluster: ref.cluster, clusterId: ref.clusterId, node },
    events,
    MAX_BLOCKS,
  );
}

/** Delivers the corpus in Ray's order, one request per node. */
export async function ingestInOrder(
  store: BlobStore,
  posted: Posted[],
  ref: SessionRef = REF,
): Promise<void> {
  const byNode = new Map<string, unknown[]>();
  for (const p of posted) byNode.set(p.postedBy, [...(byNode.get(p.postedBy) ?? []), p.event]);
  for (const [node, events] of byNode) await post(store, node, events, ref);
}

/** Concatenates the timeline's chunks. */
export async function timelineText(
  store: BlobStore,
  ref: SessionRef,
  jobId?: string,
  o?: ReadOptions,
): Promise<string> {
  let text = '';
  for await (const chunk of taskTimeline(store, ref, jobId === undefined ? {} : { jobId }, o)) text += chunk;
  return text;
}

/** Every view of the session, as the routes would answer (a fresh cache: what storage holds). */
export async function allViews(store: BlobStore, ref: SessionRef = REF): Promise<Record<string, unknown>> {
  const o: ReadOptions = { cache: new DashboardCache() };
  return {
    tasks: await listTasks(store, ref, { detail: true, limit: 10_000, excludeDriver: false }, o),
    failed: await listTasks(store, ref, { filters: [{ key: 'state', predicate: '=', value: 'FAILED' }] }, o),
    byName: await listTasks(
      store,
      ref,
      { filters: [{ key: 'name', predicate: '=', value: 'f' }], limit: 2 },
      o,
    ),
    funcs: await summarizeTasks(store, ref, {}, o),
    lineage: await summarizeTasks(store, ref, { summaryBy: 'lineage' }, o),
    timeline: await timelineText(store, ref, undefined, o),
    actors: await listActors(store, ref, o),
    actor: await getActor(store, ref, ACTORS.flaky, o),
    jobs: await listJobs(store, ref, o),
    job: await getJob(store, ref, SUBMISSIONS.j2, o),
    nodes: await listNodes(store, ref, {}, o),
    hosts: await listNodes(store, ref, { view: 'hostNameList' }, o),
    node: await getNode(store, ref, NAMES.w1, o),
    failures: await failures(store, ref, o),
    jobTimeline: await timelineText(store, ref, JOBS.j1, o),
  };
}

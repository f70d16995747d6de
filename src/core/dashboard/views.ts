/**
 * `logical/actors`, `logical/actors/{id}`, `api/jobs/`, `api/jobs/{id}`, `nodes`, `nodes/{id}`:
 * the small views, each from the documents that hold it (actor shards, the jobs and nodes documents).
 * Unknown ids answer as upstream does: an actor `{result: false, msg: "Actor not found."}`, a job or
 * a node null (the route's 404), never an error.
 */
import type { BlobStore } from '../../storage/blobStore.js';
import type {
  Actor,
  ActorResponse,
  ActorsResponse,
  HostNameListResponse,
  Job,
  NodeDetailResponse,
  NodesSummaryResponse,
} from '../../schemas/dashboard.js';
import type { SessionRef } from '../layout.js';
import { cacheFor, type DashboardCache } from './cache.js';
import { actors as actorCollection } from './collections.js';
import {
  EMPTY_JOBS,
  EMPTY_NODES,
  JobsDocSchema,
  NodesDocSchema,
  readDoc,
  readShard,
  type NodesDoc,
} from './docs.js';
import { withManifest, type ReadOptions } from './fresh.js';
import type { Manifest } from './manifest.js';
import { isHeadNode, resolveNodeId, storageNames } from './nodeNames.js';
import { renderActor } from './renderActor.js';
import { renderJobs } from './renderJob.js';
import { renderNode } from './renderNode.js';
import { locate } from './trie.js';

const cacheOf = (store: BlobStore, o: ReadOptions): DashboardCache => o.cache ?? cacheFor(store);

export interface NodeView {
  doc: NodesDoc;
  names: Map<string, string | null>;
  ipOf: (nodeId: string) => string | undefined;
}

/** The session's nodes with their storage names. */
export async function nodeView(store: BlobStore, cache: DashboardCache, m: Manifest): Promise<NodeView> {
  const doc = await readDoc(store, cache, m.nodes, NodesDocSchema, EMPTY_NODES);
  const ips = new Map(doc.nodes.map((n) => [n.nodeId, n.def?.ip]));
  return { doc, names: storageNames(doc.nodes, doc.evidence), ipOf: (id) => ips.get(id) };
}

/** Every actor, rendered; `keep` filters (default: all). */
export async function renderedActors(
  store: BlobStore,
  cache: DashboardCache,
  m: Manifest,
  view: NodeView,
  keep: (a: Actor) => boolean = () => true,
): Promise<Record<string, Actor>> {
  const out: Record<string, Actor> = {};
  for (const e of m.actors)
    for (const a of await readShard(store, cache, actorCollection, e)) {
      const actor = renderActor(a, view.ipOf);
      if (keep(actor)) out[a.actorId] = actor;
    }
  return out;
}

export async function listActors(
  store: BlobStore,
  ref: SessionRef,
  options: ReadOptions = {},
): Promise<ActorsResponse> {
  const cache = cacheOf(store, options);
  return withManifest(store, ref, options, async (m) => {
    const actors = await renderedActors(store, cache, m, await nodeView(store, cache, m));
    return { result: true, msg: 'All actors fetched.', data: { actors } };
  });
}

export async function getActor(
  store: BlobStore,
  ref: SessionRef,
  actorId: string,
  options: ReadOptions = {},
): Promise<ActorResponse> {
  const cache = cacheOf(store, options);
  const id = actorId.toLowerCase();
  const notFound: ActorResponse = { result: false, msg: 'Actor not found.', data: {} };
  if (!/^[0-9a-f]{1,64}$/.test(id)) return notFound;
  return withManifest(store, ref, options, async (m) => {
    const entry = m.actors[locate(m.actors, id)];
    const a =
      entry === undefined
        ? undefined
        : (await readShard(store, cache, actorCollection, entry)).find((x) => x.actorId === id);
    if (a === undefined) return notFound;
    return {
      result: true,
      msg: 'Actor fetched.',
      data: { detail: renderActor(a, (await nodeView(store, cache, m)).ipOf) },
    };
  });
}

export async function listJobs(store: BlobStore, ref: SessionRef, options: ReadOptions = {}): Promise<Job[]> {
  const cache = cacheOf(store, options);
  return withManifest(store, ref, options, async (m) => {
    const jobs = await readDoc(store, cache, m.jobs, JobsDocSchema, EMPTY_JOBS);
    return renderJobs(jobs, (await nodeView(store, cache, m)).ipOf);
  });
}

/** The job whose job id (hex) or submission id is `id`; null when none. */
export async function getJob(
  store: BlobStore,
  ref: SessionRef,
  id: string,
  options: ReadOptions = {},
): Promise<Job | null> {
  const jobs = await listJobs(store, ref, options);
  return jobs.find((j) => j.job_id === id.toLowerCase() || j.submission_id === id) ?? null;
}

function nodeOrder(view: NodeView) {
  return (a: string, b: string): number => {
    const na = view.doc.nodes.find((n) => n.nodeId === a);
    const nb = view.doc.nodes.find((n) => n.nodeId === b);
    const head = Number(nb !== undefined && isHeadNode(nb)) - Number(na !== undefined && isHeadNode(na));
    const ka = view.names.get(a) ?? '';
    const kb = view.names.get(b) ?? '';
    return head || (ka < kb ? -1 : ka > kb ? 1 : a < b ? -1 : 1);
  };
}

export type NodesView = 'summary' | 'hostNameList';

export async function listNodes(
  store: BlobStore,
  ref: SessionRef,
  query: { view?: NodesView } = {},
  options: ReadOptions = {},
): Promise<NodesSummaryResponse | HostNameListResponse> {
  const cache = cacheOf(store, options);
  return withManifest(store, ref, options, async (m) => {
    const view = await nodeView(store, cache, m);
    const ids = view.doc.nodes.map((n) => n.nodeId).sort(nodeOrder(view));
    const rows = ids
      .map((id) => {
        const n = view.doc.nodes.find((x) => x.nodeId === id);
        return n === undefined ? undefined : renderNode(n, view.names.get(id) ?? null);
      })
      .filter((r) => r !== undefined);
    if (query.view === 'hostNameList') {
      const hostNameList = rows
        .filter((r) => r.raylet.state === 'ALIVE')
        .map((r) => r.hostname || r.raylet.nodeId);
      return { result: true, msg: 'Node hostname list fetched.', data: { hostNameList } };
    }
    const nodeLogicalResources = Object.fromEntries(rows.map((r) => [r.raylet.nodeId, r.logicalResources]));
    return { result: true, msg: 'Node summary fetched.', data: { summary: rows, nodeLogicalResources } };
  });
}

/** One node by Ray node id (hex) or storage node name, with the actors placed on it; null when unknown. */
export async function getNode(
  store: BlobStore,
  ref: SessionRef,
  nodeIdOrName: string,
  options: ReadOptions = {},
): Promise<NodeDetailResponse | null> {
  const cache = cacheOf(store, options);
  return withManifest(store, ref, options, async (m) => {
    const view = await nodeView(store, cache, m);
    const id = resolveNodeId(nodeIdOrName, view.names);
    const n = view.doc.nodes.find((x) => x.nodeId === id);
    if (id === null || n === undefined) return null;
    const actors = await renderedActors(store, cache, m, view, (a) => a.address.nodeId === id);
    return {
      result: true,
      msg: 'Node details fetched.',
      data: { detail: renderNode(n, view.names.get(id) ?? null, actors) },
    };
  });
}

/** The Ray node id and storage node name that `nodeIdOrName` (either form) means; null when unknown. */
export async function resolveNode(
  store: BlobStore,
  ref: SessionRef,
  nodeIdOrName: string,
  options: ReadOptions = {},
): Promise<{ nodeId: string; storageNode: string | null } | null> {
  const cache = cacheOf(store, options);
  return withManifest(store, ref, options, async (m) => {
    const view = await nodeView(store, cache, m);
    const id = resolveNodeId(nodeIdOrName, view.names);
    return id === null ? null : { nodeId: id, storageNode: view.names.get(id) ?? null };
  });
}

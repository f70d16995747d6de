/**
 * What the log routes learn from the dashboard state: which stored node a Ray node id (or IP) is,
 * and where a task attempt or an actor ran (worker, pid, node, the task's own byte range). Turns
 * Ray's `api/v0/logs` and `api/v0/logs/file` selectors into the logs core's typed selectors.
 */
import type { NodesSummaryResponse } from '../../schemas/dashboard.js';
import type { BlobStore } from '../../storage/blobStore.js';
import { failures, getActor, listActors, listNodes, listTasks, resolveNode } from '../dashboard/index.js';
import { rayResources } from '../dashboard/renderNode.js';
import { HttpError } from '../errors.js';
import type { LocatedSession } from '../query/locate.js';
import { listLogNodes } from './names.js';
import type { ClusterStatusInput } from './clusterStatus.js';
import type { LogSelector, LogSuffix, TaskLogSource, WorkerLogSource } from './select.js';

const nodeNotFound = (what: string) =>
  new HttpError(404, 'node_not_found', `no node ${what} in this session`);

/**
 * The storage node (the collector's name) for a Ray node id, a node's storage name, or an IP: the
 * dashboard state maps ids and names; a name the state does not know is taken when the session has
 * logs under it.
 */
export async function storageNode(
  store: BlobStore,
  s: LocatedSession,
  q: { nodeId?: string | undefined; nodeIp?: string | undefined },
): Promise<string> {
  if (q.nodeId !== undefined) {
    const known = await resolveNode(store, s, q.nodeId);
    if (known !== null && known.storageNode !== null) return known.storageNode;
    if ((await listLogNodes(store, s)).includes(q.nodeId)) return q.nodeId;
    throw nodeNotFound(
      known === null
        ? q.nodeId
        : `${q.nodeId}: Ray knows it, but no collector's node name is tied to it (its logs may be under another name)`,
    );
  }
  if (q.nodeIp !== undefined) {
    const nodes = (await listNodes(store, s, { view: 'summary' })) as NodesSummaryResponse;
    const node = nodes.data.summary.find(
      (n) => n.ip === q.nodeIp || n.raylet.nodeManagerAddress === q.nodeIp,
    );
    if (node !== undefined && node.storageNode !== null) return node.storageNode;
    throw nodeNotFound(`with IP ${q.nodeIp}`);
  }
  throw new HttpError(400, 'invalid_parameter', 'node_id or node_ip is required', { field: 'node_id' });
}

/**
 * What a session search learns from the dashboard state: each stored node's Ray node id (hits carry
 * it as `nodeId`), and its `node` filter as a storage name — a Ray node id the state knows is taken
 * as that node's name; anything else is taken as the name it is.
 */
export async function searchNodes(
  store: BlobStore,
  s: LocatedSession,
  node?: string,
): Promise<{ node?: string; nodeIds: Map<string, string> }> {
  const nodes = (await listNodes(store, s, { view: 'summary' })) as NodesSummaryResponse;
  const nodeIds = new Map<string, string>();
  for (const n of nodes.data.summary) if (n.storageNode !== null) nodeIds.set(n.storageNode, n.raylet.nodeId);
  if (node === undefined) return { nodeIds };
  const byId = nodes.data.summary.find((n) => n.raylet.nodeId === node.toLowerCase());
  return { node: byId?.storageNode ?? node, nodeIds };
}

const FINISHED = new Set(['FINISHED', 'FAILED']);

/** Where a task attempt ran and wrote, from the dashboard state; 404 `task_not_found` when unknown. */
export async function taskSource(
  store: BlobStore,
  s: LocatedSession,
  taskId: string,
  attempt: number,
): Promise<TaskLogSource> {
  const page = await listTasks(store, s, {
    filters: [{ key: 'task_id', predicate: '=', value: taskId }],
    limit: 10_000,
    detail: true,
    excludeDriver: false,
  });
  const row = page.data.result.result.find((t) => t.attempt_number === attempt);
  if (row === undefined) {
    throw new HttpError(404, 'task_not_found', `no attempt ${attempt} of task ${taskId} in this session`);
  }
  const info = row.task_log_info;
  const node = row.node_id === null ? null : await resolveNode(store, s, row.node_id);
  if (node === null || node.storageNode === null) {
    throw new HttpError(404, 'log_not_found', `task ${taskId} (attempt ${attempt}) ran on no known node`);
  }
  const text = (v: string | number | null | undefined) => (typeof v === 'string' && v !== '' ? v : undefined);
  const num = (v: string | number | null | undefined) => (v === null || v === undefined ? undefined : v);
  return {
    node: node.storageNode,
    taskId,
    attempt,
    ...(row.worker_id !== null && { workerId: row.worker_id }),
    ...(row.worker_pid !== null && { pid: row.worker_pid }),
    ...(row.actor_id !== null && row.actor_id !== '' && { actorId: row.actor_id }),
    finished: FINISHED.has(row.state),
    ...(info !== null &&
      info !== undefined && {
        taskLogInfo: {
          stdoutFile: text(info.stdout_file),
          stderrFile: text(info.stderr_file),
          stdoutStart: num(info.stdout_start),
          stdoutEnd: num(info.stdout_end),
          stderrStart: num(info.stderr_start),
          stderrEnd: num(info.stderr_end),
        },
      }),
  };
}

/** The worker an actor ran in, from the dashboard state; 404 `actor_not_found` when unknown. */
export async function actorWorker(
  store: BlobStore,
  s: LocatedSession,
  actorId: string,
): Promise<WorkerLogSource> {
  const actor = (await getActor(store, s, actorId)).data.detail;
  if (actor === undefined) throw new HttpError(404, 'actor_not_found', `no actor ${actorId} in this session`);
  const node = actor.address.nodeId === '' ? null : await resolveNode(store, s, actor.address.nodeId);
  if (node === null || node.storageNode === null)
    throw new HttpError(404, 'log_not_found', `actor ${actorId} ran on no known node`);
  return {
    node: node.storageNode,
    ...(actor.address.workerId !== '' && { workerId: actor.address.workerId }),
    ...(actor.pid !== null && { pid: actor.pid }),
  };
}

/** Ray's `api/v0/logs/file` selectors, in Ray's order of precedence, as a typed selector. */
export async function logSelector(
  store: BlobStore,
  s: LocatedSession,
  q: {
    node_id?: string | undefined;
    node_ip?: string | undefined;
    filename?: string | undefined;
    task_id?: string | undefined;
    attempt_number: number;
    actor_id?: string | undefined;
    pid?: number | undefined;
    suffix: LogSuffix;
  },
): Promise<LogSelector> {
  if (q.task_id !== undefined) {
    return { by: 'task', task: await taskSource(store, s, q.task_id, q.attempt_number), suffix: q.suffix };
  }
  if (q.actor_id !== undefined) {
    return {
      by: 'actor',
      actorId: q.actor_id,
      worker: await actorWorker(store, s, q.actor_id),
      suffix: q.suffix,
    };
  }
  const node = await storageNode(store, s, { nodeId: q.node_id, nodeIp: q.node_ip });
  if (q.filename !== undefined) return { by: 'file', node, filename: q.filename };
  if (q.pid !== undefined) return { by: 'pid', node, pid: q.pid, suffix: q.suffix };
  throw new HttpError(400, 'invalid_parameter', 'one of filename, task_id, actor_id or pid is required', {
    field: 'filename',
  });
}

const PENDING_TASK_STATES = [
  'PENDING_ARGS_AVAIL',
  'PENDING_NODE_ASSIGNMENT',
  'PENDING_OBJ_STORE_MEM_AVAIL',
  'PENDING_ARGS_FETCH',
];

/** What `api/cluster_status` rebuilds its text from: the nodes, dead ones' reasons, and the work left pending. */
export async function clusterStatusInput(store: BlobStore, s: LocatedSession): Promise<ClusterStatusInput> {
  const [nodes, dead, actors, ...pending] = await Promise.all([
    listNodes(store, s, { view: 'summary' }) as Promise<NodesSummaryResponse>,
    failures(store, s),
    listActors(store, s),
    ...PENDING_TASK_STATES.map((state) =>
      listTasks(store, s, {
        filters: [{ key: 'state', predicate: '=', value: state }],
        limit: 10_000,
        detail: true,
        excludeDriver: true,
      }),
    ),
  ]);
  const reasons = new Map(dead.nodes.map((n) => [n.nodeId, n.reason]));
  return {
    nodes: nodes.data.summary.map((n) => ({
      nodeId: n.raylet.nodeId,
      ...(n.storageNode !== null && { nodeName: n.storageNode }),
      ip: n.ip,
      state: n.raylet.state === 'ALIVE' ? 'ALIVE' : 'DEAD',
      isHead: n.raylet.isHeadNode,
      ...(n.raylet.labels['ray.io/node-group'] !== undefined && {
        nodeGroup: n.raylet.labels['ray.io/node-group'],
      }),
      // The summary shows the dashboard's names (objectStoreMemory); the status text prints Ray's.
      resourcesTotal: rayResources(n.raylet.resourcesTotal),
      ...(typeof reasons.get(n.raylet.nodeId) === 'string' && {
        deathReason: reasons.get(n.raylet.nodeId) as string,
      }),
      ...(n.raylet.endTimeMs > 0 && { endTimeMs: n.raylet.endTimeMs }),
    })),
    tasks: pending.flatMap((p) =>
      p.data.result.result.map((t) => ({
        state: t.state,
        ...(t.required_resources && { requiredResources: t.required_resources }),
      })),
    ),
    actors: Object.values(actors.data.actors).map((a) => ({
      state: a.state,
      requiredResources: a.requiredResources,
    })),
  };
}

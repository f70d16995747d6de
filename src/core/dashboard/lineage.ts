/**
 * The lineage summary (Ray's `summary_by=lineage`, python/ray/util/state/common.py): a tree in which
 * normal tasks sit under the task that submitted them (at the root when the driver did), actor
 * tasks and creation tasks sit under an ACTOR entry placed where the actor's creation task is,
 * same-named siblings fold into a GROUP, counts add up the tree, and siblings sort running first,
 * then pending, failed, earliest, creation tasks first. Pure: built from attempts in key order.
 */
import type { NestedTaskSummary, TaskSummaryByLineage } from '../../schemas/dashboard.js';
import type { ActorState, TaskState } from './model.js';
import { actorIdOfCreationTask } from './ids.js';
import { nsToMs } from './lattice.js';
import { taskActorOf, taskStateOf, taskTypeOf } from './renderTask.js';

const DRIVER_PREFIX = 'f'.repeat(40);
const RUNNING = ['RUNNING', 'RUNNING_IN_RAY_GET', 'RUNNING_IN_RAY_WAIT'];
const PENDING = [
  'PENDING_ARGS_AVAIL',
  'PENDING_NODE_ASSIGNMENT',
  'PENDING_OBJ_STORE_MEM_AVAIL',
  'PENDING_ARGS_FETCH',
];

type Node = NestedTaskSummary;

function creationMs(t: TaskState): number | null {
  const hit = t.transitions?.find(([s]) => s === 'PENDING_ARGS_AVAIL');
  return hit === undefined ? null : nsToMs(hit[1]);
}

class Builder {
  private readonly byId = new Map<string, TaskState>();
  private readonly creationOf = new Map<string, string>();
  private readonly nodes = new Map<string, Node>();
  readonly roots: Node[] = [];

  constructor(
    attempts: TaskState[],
    private readonly actors: Map<string, ActorState>,
  ) {
    // The latest attempt stands for its task (attempts come in key order).
    for (const t of attempts) {
      this.byId.set(t.taskId, t);
      if (taskTypeOf(t) === 'ACTOR_CREATION_TASK') {
        const actor = taskActorOf(t) ?? actorIdOfCreationTask(t.taskId);
        if (actor !== undefined && actor !== null) this.creationOf.set(actor, t.taskId);
      }
    }
  }

  private place(node: Node, parentTaskId: string | undefined): void {
    if (parentTaskId === undefined || parentTaskId === '' || parentTaskId.startsWith(DRIVER_PREFIX)) {
      this.roots.push(node);
      return;
    }
    this.taskNode(parentTaskId)?.children.push(node);
  }

  taskNode(taskId: string): Node | undefined {
    const known = this.nodes.get(taskId);
    if (known !== undefined) return known;
    const t = this.byId.get(taskId);
    if (t === undefined) return undefined;
    const node: Node = {
      name: t.def?.name || t.def?.funcName || '',
      key: taskId,
      type: taskTypeOf(t),
      timestamp: creationMs(t),
      state_counts: {},
      children: [],
      link: { type: 'task', id: taskId },
    };
    this.nodes.set(taskId, node);
    const type = taskTypeOf(t);
    if (type === 'ACTOR_TASK' || type === 'ACTOR_CREATION_TASK')
      this.actorNode(taskActorOf(t) ?? '')?.children.push(node);
    else this.place(node, t.def?.parentTaskId);
    return node;
  }

  private actorNode(actorId: string): Node | undefined {
    const key = `actor:${actorId}`;
    const known = this.nodes.get(key);
    if (known !== undefined) return known;
    const creation = this.byId.get(this.creationOf.get(actorId) ?? '');
    if (creation === undefined) return undefined;
    const a = this.actors.get(actorId);
    const repr = [...(a?.transitions ?? [])].reverse().find((t) => t.reprName !== undefined)?.reprName;
    const name = repr || a?.def?.className || creation.def?.funcName?.split('.')[0] || 'UnknownActor';
    const node: Node = {
      name,
      key,
      type: 'ACTOR',
      timestamp: creationMs(creation),
      state_counts: {},
      children: [],
      link: { type: 'actor', id: actorId },
    };
    this.nodes.set(key, node);
    this.place(node, creation.def?.parentTaskId);
    return node;
  }
}

const ts = (n: Node) => n.timestamp ?? Number.MAX_SAFE_INTEGER;

/** Folds same-named siblings into GROUP entries; returns the siblings and their earliest time. */
function group(siblings: Node[]): [Node[], number | null] {
  const byName = new Map<string, Node[]>();
  let min: number | null = null;
  for (const child of siblings) {
    const [children, childMin] = group(child.children);
    child.children = children;
    if (childMin !== null && childMin < ts(child)) child.timestamp = childMin;
    byName.set(child.name, [...(byName.get(child.name) ?? []), child]);
    if (child.timestamp !== null && (min === null || child.timestamp < min)) min = child.timestamp;
  }
  const out = [...byName.entries()].map(([name, list]): Node => {
    if (list.length === 1) return list[0] as Node;
    const times = list.map((n) => n.timestamp).filter((t): t is number => t !== null);
    return {
      name,
      key: name,
      type: 'GROUP',
      timestamp: times.length === 0 ? null : Math.min(...times),
      state_counts: {},
      children: list,
      link: null,
    };
  });
  return [out, min];
}

function total(nodes: Node[]): void {
  for (const n of nodes) {
    total(n.children);
    for (const c of n.children)
      for (const [s, k] of Object.entries(c.state_counts)) n.state_counts[s] = (n.state_counts[s] ?? 0) + k;
  }
}

const count = (n: Node, states: string[]) => states.reduce((a, s) => a + (n.state_counts[s] ?? 0), 0);

function sort(nodes: Node[]): void {
  for (const n of nodes) sort(n.children);
  nodes.sort(
    (a, b) =>
      count(b, RUNNING) - count(a, RUNNING) ||
      count(b, PENDING) - count(a, PENDING) ||
      count(b, ['FAILED']) - count(a, ['FAILED']) ||
      ts(a) - ts(b) ||
      Number(b.type === 'ACTOR_CREATION_TASK') - Number(a.type === 'ACTOR_CREATION_TASK'),
  );
}

/** The lineage tree of `attempts` (drivers excluded, as Ray does). */
export function lineageSummary(attempts: TaskState[], actors: Map<string, ActorState>): TaskSummaryByLineage {
  const b = new Builder(attempts, actors);
  const totals = { NORMAL_TASK: 0, ACTOR_TASK: 0, ACTOR_CREATION_TASK: 0 };
  for (const t of attempts) {
    const type = taskTypeOf(t);
    if (type === 'DRIVER_TASK') continue;
    const node = b.taskNode(t.taskId);
    if (node === undefined) continue;
    const state = taskStateOf(t);
    node.state_counts[state] = (node.state_counts[state] ?? 0) + 1;
    if (type in totals) totals[type as keyof typeof totals] += 1;
  }
  const [roots] = group(b.roots);
  total(roots);
  sort(roots);
  return {
    summary: roots,
    total_tasks: totals.NORMAL_TASK,
    total_actor_tasks: totals.ACTOR_TASK,
    total_actor_scheduled: totals.ACTOR_CREATION_TASK,
    summary_by: 'lineage',
  };
}

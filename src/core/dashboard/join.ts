/**
 * The joins of the entity states (see lattice.ts for the laws they keep). Transitions are sets keyed
 * by (time, state), ordered by time, then by the state's rank in Ray's enum, so that the last one is
 * the same whatever order they arrived in.
 */
import { cmpNs, defined, joinFields, joinReg, unionBy } from './lattice.js';
import type {
  ActorState,
  ActorTransition,
  DriverJobState,
  LogInfo,
  NodeEvidence,
  NodeState,
  ProfileState,
  SubmissionJobState,
  TaskState,
} from './model.js';

/** Ray's TaskStatus by its proto number (common.proto; 11–13 were added later). */
export const TASK_STATUS_BY_NUMBER = [
  'NIL',
  'PENDING_ARGS_AVAIL',
  'PENDING_NODE_ASSIGNMENT',
  'PENDING_OBJ_STORE_MEM_AVAIL',
  'PENDING_ARGS_FETCH',
  'SUBMITTED_TO_WORKER',
  'RUNNING',
  'RUNNING_IN_RAY_GET',
  'RUNNING_IN_RAY_WAIT',
  'FINISHED',
  'FAILED',
  'PENDING_ACTOR_TASK_ARGS_FETCH',
  'PENDING_ACTOR_TASK_ORDERING_OR_CONCURRENCY',
  'GETTING_AND_PINNING_ARGS',
] as const;

/** Task states in their usual chronological order: breaks ties between transitions at the same time. */
const TASK_STATES = [
  'NIL',
  'PENDING_ARGS_AVAIL',
  'PENDING_NODE_ASSIGNMENT',
  'PENDING_OBJ_STORE_MEM_AVAIL',
  'PENDING_ARGS_FETCH',
  'SUBMITTED_TO_WORKER',
  'PENDING_ACTOR_TASK_ARGS_FETCH',
  'PENDING_ACTOR_TASK_ORDERING_OR_CONCURRENCY',
  'GETTING_AND_PINNING_ARGS',
  'RUNNING',
  'RUNNING_IN_RAY_GET',
  'RUNNING_IN_RAY_WAIT',
  'FINISHED',
  'FAILED',
];

const ACTOR_STATES = ['DEPENDENCIES_UNREADY', 'PENDING_CREATION', 'ALIVE', 'RESTARTING', 'DEAD'];
const JOB_STATES = [
  'UNSPECIFIED',
  'CREATED',
  'FINISHED',
  'PENDING',
  'RUNNING',
  'STOPPED',
  'SUCCEEDED',
  'FAILED',
];
const NODE_STATES = ['ALIVE', 'DEAD'];

function rankIn(order: readonly string[]): (state: string) => number {
  const ranks = new Map(order.map((s, i) => [s, i]));
  return (state) => ranks.get(state) ?? order.length;
}

/** Orders transitions by time, then state rank, then state name (a total order). */
function byTimeThenState(order: readonly string[]) {
  const rank = rankIn(order);
  return (a: { t: string; state: string }, b: { t: string; state: string }): number =>
    cmpNs(a.t, b.t) || rank(a.state) - rank(b.state) || (a.state < b.state ? -1 : a.state > b.state ? 1 : 0);
}

const taskOrder = byTimeThenState(TASK_STATES);
const transitionKey = (x: { t: string; state: string }) => `${x.t}|${x.state}`;

function joinTaskTransitions(
  a: [string, string][] | undefined,
  b: [string, string][] | undefined,
): [string, string][] | undefined {
  return unionBy(
    a,
    b,
    ([state, t]) => `${t}|${state}`,
    (x) => x,
    ([sa, ta], [sb, tb]) => taskOrder({ state: sa, t: ta }, { state: sb, t: tb }),
  );
}

function joinLogInfo(a: LogInfo | undefined, b: LogInfo | undefined): LogInfo | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return defined({
    stdoutFile: joinReg(a.stdoutFile, b.stdoutFile),
    stderrFile: joinReg(a.stderrFile, b.stderrFile),
    stdoutStart: joinReg(a.stdoutStart, b.stdoutStart),
    stdoutEnd: joinReg(a.stdoutEnd, b.stdoutEnd),
    stderrStart: joinReg(a.stderrStart, b.stderrStart),
    stderrEnd: joinReg(a.stderrEnd, b.stderrEnd),
  });
}

export function joinTask(a: TaskState, b: TaskState): TaskState {
  return defined({
    taskId: a.taskId,
    attempt: a.attempt,
    def: joinFields(a.def, b.def),
    transitions: joinTaskTransitions(a.transitions, b.transitions),
    jobId: joinReg(a.jobId, b.jobId),
    nodeId: joinReg(a.nodeId, b.nodeId),
    workerId: joinReg(a.workerId, b.workerId),
    workerPid: joinReg(a.workerPid, b.workerPid),
    error: joinReg(a.error, b.error),
    reprName: joinReg(a.reprName, b.reprName),
    debuggerPaused: joinReg(a.debuggerPaused, b.debuggerPaused),
    logInfo: joinLogInfo(a.logInfo, b.logInfo),
  });
}

type ProfileEvent = [string, string, string, string];
const profileKey = (e: ProfileEvent) => JSON.stringify(e);
const profileOrder = (x: ProfileEvent, y: ProfileEvent) =>
  cmpNs(x[1], y[1]) ||
  cmpNs(x[2], y[2]) ||
  (profileKey(x) < profileKey(y) ? -1 : profileKey(x) > profileKey(y) ? 1 : 0);

export function joinProfile(a: ProfileState, b: ProfileState): ProfileState {
  return defined({
    taskId: a.taskId,
    attempt: a.attempt,
    jobId: joinReg(a.jobId, b.jobId),
    componentType: joinReg(a.componentType, b.componentType),
    componentId: joinReg(a.componentId, b.componentId),
    nodeIp: joinReg(a.nodeIp, b.nodeIp),
    events: unionBy(a.events, b.events, profileKey, (x) => x, profileOrder),
  });
}

const actorOrder = byTimeThenState(ACTOR_STATES);

export function joinActor(a: ActorState, b: ActorState): ActorState {
  return defined({
    actorId: a.actorId,
    def: joinFields(a.def, b.def),
    transitions: unionBy<ActorTransition>(
      a.transitions,
      b.transitions,
      transitionKey,
      (x, y) => joinFields(x, y) as ActorTransition,
      actorOrder,
    ),
  });
}

const jobOrder = byTimeThenState(JOB_STATES);

export function joinDriverJob(a: DriverJobState, b: DriverJobState): DriverJobState {
  return defined({
    jobId: a.jobId,
    def: joinFields(a.def, b.def),
    transitions: unionBy(
      a.transitions,
      b.transitions,
      transitionKey,
      (x, y) => joinFields(x, y) ?? x,
      jobOrder,
    ),
  });
}

export function joinSubmissionJob(a: SubmissionJobState, b: SubmissionJobState): SubmissionJobState {
  return defined({
    submissionId: a.submissionId,
    def: joinFields(a.def, b.def),
    transitions: unionBy(
      a.transitions,
      b.transitions,
      transitionKey,
      (x, y) => joinFields(x, y) ?? x,
      jobOrder,
    ),
  });
}

const nodeOrder = byTimeThenState(NODE_STATES);

export function joinNode(a: NodeState, b: NodeState): NodeState {
  return defined({
    nodeId: a.nodeId,
    def: joinFields(a.def, b.def),
    transitions: unionBy(
      a.transitions,
      b.transitions,
      transitionKey,
      (x, y) => joinFields(x, y) ?? x,
      nodeOrder,
    ),
  });
}

function joinSets(a: Record<string, string[]>, b: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort())
    out[k] = [...new Set([...(a[k] ?? []), ...(b[k] ?? [])])].sort();
  return out;
}

export function joinEvidence(a: NodeEvidence, b: NodeEvidence): NodeEvidence {
  return {
    emitted: joinSets(a.emitted, b.emitted),
    executed: joinSets(a.executed, b.executed),
    nodePosts: joinSets(a.nodePosts, b.nodePosts),
  };
}

export const EMPTY_EVIDENCE: NodeEvidence = { emitted: {}, executed: {}, nodePosts: {} };

/** The facts of task events: definitions, lifecycle (and the older TASK_EXECUTION), profiles. */
import type {
  ActorDeathCause,
  FunctionDescriptor,
  RayErrorInfo,
  RayEventIn,
} from '../../schemas/rayEvents.js';
import { hexId, hexIdOrNil, int64, int64Ns, nsOf } from './ids.js';
import { cmpNs, compact, known, reg, type Ns } from './lattice.js';
import { EMPTY_EVIDENCE, TASK_STATUS_BY_NUMBER } from './join.js';
import type { LogInfo, TaskError, TaskState } from './model.js';
import type { Fact } from './facts.js';

type Lifecycle = NonNullable<RayEventIn['taskLifecycleEvent']>;
type Execution = NonNullable<RayEventIn['taskExecutionEvent']>;
type Profile = NonNullable<RayEventIn['taskProfileEvents']>;

/** `Class.function`, or the function alone: Ray's FunctionDescriptor CallString. */
export function callString(fd: FunctionDescriptor | undefined): string | undefined {
  const d = fd?.pythonFunctionDescriptor ?? fd?.javaFunctionDescriptor ?? fd?.cppFunctionDescriptor;
  if (d === undefined) return undefined;
  const fn = d.functionName ?? '';
  const cls = d.className ?? '';
  const s = cls === '' ? fn : `${cls}.${fn}`;
  return s === '' ? undefined : s;
}

/** The message a death cause carries, whichever context it is. */
export function deathCauseMessage(c: ActorDeathCause | undefined): string | undefined {
  if (c === undefined) return undefined;
  const m =
    c.actorDiedErrorContext?.errorMessage ||
    c.creationTaskFailureContext?.formattedExceptionString ||
    c.runtimeEnvFailedContext?.errorMessage ||
    c.actorUnschedulableContext?.errorMessage ||
    c.oomContext?.errorMessage;
  return m === '' ? undefined : m;
}

/** A task error from a RayErrorInfo: its type and the message of whichever oneof is set. */
export function taskError(info: RayErrorInfo | undefined): TaskError | undefined {
  if (info === undefined) return undefined;
  return compact<TaskError>({
    type: info.errorType,
    message:
      info.errorMessage ||
      deathCauseMessage(info.actorDiedError) ||
      info.runtimeEnvSetupFailedError?.errorMessage,
  });
}

/** TASK_DEFINITION_EVENT or ACTOR_TASK_DEFINITION_EVENT. */
export function taskDefFact(e: RayEventIn): Fact[] {
  const d = e.taskDefinitionEvent;
  const a = e.actorTaskDefinitionEvent;
  const taskId = hexId(d?.taskId ?? a?.taskId);
  if (taskId === undefined) return [];
  const common = {
    language: d?.language ?? a?.language,
    jobId: hexId(d?.jobId ?? a?.jobId),
    parentTaskId: hexId(d?.parentTaskId ?? a?.parentTaskId),
    placementGroupId: hexIdOrNil(d?.placementGroupId ?? a?.placementGroupId),
    requiredResources: d?.requiredResources ?? a?.requiredResources,
    runtimeEnv: d?.serializedRuntimeEnv ?? a?.serializedRuntimeEnv,
    callSite: d?.callSite ?? a?.callSite,
    labelSelector: d?.labelSelector ?? a?.labelSelector,
  };
  const def =
    d !== undefined
      ? compact({ ...common, type: d.taskType, funcName: callString(d.taskFunc), name: d.taskName })
      : compact({
          ...common,
          type: 'ACTOR_TASK',
          funcName: callString(a?.actorFunc),
          name: a?.actorTaskName,
          actorId: hexIdOrNil(a?.actorId),
        });
  const attempt = d?.taskAttempt ?? a?.taskAttempt ?? 0;
  return [{ kind: 'task', state: { taskId, attempt, ...(def && { def }) } }];
}

function logInfoOf(t: Ns, info: Lifecycle['taskLogInfo']): LogInfo | undefined {
  if (info === undefined) return undefined;
  return compact<LogInfo>({
    stdoutFile: reg(t, info.stdoutFile),
    stderrFile: reg(t, info.stderrFile),
    stdoutStart: reg(t, int64(info.stdoutStart)),
    stdoutEnd: reg(t, int64(info.stdoutEnd)),
    stderrStart: reg(t, int64(info.stderrStart)),
    stderrEnd: reg(t, int64(info.stderrEnd)),
  });
}

const RUNNING = new Set(['RUNNING', 'RUNNING_IN_RAY_GET', 'RUNNING_IN_RAY_WAIT']);

/** The lifecycle fields both lifecycle event kinds share, as registers at the latest transition time. */
function lifecycleFact(
  p: Lifecycle | Execution,
  transitions: [string, Ns][],
  at: Ns,
  postedBy: string,
  extra: Partial<TaskState>,
): Fact[] {
  const taskId = hexId(p.taskId);
  if (taskId === undefined) return [];
  const t = transitions.reduce((m, [, ts]) => (cmpNs(ts, m) > 0 ? ts : m), transitions[0]?.[1] ?? at);
  const nodeId = hexId(p.nodeId);
  const state: TaskState = {
    taskId,
    attempt: p.taskAttempt ?? 0,
    ...(transitions.length > 0 && { transitions }),
    ...compact({
      jobId: reg(t, hexId(p.jobId)),
      nodeId: reg(t, nodeId),
      workerId: reg(t, hexId(p.workerId)),
      workerPid: reg(t, p.workerPid),
      error: reg(t, taskError(p.rayErrorInfo)),
    }),
    ...extra,
  };
  const facts: Fact[] = [{ kind: 'task', state }];
  if (nodeId !== undefined && transitions.some(([s]) => RUNNING.has(s)))
    facts.push({ kind: 'evidence', evidence: { ...EMPTY_EVIDENCE, executed: { [nodeId]: [postedBy] } } });
  return facts;
}

/** TASK_LIFECYCLE_EVENT: transitions plus what the emitter knew (node, worker, error, log offsets). */
export function taskLifecycleFact(p: Lifecycle, at: Ns, postedBy: string): Fact[] {
  const transitions = (p.stateTransitions ?? []).flatMap((tr): [string, Ns][] =>
    known(tr.state) ? [[tr.state, nsOf(tr.timestamp) ?? at]] : [],
  );
  const t = transitions.reduce((m, [, ts]) => (cmpNs(ts, m) > 0 ? ts : m), transitions[0]?.[1] ?? at);
  const extra = compact<Partial<TaskState>>({
    reprName: reg(t, p.actorReprName),
    debuggerPaused: p.isDebuggerPaused === undefined ? undefined : [t, p.isDebuggerPaused],
    logInfo: logInfoOf(t, p.taskLogInfo),
  });
  return lifecycleFact(p, transitions, at, postedBy, extra ?? {});
}

/** TASK_EXECUTION_EVENT (older Ray): `taskState` maps TaskStatus numbers to times. */
export function taskExecutionFact(p: Execution, at: Ns, postedBy: string): Fact[] {
  const transitions = Object.entries(p.taskState ?? {}).flatMap(([num, time]): [string, Ns][] => {
    const state = TASK_STATUS_BY_NUMBER[Number(num)];
    const t = nsOf(time);
    return state === undefined || t === undefined ? [] : [[state, t]];
  });
  return lifecycleFact(p, transitions, at, postedBy, {});
}

/** TASK_PROFILE_EVENT: the attempt's profile spans (for the timeline). */
export function profileFact(p: Profile, at: Ns): Fact[] {
  const taskId = hexId(p.taskId);
  if (taskId === undefined) return [];
  const pe = p.profileEvents;
  const events = (pe?.events ?? []).flatMap((ev): [string, Ns, Ns, string][] => {
    const start = int64Ns(ev.startTime);
    const end = int64Ns(ev.endTime) ?? start;
    return known(ev.eventName) && start !== undefined && end !== undefined
      ? [[ev.eventName, start, end, ev.extraData ?? '']]
      : [];
  });
  const state = {
    taskId,
    attempt: p.attemptNumber ?? 0,
    ...compact({
      jobId: reg(at, hexId(p.jobId)),
      componentType: reg(at, pe?.componentType),
      componentId: reg(at, hexId(pe?.componentId)),
      nodeIp: reg(at, pe?.nodeIpAddress),
    }),
    ...(events.length > 0 && { events }),
  };
  return [{ kind: 'profile', state }];
}

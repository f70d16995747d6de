/**
 * Ray export events exactly as Ray's aggregator posts them, built from the proto definitions
 * (ray-project/ray src/ray/protobuf/public/events_*.proto, common.proto): what
 * `message_to_json(event, always_print_fields_with_no_presence=True)` prints — lowerCamelCase names,
 * bytes as base64, int64/uint64 as strings, enums as names, Timestamps as RFC 3339 with 0, 3, 6 or 9
 * fractional digits, and every field without presence printed with its default ("", 0, "0", false,
 * [], {}), while message-typed, oneof and `optional` fields appear only when set.
 */

export type Json = Record<string, unknown>;

/** bytes → base64 (from hex). */
export const b64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');

/** A google.protobuf.Timestamp in proto3 JSON: UTC, 'Z', 0/3/6/9 fractional digits. */
export function protoTime(ns: bigint): string {
  const seconds = ns / 1_000_000_000n;
  const nanos = Number(ns % 1_000_000_000n);
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  if (nanos === 0) return `${base}Z`;
  const digits = nanos % 1_000_000 === 0 ? 3 : nanos % 1000 === 0 ? 6 : 9;
  return `${base}.${String(nanos).padStart(9, '0').slice(0, digits)}Z`;
}

/** A JobID's hex: 4 bytes, little-endian (job 1 is 01000000). */
export function jobHex(n: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b.toString('hex');
}

/** Deterministic hex of `bytes` bytes from a label (so ids are stable and distinct). */
export function idHex(label: string, bytes: number): string {
  let out = '';
  let h = 2166136261;
  for (let i = 0; out.length < bytes * 2; i++) {
    for (const c of `${label}#${i}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, bytes * 2);
}

export const nodeHex = (label: string) => idHex(`node:${label}`, 28);
export const workerHex = (label: string) => idHex(`worker:${label}`, 28);
/** ActorID: 12 unique bytes + the job id. */
export const actorHex = (label: string, job: number) => idHex(`actor:${label}`, 12) + jobHex(job);
/** A normal task's TaskID: 8 unique bytes + a nil actor part (12 × 0xff) + the job id. */
export const normalTaskHex = (label: string, job: number) =>
  idHex(`task:${label}`, 8) + 'f'.repeat(24) + jobHex(job);
/** An actor creation task: 8 × 0xff + the actor id. */
export const creationTaskHex = (actor: string) => 'f'.repeat(16) + actor;
/** An actor task: 8 unique bytes + the actor id. */
export const actorTaskHex = (label: string, actor: string) => idHex(`task:${label}`, 8) + actor;
/** A driver's task: 20 × 0xff + the job id. */
export const driverTaskHex = (job: number) => 'f'.repeat(40) + jobHex(job);

export interface Fn {
  module?: string;
  cls?: string;
  fn: string;
}

/** FunctionDescriptor with its python oneof set. */
export function pyFunc(f: Fn): Json {
  return {
    pythonFunctionDescriptor: {
      moduleName: f.module ?? '__main__',
      className: f.cls ?? '',
      functionName: f.fn,
      functionHash: idHex(`hash:${f.cls ?? ''}.${f.fn}`, 16),
    },
  };
}

export interface Base {
  eventType: string;
  sourceType: string;
  time: bigint;
  session: string;
  /** The emitting process's node (newer Ray prints RayEvent.node_id; older Ray has no such field). */
  emitter?: string;
  /** Also print `nodeId` (newer Ray). */
  withNodeId: boolean;
  eventId: string;
}

/** RayEvent around one nested payload (`field`: its JSON name). */
export function rayEvent(b: Base, field: string, payload: Json): Json {
  return {
    eventId: b64(b.eventId),
    sourceType: b.sourceType,
    eventType: b.eventType,
    timestamp: protoTime(b.time),
    severity: 'INFO',
    message: '',
    sessionName: b.session,
    ...(b.withNodeId && { nodeId: b.emitter === undefined ? '' : b64(b.emitter) }),
    [field]: payload,
  };
}

// ---- payloads (every field without presence printed) ----

export function taskDefinition(p: {
  taskId: string;
  attempt: number;
  type: 'NORMAL_TASK' | 'ACTOR_CREATION_TASK' | 'DRIVER_TASK';
  func?: Fn;
  name: string;
  job: string;
  parent?: string;
  resources?: Record<string, number>;
}): Json {
  return {
    taskId: b64(p.taskId),
    taskAttempt: p.attempt,
    taskType: p.type,
    language: 'PYTHON',
    ...(p.func !== undefined && { taskFunc: pyFunc(p.func) }),
    taskName: p.name,
    requiredResources: p.resources ?? {},
    jobId: b64(p.job),
    parentTaskId: p.parent === undefined ? '' : b64(p.parent),
    placementGroupId: '',
    refIds: {},
    serializedRuntimeEnv: '{}',
  };
}

export function actorTaskDefinition(p: {
  taskId: string;
  attempt: number;
  func: Fn;
  name: string;
  job: string;
  actor: string;
  parent?: string;
}): Json {
  return {
    taskId: b64(p.taskId),
    taskAttempt: p.attempt,
    language: 'PYTHON',
    actorFunc: pyFunc(p.func),
    actorTaskName: p.name,
    requiredResources: {},
    jobId: b64(p.job),
    actorId: b64(p.actor),
    parentTaskId: p.parent === undefined ? '' : b64(p.parent),
    placementGroupId: '',
    refIds: {},
    serializedRuntimeEnv: '',
  };
}

export interface LogInfo {
  stdoutFile?: string;
  stderrFile?: string;
  stdoutStart?: number;
  stdoutEnd?: number;
  stderrStart?: number;
  stderrEnd?: number;
}

export function taskLifecycle(p: {
  taskId: string;
  attempt: number;
  job: string;
  transitions: [string, bigint][];
  node?: string;
  worker?: string;
  pid?: number;
  error?: Json;
  logInfo?: LogInfo;
}): Json {
  const l = p.logInfo;
  return {
    taskId: b64(p.taskId),
    taskAttempt: p.attempt,
    stateTransitions: p.transitions.map(([state, t]) => ({ state, timestamp: protoTime(t) })),
    ...(p.error !== undefined && { rayErrorInfo: p.error }),
    nodeId: p.node === undefined ? '' : b64(p.node),
    workerId: p.worker === undefined ? '' : b64(p.worker),
    workerPid: p.pid ?? 0,
    jobId: b64(p.job),
    ...(l !== undefined && {
      taskLogInfo: {
        stdoutFile: l.stdoutFile ?? '',
        stderrFile: l.stderrFile ?? '',
        stdoutStart: String(l.stdoutStart ?? 0),
        stdoutEnd: String(l.stdoutEnd ?? 0),
        stderrStart: String(l.stderrStart ?? 0),
        stderrEnd: String(l.stderrEnd ?? 0),
      },
    }),
  };
}

export function taskProfile(p: {
  taskId: string;
  attempt: number;
  job: string;
  worker: string;
  ip: string;
  events: { name: string; start: bigint; end: bigint; extra?: Json }[];
}): Json {
  return {
    taskId: b64(p.taskId),
    attemptNumber: p.attempt,
    jobId: b64(p.job),
    profileEvents: {
      componentType: 'worker',
      componentId: b64(p.worker),
      nodeIpAddress: p.ip,
      events: p.events.map((e) => ({
        startTime: String(e.start),
        endTime: String(e.end),
        ...(e.extra !== undefined && { extraData: JSON.stringify(e.extra) }),
        eventName: e.name,
      })),
    },
  };
}

/** ActorDiedErrorContext inside an ActorDeathCause (its oneof set). */
export function actorDied(p: {
  message: string;
  owner: string;
  ownerIp: string;
  ip: string;
  pid: number;
  name: string;
  cls: string;
  actor: string;
}): Json {
  return {
    actorDiedErrorContext: {
      errorMessage: p.message,
      ownerId: b64(p.owner),
      ownerIpAddress: p.ownerIp,
      nodeIpAddress: p.ip,
      pid: p.pid,
      name: p.name,
      rayNamespace: 'default',
      className: p.cls,
      actorId: b64(p.actor),
      neverStarted: false,
    },
  };
}

export function actorDefinition(p: {
  actor: string;
  job: string;
  name: string;
  cls: string;
  resources?: Record<string, number>;
}): Json {
  return {
    actorId: b64(p.actor),
    jobId: b64(p.job),
    isDetached: false,
    name: p.name,
    rayNamespace: 'default',
    serializedRuntimeEnv: '{}',
    className: p.cls,
    requiredResources: p.resources ?? {},
    placementGroupId: '',
    labelSelector: {},
  };
}

export function actorLifecycle(
  actor: string,
  transitions: { state: string; t: bigint; node?: string; worker?: string; deathCause?: Json }[],
): Json {
  return {
    actorId: b64(actor),
    stateTransitions: transitions.map((s) => ({
      state: s.state,
      timestamp: protoTime(s.t),
      nodeId: s.node === undefined ? '' : b64(s.node),
      workerId: s.worker === undefined ? '' : b64(s.worker),
      ...(s.deathCause !== undefined && { deathCause: s.deathCause }),
    })),
  };
}

export function driverJobDefinition(p: {
  job: string;
  pid: number;
  node: string;
  entrypoint: string;
  metadata: Record<string, string>;
}): Json {
  return {
    jobId: b64(p.job),
    driverPid: String(p.pid),
    driverNodeId: b64(p.node),
    entrypoint: p.entrypoint,
    config: { serializedRuntimeEnv: '{}', metadata: p.metadata },
  };
}

export function driverJobLifecycle(job: string, transitions: [string, bigint][]): Json {
  return {
    jobId: b64(job),
    stateTransitions: transitions.map(([state, t]) => ({ state, timestamp: protoTime(t) })),
  };
}

export function submissionJobDefinition(p: { submissionId: string; entrypoint: string }): Json {
  return {
    submissionId: p.submissionId,
    entrypoint: p.entrypoint,
    config: { serializedRuntimeEnv: '{"pip": ["requests"]}', metadata: {} },
  };
}

export function submissionJobLifecycle(
  submissionId: string,
  transitions: {
    state: string;
    t: bigint;
    message?: string;
    errorType?: string;
    driverNode?: string;
    agent?: string;
    exitCode?: number;
  }[],
): Json {
  return {
    submissionId,
    stateTransitions: transitions.map((s) => ({
      state: s.state,
      timestamp: protoTime(s.t),
      message: s.message ?? '',
      errorType: s.errorType ?? '',
      driverNodeId: s.driverNode === undefined ? '' : b64(s.driverNode),
      driverAgentHttpAddress: s.agent ?? '',
      ...(s.exitCode !== undefined && { driverExitCode: s.exitCode }),
    })),
  };
}

export function nodeDefinition(p: {
  node: string;
  ip: string;
  labels: Record<string, string>;
  start: bigint;
}): Json {
  return {
    nodeId: b64(p.node),
    nodeIpAddress: p.ip,
    labels: p.labels,
    startTimestamp: protoTime(p.start),
  };
}

export function nodeLifecycle(
  node: string,
  transitions: {
    state: 'ALIVE' | 'DEAD';
    t: bigint;
    resources?: Record<string, number>;
    death?: [string, string];
  }[],
): Json {
  return {
    nodeId: b64(node),
    stateTransitions: transitions.map((s) => ({
      state: s.state,
      timestamp: protoTime(s.t),
      resources: s.resources ?? {},
      ...(s.death !== undefined && { deathInfo: { reason: s.death[0], reasonMessage: s.death[1] } }),
    })),
  };
}

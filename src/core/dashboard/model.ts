/**
 * The merged state of each dashboard entity, as stored in the shard documents. Every state is a
 * join-semilattice (see lattice.ts): definitions are joined field by field (the larger value wins),
 * lifecycle facts are registers `[time, value]` (the later wins) or sets of transitions keyed by
 * (time, state). Times are nanoseconds as decimal strings (`Ns`).
 */
import { z } from '../../schemas/zod.js';

const ns = z.string().regex(/^(0|[1-9]\d{0,24})$/);
const reg = <T extends z.ZodType>(v: T) => z.tuple([ns, v]);
const numMap = z.record(z.string(), z.number());
const strMap = z.record(z.string(), z.string());

/** A task attempt's definition (TASK_DEFINITION / ACTOR_TASK_DEFINITION). */
export const TaskDefSchema = z.object({
  type: z.string().optional(),
  language: z.string().optional(),
  funcName: z.string().optional(),
  name: z.string().optional(),
  jobId: z.string().optional(),
  parentTaskId: z.string().optional(),
  placementGroupId: z.string().optional(),
  actorId: z.string().optional(),
  requiredResources: numMap.optional(),
  runtimeEnv: z.string().optional(),
  callSite: z.string().optional(),
  labelSelector: strMap.optional(),
});

export const LogInfoSchema = z.object({
  stdoutFile: reg(z.string()).optional(),
  stderrFile: reg(z.string()).optional(),
  stdoutStart: reg(z.number()).optional(),
  stdoutEnd: reg(z.number()).optional(),
  stderrStart: reg(z.number()).optional(),
  stderrEnd: reg(z.number()).optional(),
});

export const TaskErrorSchema = z.object({ type: z.string().optional(), message: z.string().optional() });

/** One task attempt: (taskId, attempt). */
export const TaskStateSchema = z.object({
  taskId: z.string(),
  attempt: z.number().int(),
  def: TaskDefSchema.optional(),
  /** `[state, time]`, sorted by time then state, unique. */
  transitions: z.array(z.tuple([z.string(), ns])).optional(),
  jobId: reg(z.string()).optional(),
  nodeId: reg(z.string()).optional(),
  workerId: reg(z.string()).optional(),
  workerPid: reg(z.number()).optional(),
  error: reg(TaskErrorSchema).optional(),
  reprName: reg(z.string()).optional(),
  debuggerPaused: reg(z.boolean()).optional(),
  logInfo: LogInfoSchema.optional(),
});

/** One task attempt's profile events (TASK_PROFILE_EVENT), kept apart: only the timeline reads them. */
export const ProfileStateSchema = z.object({
  taskId: z.string(),
  attempt: z.number().int(),
  jobId: reg(z.string()).optional(),
  componentType: reg(z.string()).optional(),
  componentId: reg(z.string()).optional(),
  nodeIp: reg(z.string()).optional(),
  /** `[eventName, startNs, endNs, extraData]`, sorted, unique. */
  events: z.array(z.tuple([z.string(), ns, ns, z.string()])).optional(),
});

export const ActorTransitionSchema = z.object({
  state: z.string(),
  t: ns,
  nodeId: z.string().optional(),
  workerId: z.string().optional(),
  deathCause: z.record(z.string(), z.unknown()).optional(),
  reprName: z.string().optional(),
  pid: z.number().optional(),
});

export const ActorStateSchema = z.object({
  actorId: z.string(),
  def: z
    .object({
      jobId: z.string().optional(),
      isDetached: z.boolean().optional(),
      name: z.string().optional(),
      rayNamespace: z.string().optional(),
      runtimeEnv: z.string().optional(),
      className: z.string().optional(),
      requiredResources: numMap.optional(),
      placementGroupId: z.string().optional(),
      labelSelector: strMap.optional(),
      callSite: z.string().optional(),
    })
    .optional(),
  transitions: z.array(ActorTransitionSchema).optional(),
});

const JobDefFields = {
  entrypoint: z.string().optional(),
  runtimeEnv: z.string().optional(),
  metadata: strMap.optional(),
};

export const DriverJobStateSchema = z.object({
  jobId: z.string(),
  def: z
    .object({ ...JobDefFields, driverPid: z.string().optional(), driverNodeId: z.string().optional() })
    .optional(),
  transitions: z
    .array(
      z.object({
        state: z.string(),
        t: ns,
        message: z.string().optional(),
        errorType: z.string().optional(),
        exitCode: z.number().optional(),
        status: z.string().optional(),
      }),
    )
    .optional(),
});

export const SubmissionJobStateSchema = z.object({
  submissionId: z.string(),
  def: z.object(JobDefFields).optional(),
  transitions: z
    .array(
      z.object({
        state: z.string(),
        t: ns,
        message: z.string().optional(),
        errorType: z.string().optional(),
        driverNodeId: z.string().optional(),
        driverAgentHttpAddress: z.string().optional(),
        driverExitCode: z.number().optional(),
      }),
    )
    .optional(),
});

export const NodeStateSchema = z.object({
  nodeId: z.string(),
  def: z
    .object({
      ip: z.string().optional(),
      labels: strMap.optional(),
      start: ns.optional(),
      hostname: z.string().optional(),
      nodeName: z.string().optional(),
      instanceId: z.string().optional(),
      instanceTypeName: z.string().optional(),
    })
    .optional(),
  transitions: z
    .array(
      z.object({
        state: z.string(),
        t: ns,
        resources: numMap.optional(),
        deathReason: z.string().optional(),
        deathMessage: z.string().optional(),
      }),
    )
    .optional(),
});

/**
 * What says which storage node (collector name) a Ray node is: sets of collector names per node id
 * and kind of evidence, and which node ids each collector posted NODE_* events about.
 */
export const NodeEvidenceSchema = z.object({
  /** nodeId → collector names under which events emitted on that node were posted (RayEvent.nodeId). */
  emitted: z.record(z.string(), z.array(z.string())),
  /** nodeId → collector names under which tasks' RUNNING transitions on that node were posted. */
  executed: z.record(z.string(), z.array(z.string())),
  /** collector name → node ids it posted NODE_DEFINITION/NODE_LIFECYCLE events about. */
  nodePosts: z.record(z.string(), z.array(z.string())),
});

export type TaskDef = z.infer<typeof TaskDefSchema>;
export type LogInfo = z.infer<typeof LogInfoSchema>;
export type TaskError = z.infer<typeof TaskErrorSchema>;
export type TaskState = z.infer<typeof TaskStateSchema>;
export type ProfileState = z.infer<typeof ProfileStateSchema>;
export type ActorTransition = z.infer<typeof ActorTransitionSchema>;
export type ActorState = z.infer<typeof ActorStateSchema>;
export type DriverJobState = z.infer<typeof DriverJobStateSchema>;
export type SubmissionJobState = z.infer<typeof SubmissionJobStateSchema>;
export type NodeState = z.infer<typeof NodeStateSchema>;
export type NodeEvidence = z.infer<typeof NodeEvidenceSchema>;

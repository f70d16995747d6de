/**
 * The Ray export events the dashboard state is rebuilt from, as Ray's aggregator posts them
 * (`message_to_json(RayEvent, always_print_fields_with_no_presence=True)`: lowerCamelCase, bytes as
 * base64, int64 as strings, enums as names, RFC 3339 timestamps). Validated leniently: unknown fields
 * pass, missing fields are "unknown", a known field of the wrong type rejects the event.
 * Sources: ray-project/ray `src/ray/protobuf/public/events_*.proto`, `common.proto`,
 * `events_task_profile_events.proto`, `profile_events.proto`.
 */
import { z } from './zod.js';

/** proto3 int64/uint64 print as JSON strings; accept numbers too. */
const int64 = z.union([z.string(), z.number()]);
const str = z.string();
const num = z.number();
const strMap = z.record(z.string(), z.string());
const numMap = z.record(z.string(), z.number());

const Python = z.looseObject({
  moduleName: str.optional(),
  className: str.optional(),
  functionName: str.optional(),
  functionHash: str.optional(),
});
const Java = z.looseObject({ className: str.optional(), functionName: str.optional() });
const Cpp = z.looseObject({ functionName: str.optional(), className: str.optional() });

/** `FunctionDescriptor`: a oneof of the three languages. */
export const FunctionDescriptorSchema = z.looseObject({
  pythonFunctionDescriptor: Python.optional(),
  javaFunctionDescriptor: Java.optional(),
  cppFunctionDescriptor: Cpp.optional(),
});

/** `ActorDeathCause`: a oneof of contexts; each carries an error message. */
export const ActorDeathCauseSchema = z.looseObject({
  creationTaskFailureContext: z.looseObject({ formattedExceptionString: str.optional() }).optional(),
  runtimeEnvFailedContext: z.looseObject({ errorMessage: str.optional() }).optional(),
  actorDiedErrorContext: z
    .looseObject({
      errorMessage: str.optional(),
      ownerId: str.optional(),
      ownerIpAddress: str.optional(),
      nodeIpAddress: str.optional(),
      pid: num.optional(),
      name: str.optional(),
      rayNamespace: str.optional(),
      className: str.optional(),
      actorId: str.optional(),
      neverStarted: z.boolean().optional(),
    })
    .optional(),
  actorUnschedulableContext: z.looseObject({ errorMessage: str.optional() }).optional(),
  oomContext: z
    .looseObject({ errorMessage: str.optional(), failImmediately: z.boolean().optional() })
    .optional(),
});

/** `RayErrorInfo`: oneof {actorDiedError, runtimeEnvSetupFailedError, errorMessage} + optional errorType. */
export const RayErrorInfoSchema = z.looseObject({
  errorMessage: str.optional(),
  actorDiedError: ActorDeathCauseSchema.optional(),
  runtimeEnvSetupFailedError: z.looseObject({ errorMessage: str.optional() }).optional(),
  errorType: str.optional(),
});

const Transition = { state: str.optional(), timestamp: str.optional() };

export const TaskDefinitionSchema = z.looseObject({
  taskId: str,
  taskAttempt: num.optional(),
  taskType: str.optional(),
  language: str.optional(),
  taskFunc: FunctionDescriptorSchema.optional(),
  taskName: str.optional(),
  requiredResources: numMap.optional(),
  jobId: str.optional(),
  parentTaskId: str.optional(),
  placementGroupId: str.optional(),
  serializedRuntimeEnv: str.optional(),
  callSite: str.optional(),
  labelSelector: strMap.optional(),
});

export const ActorTaskDefinitionSchema = z.looseObject({
  taskId: str,
  taskAttempt: num.optional(),
  language: str.optional(),
  actorFunc: FunctionDescriptorSchema.optional(),
  actorTaskName: str.optional(),
  requiredResources: numMap.optional(),
  jobId: str.optional(),
  actorId: str.optional(),
  parentTaskId: str.optional(),
  placementGroupId: str.optional(),
  serializedRuntimeEnv: str.optional(),
  callSite: str.optional(),
  labelSelector: strMap.optional(),
});

export const TaskLogInfoSchema = z.looseObject({
  stdoutFile: str.optional(),
  stderrFile: str.optional(),
  stdoutStart: int64.optional(),
  stdoutEnd: int64.optional(),
  stderrStart: int64.optional(),
  stderrEnd: int64.optional(),
});

export const TaskLifecycleSchema = z.looseObject({
  taskId: str,
  taskAttempt: num.optional(),
  stateTransitions: z.array(z.looseObject(Transition)).optional(),
  rayErrorInfo: RayErrorInfoSchema.optional(),
  nodeId: str.optional(),
  workerId: str.optional(),
  workerPid: num.optional(),
  jobId: str.optional(),
  isDebuggerPaused: z.boolean().optional(),
  actorReprName: str.optional(),
  taskLogInfo: TaskLogInfoSchema.optional(),
});

/** Older Ray (before TASK_LIFECYCLE_EVENT): `taskState` maps TaskStatus numbers to times. */
export const TaskExecutionSchema = z.looseObject({
  taskId: str,
  taskAttempt: num.optional(),
  taskState: z.record(z.string(), z.string()).optional(),
  rayErrorInfo: RayErrorInfoSchema.optional(),
  nodeId: str.optional(),
  workerId: str.optional(),
  workerPid: num.optional(),
  jobId: str.optional(),
});

export const TaskProfileSchema = z.looseObject({
  taskId: str,
  attemptNumber: num.optional(),
  jobId: str.optional(),
  profileEvents: z
    .looseObject({
      componentType: str.optional(),
      componentId: str.optional(),
      nodeIpAddress: str.optional(),
      events: z
        .array(
          z.looseObject({
            eventName: str.optional(),
            startTime: int64.optional(),
            endTime: int64.optional(),
            extraData: str.optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

export const ActorDefinitionSchema = z.looseObject({
  actorId: str,
  jobId: str.optional(),
  isDetached: z.boolean().optional(),
  name: str.optional(),
  rayNamespace: str.optional(),
  serializedRuntimeEnv: str.optional(),
  className: str.optional(),
  requiredResources: numMap.optional(),
  placementGroupId: str.optional(),
  labelSelector: strMap.optional(),
  callSite: str.optional(),
});

export const ActorLifecycleSchema = z.looseObject({
  actorId: str,
  stateTransitions: z
    .array(
      z.looseObject({
        ...Transition,
        nodeId: str.optional(),
        workerId: str.optional(),
        deathCause: ActorDeathCauseSchema.optional(),
        reprName: str.optional(),
        pid: num.optional(),
      }),
    )
    .optional(),
});

const JobConfig = z.looseObject({ serializedRuntimeEnv: str.optional(), metadata: strMap.optional() });

export const DriverJobDefinitionSchema = z.looseObject({
  jobId: str,
  driverPid: int64.optional(),
  driverNodeId: str.optional(),
  entrypoint: str.optional(),
  config: JobConfig.optional(),
});

export const DriverJobLifecycleSchema = z.looseObject({
  jobId: str,
  stateTransitions: z
    .array(
      z.looseObject({
        ...Transition,
        message: str.optional(),
        errorType: str.optional(),
        exitCode: num.optional(),
        submissionJobStatus: str.optional(),
      }),
    )
    .optional(),
});

export const SubmissionJobDefinitionSchema = z.looseObject({
  submissionId: str,
  entrypoint: str.optional(),
  config: JobConfig.optional(),
});

export const SubmissionJobLifecycleSchema = z.looseObject({
  submissionId: str,
  stateTransitions: z
    .array(
      z.looseObject({
        ...Transition,
        message: str.optional(),
        errorType: str.optional(),
        driverNodeId: str.optional(),
        driverAgentHttpAddress: str.optional(),
        driverExitCode: num.optional(),
      }),
    )
    .optional(),
});

export const NodeDefinitionSchema = z.looseObject({
  nodeId: str,
  nodeIpAddress: str.optional(),
  labels: strMap.optional(),
  startTimestamp: str.optional(),
  hostname: str.optional(),
  nodeName: str.optional(),
  instanceId: str.optional(),
  instanceTypeName: str.optional(),
});

export const NodeLifecycleSchema = z.looseObject({
  nodeId: str,
  stateTransitions: z
    .array(
      z.looseObject({
        ...Transition,
        resources: numMap.optional(),
        deathInfo: z.looseObject({ reason: str.optional(), reasonMessage: str.optional() }).optional(),
      }),
    )
    .optional(),
});

/** `RayEvent` with the payloads the dashboard reads (one is set per event). */
export const RayEventSchema = z.looseObject({
  eventId: str,
  eventType: str,
  timestamp: str,
  sessionName: str,
  sourceType: str.optional(),
  severity: str.optional(),
  message: str.optional(),
  /** Newer Ray: the node of the process that emitted the event. */
  nodeId: str.optional(),
  taskDefinitionEvent: TaskDefinitionSchema.optional(),
  actorTaskDefinitionEvent: ActorTaskDefinitionSchema.optional(),
  taskLifecycleEvent: TaskLifecycleSchema.optional(),
  taskExecutionEvent: TaskExecutionSchema.optional(),
  taskProfileEvents: TaskProfileSchema.optional(),
  actorDefinitionEvent: ActorDefinitionSchema.optional(),
  actorLifecycleEvent: ActorLifecycleSchema.optional(),
  driverJobDefinitionEvent: DriverJobDefinitionSchema.optional(),
  driverJobLifecycleEvent: DriverJobLifecycleSchema.optional(),
  submissionJobDefinitionEvent: SubmissionJobDefinitionSchema.optional(),
  submissionJobLifecycleEvent: SubmissionJobLifecycleSchema.optional(),
  nodeDefinitionEvent: NodeDefinitionSchema.optional(),
  nodeLifecycleEvent: NodeLifecycleSchema.optional(),
});

export type RayEventIn = z.infer<typeof RayEventSchema>;
export type FunctionDescriptor = z.infer<typeof FunctionDescriptorSchema>;
export type ActorDeathCause = z.infer<typeof ActorDeathCauseSchema>;
export type RayErrorInfo = z.infer<typeof RayErrorInfoSchema>;

/**
 * What the dashboard routes answer for a session, declared once: field names exactly as Ray's
 * dashboard frontend reads them (python/ray/dashboard/client/src/type/{task,actor,job,node,raylet}.ts)
 * and as Ray's job and state APIs answer; `failures` is ours. The Ray events these are rebuilt from
 * are in ./rayEvents.ts.
 */
import { FIELD, intQuery } from './common.js';
import { z } from './zod.js';

export * from './rayEvents.js';

const strMap = z.record(z.string(), z.string());
const numMap = z.record(z.string(), z.number());
const nullable = <T extends z.ZodType>(t: T) => t.nullable();

/** Where the log lines of a failure are in our storage: a node (collector name) and a file under its `logs/`. */
export const LogLocatorSchema = z
  .object({
    node: z.string(),
    file: z.string(),
    /** Byte range [start, end) of the file that belongs to the failure, when the events say. */
    range: z.tuple([z.number(), z.number()]).optional(),
    /** The file route that reads these lines, relative to the session: `logs/<node>/<file>[?offset=&length=]`. */
    read: z.string(),
  })
  .openapi('DashboardLogLocator');

// ---- tasks (Ray's StateApi TaskState, python/ray/util/state/common.py) ----

export const TaskRowSchema = z
  .object({
    task_id: z.string(),
    attempt_number: z.number(),
    name: z.string(),
    state: z.string(),
    job_id: z.string(),
    actor_id: nullable(z.string()),
    type: z.string(),
    func_or_class_name: z.string(),
    parent_task_id: z.string(),
    node_id: nullable(z.string()),
    worker_id: nullable(z.string()),
    worker_pid: nullable(z.number()),
    error_type: nullable(z.string()),
    // detail=true only:
    language: z.string().optional(),
    required_resources: numMap.optional(),
    runtime_env_info: z.string().optional(),
    placement_group_id: nullable(z.string()).optional(),
    events: z.array(z.object({ state: z.string(), created_ms: z.number() })).optional(),
    creation_time_ms: nullable(z.number()).optional(),
    start_time_ms: nullable(z.number()).optional(),
    end_time_ms: nullable(z.number()).optional(),
    task_log_info: nullable(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))).optional(),
    error_message: nullable(z.string()).optional(),
    is_debugger_paused: nullable(z.boolean()).optional(),
    call_site: nullable(z.string()).optional(),
    label_selector: nullable(strMap).optional(),
  })
  .openapi('RayTask');

/** Ray's `rest_response` around a StateApi list: `{result, msg, data: {result: {total, …, result}}}`. */
export function stateApiEnvelope<T extends z.ZodType>(result: T) {
  return z.object({
    result: z.boolean(),
    msg: z.string(),
    data: z.object({
      result: z.object({
        total: z.number(),
        num_after_truncation: z.number(),
        num_filtered: z.number(),
        result,
        partial_failure_warning: z.string(),
        warnings: z.array(z.string()).nullable(),
      }),
    }),
  });
}

export const TaskListResponseSchema = stateApiEnvelope(z.array(TaskRowSchema)).openapi('RayTaskList');

export const TaskSummaryByFuncSchema = z.object({
  summary: z.record(
    z.string(),
    z.object({
      func_or_class_name: z.string(),
      type: z.string(),
      state_counts: z.record(z.string(), z.number()),
    }),
  ),
  total_tasks: z.number(),
  total_actor_tasks: z.number(),
  total_actor_scheduled: z.number(),
  summary_by: z.literal('func_name'),
});

/** One entry of the lineage tree: a task, an actor (its tasks below it) or a GROUP of same-named siblings. */
// Named, so that the OpenAPI document refers to it from its own `children` (inlining a recursive
// schema never ends: GET /api/v1/openapi.json answered 500, Maximum call stack size exceeded).
export const NestedTaskSummarySchema = z
  .object({
    name: z.string(),
    key: z.string(),
    type: z.string(),
    timestamp: z.number().nullable(),
    state_counts: z.record(z.string(), z.number()),
    get children() {
      return z.array(NestedTaskSummarySchema);
    },
    link: z.object({ type: z.enum(['task', 'actor']), id: z.string() }).nullable(),
  })
  .openapi('RayNestedTaskSummary');

export const TaskSummaryByLineageSchema = z.object({
  summary: z.array(NestedTaskSummarySchema),
  total_tasks: z.number(),
  total_actor_tasks: z.number(),
  total_actor_scheduled: z.number(),
  summary_by: z.literal('lineage'),
});

export const TaskSummaryResponseSchema = stateApiEnvelope(
  z.object({
    node_id_to_summary: z.object({ cluster: z.union([TaskSummaryByFuncSchema, TaskSummaryByLineageSchema]) }),
  }),
).openapi('RayTaskSummary');

/** One Chrome trace event (the Trace Event Format that chrome://tracing and Perfetto load). */
export const TraceEventSchema = z
  .object({
    name: z.string(),
    cat: z.string().optional(),
    ph: z.enum(['X', 'M']),
    ts: z.number().optional(),
    dur: z.number().optional(),
    pid: z.number(),
    tid: z.number().nullable(),
    cname: z.string().optional(),
    args: z.record(z.string(), z.unknown()),
  })
  .openapi('ChromeTraceEvent');

// ---- actors (type/actor.ts) ----

export const ActorSchema = z
  .object({
    actorId: z.string(),
    jobId: z.string(),
    placementGroupId: z.string().nullable(),
    state: z.string(),
    pid: z.number().nullable(),
    address: z.object({ nodeId: z.string(), ipAddress: z.string(), port: z.number(), workerId: z.string() }),
    name: z.string(),
    numRestarts: z.string(),
    actorClass: z.string(),
    /** What Ray's GCS calls the class; the frontend reads `actorClass`. */
    className: z.string(),
    startTime: z.number().nullable(),
    endTime: z.number().nullable(),
    requiredResources: numMap,
    exitDetail: z.string(),
    reprName: z.string(),
    callSite: z.string().optional(),
    labelSelector: strMap.nullable(),
    isDetached: z.boolean(),
    rayNamespace: z.string(),
    deathCause: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('RayActor');

export const ActorsResponseSchema = z
  .object({
    result: z.boolean(),
    msg: z.string(),
    data: z.object({ actors: z.record(z.string(), ActorSchema) }),
  })
  .openapi('RayActors');

export const ActorResponseSchema = z
  .object({ result: z.boolean(), msg: z.string(), data: z.object({ detail: ActorSchema.optional() }) })
  .openapi('RayActorDetail');

// ---- jobs (Ray's job API JobDetails; type/job.ts UnifiedJob) ----

export const JobStatusSchema = z.enum(['PENDING', 'RUNNING', 'STOPPED', 'SUCCEEDED', 'FAILED']);

export const JobSchema = z
  .object({
    type: z.enum(['SUBMISSION', 'DRIVER']),
    job_id: z.string().nullable(),
    submission_id: z.string().nullable(),
    driver_info: z
      .object({ id: z.string(), node_ip_address: z.string(), node_id: z.string(), pid: z.string() })
      .nullable(),
    status: JobStatusSchema,
    entrypoint: z.string(),
    message: z.string().nullable(),
    error_type: z.string().nullable(),
    start_time: z.number().nullable(),
    end_time: z.number().nullable(),
    metadata: strMap.nullable(),
    runtime_env: z.record(z.string(), z.unknown()).nullable(),
    driver_agent_http_address: z.string().nullable(),
    driver_node_id: z.string().nullable(),
    driver_exit_code: z.number().nullable(),
  })
  .openapi('RayJob');

export const JobListSchema = z.array(JobSchema).openapi('RayJobList');

// ---- nodes (type/node.d.ts, raylet.d.ts; GcsNodeInfo as the dashboard's node head answers) ----

export const RayletSchema = z.object({
  nodeId: z.string(),
  state: z.string(),
  stateMessage: z.string(),
  isHeadNode: z.boolean(),
  labels: strMap,
  startTimeMs: z.number(),
  endTimeMs: z.number(),
  resourcesTotal: numMap,
  nodeManagerAddress: z.string(),
  nodeManagerHostname: z.string(),
  nodeName: z.string(),
  instanceId: z.string(),
  instanceTypeName: z.string(),
  nodeTypeName: z.string(),
});

const zeroDisk = z.object({ total: z.number(), used: z.number(), free: z.number(), percent: z.number() });

export const NodeSummarySchema = z
  .object({
    now: z.number(),
    hostname: z.string(),
    ip: z.string(),
    cpu: z.number(),
    cpus: z.array(z.number()),
    mem: z.array(z.number()),
    shm: z.number(),
    bootTime: z.number(),
    loadAvg: z.array(z.array(z.number())),
    networkSpeed: z.array(z.number()),
    disk: z.object({ '/': zeroDisk, '/tmp': zeroDisk }),
    gpus: z.array(z.unknown()),
    tpus: z.array(z.unknown()),
    cmdline: z.array(z.string()),
    workers: z.array(z.unknown()),
    actors: z.record(z.string(), ActorSchema),
    raylet: RayletSchema,
    state: z.string(),
    logicalResources: z.string(),
    /** Ours: the name this node's logs are stored under (the collector's node name), when known. */
    storageNode: z.string().nullable(),
  })
  .openapi('RayNodeSummary');

export const NodesSummaryResponseSchema = z
  .object({
    result: z.boolean(),
    msg: z.string(),
    data: z.object({ summary: z.array(NodeSummarySchema), nodeLogicalResources: strMap }),
  })
  .openapi('RayNodes');

export const HostNameListResponseSchema = z
  .object({ result: z.boolean(), msg: z.string(), data: z.object({ hostNameList: z.array(z.string()) }) })
  .openapi('RayNodeHostNames');

export const NodeDetailResponseSchema = z
  .object({ result: z.boolean(), msg: z.string(), data: z.object({ detail: NodeSummarySchema }) })
  .openapi('RayNodeDetail');

// ---- failures (ours: one answer to "why did it fail") ----

export const FailuresResponseSchema = z
  .object({
    jobs: z.array(
      z.object({
        job_id: z.string().nullable(),
        submission_id: z.string().nullable(),
        status: JobStatusSchema,
        message: z.string().nullable(),
        error_type: z.string().nullable(),
        driver_exit_code: z.number().nullable(),
        log: LogLocatorSchema.nullable(),
      }),
    ),
    tasks: z.object({
      failedAttempts: z.number(),
      groups: z.array(
        z.object({
          errorType: z.string(),
          count: z.number(),
          example: z.object({
            taskId: z.string(),
            attempt: z.number(),
            jobId: z.string(),
            funcOrClassName: z.string(),
            message: z.string().nullable(),
            log: LogLocatorSchema.nullable(),
          }),
        }),
      ),
    }),
    actors: z.array(
      z.object({
        actorId: z.string(),
        jobId: z.string(),
        className: z.string(),
        name: z.string(),
        numRestarts: z.number(),
        endTime: z.number().nullable(),
        exitDetail: z.string(),
        deathCause: z.record(z.string(), z.unknown()).nullable(),
        log: LogLocatorSchema.nullable(),
      }),
    ),
    nodes: z.array(
      z.object({
        nodeId: z.string(),
        storageNode: z.string().nullable(),
        ip: z.string(),
        reason: z.string().nullable(),
        reasonMessage: z.string().nullable(),
        stateMessage: z.string(),
        endTimeMs: z.number().nullable(),
        log: LogLocatorSchema.nullable(),
      }),
    ),
  })
  .openapi('SessionFailures');

// ---- queries the read operations take ----

/** A StateApi filter: `filter_keys`/`filter_predicates`/`filter_values`, one triple. */
export const TaskFilterSchema = z.object({
  key: z.enum([
    'task_id',
    'job_id',
    'actor_id',
    'state',
    'type',
    'name',
    'func_or_class_name',
    'node_id',
    'worker_id',
    'error_type',
    'parent_task_id',
  ]),
  predicate: z.enum(['=', '!=']),
  value: z.string(),
});

export const TaskListQuerySchema = z.object({
  filters: z.array(TaskFilterSchema).default([]),
  /** Rows per answer (Ray's default 100, at most 10000). */
  limit: z.number().int().min(1).max(10_000).default(100),
  detail: z.boolean().default(false),
  /** Drop DRIVER_TASK rows (Ray's default true). */
  excludeDriver: z.boolean().default(true),
});

export const TaskSummarizeQuerySchema = z.object({
  filters: z.array(TaskFilterSchema).default([]),
  summaryBy: z.enum(['func_name', 'lineage']).default('func_name'),
  excludeDriver: z.boolean().default(true),
});

export type LogLocator = z.infer<typeof LogLocatorSchema>;
export type TaskRow = z.infer<typeof TaskRowSchema>;
export type TaskListResponse = z.infer<typeof TaskListResponseSchema>;
export type TaskSummaryByFunc = z.infer<typeof TaskSummaryByFuncSchema>;
export type TaskSummaryByLineage = z.infer<typeof TaskSummaryByLineageSchema>;
export type NestedTaskSummary = z.infer<typeof NestedTaskSummarySchema>;
export type TaskSummaryResponse = z.infer<typeof TaskSummaryResponseSchema>;
export type TraceEvent = z.infer<typeof TraceEventSchema>;
export type Actor = z.infer<typeof ActorSchema>;
export type ActorsResponse = z.infer<typeof ActorsResponseSchema>;
export type ActorResponse = z.infer<typeof ActorResponseSchema>;
export type JobStatus = z.infer<typeof JobStatusSchema>;
export type Job = z.infer<typeof JobSchema>;
export type NodeSummary = z.infer<typeof NodeSummarySchema>;
export type NodesSummaryResponse = z.infer<typeof NodesSummaryResponseSchema>;
export type HostNameListResponse = z.infer<typeof HostNameListResponseSchema>;
export type NodeDetailResponse = z.infer<typeof NodeDetailResponseSchema>;
export type FailuresResponse = z.infer<typeof FailuresResponseSchema>;
export type TaskFilter = z.infer<typeof TaskFilterSchema>;
export type TaskListQuery = z.input<typeof TaskListQuerySchema>;
export type TaskSummarizeQuery = z.input<typeof TaskSummarizeQuerySchema>;

// ── The dashboard routes' query strings (Ray's StateApi names), the one source of their validation ──

/** Task filter keys: Ray's column names, and the names upstream's history server accepts. */
export const TASK_FILTER_KEYS = {
  task_id: 'task_id',
  job_id: 'job_id',
  actor_id: 'actor_id',
  state: 'state',
  type: 'type',
  task_type: 'type',
  name: 'name',
  task_name: 'name',
  func_or_class_name: 'func_or_class_name',
  func_name: 'func_or_class_name',
  node_id: 'node_id',
  worker_id: 'worker_id',
  error_type: 'error_type',
  parent_task_id: 'parent_task_id',
} as const satisfies Record<string, TaskFilter['key']>;

const FILTER_KEY_NAMES = Object.keys(TASK_FILTER_KEYS) as [
  keyof typeof TASK_FILTER_KEYS,
  ...(keyof typeof TASK_FILTER_KEYS)[],
];

/** Ray's booleans in query strings: 1/t/true and 0/f/false, any case. */
const RayBool = z
  .string()
  .transform((v, ctx) => {
    const l = v.toLowerCase();
    if (l === '1' || l === 't' || l === 'true') return true;
    if (l === '0' || l === 'f' || l === 'false') return false;
    ctx.addIssue({
      code: 'custom',
      message: `${FIELD} must be true or false, not ${JSON.stringify(v.slice(0, 40))}`,
    });
    return z.NEVER;
  })
  .openapi({ type: 'boolean' });

const Filters = {
  filter_keys: z
    .array(z.enum(FILTER_KEY_NAMES, { message: `${FIELD} must be one of ${FILTER_KEY_NAMES.join(', ')}` }))
    .default([])
    .openapi({ description: 'task filters: the column of each (repeat the parameter for more)' }),
  filter_predicates: z
    .array(z.enum(['=', '!='], { message: `${FIELD} must be = or !=` }))
    .default([])
    .openapi({ description: 'the predicate of each filter' }),
  filter_values: z.array(z.string()).default([]).openapi({ description: 'the value of each filter' }),
  exclude_driver: RayBool.default(true).openapi({ description: 'leave out DRIVER_TASK rows (default true)' }),
};

const sameLength = (q: { filter_keys: unknown[]; filter_predicates: unknown[]; filter_values: unknown[] }) =>
  q.filter_keys.length === q.filter_predicates.length && q.filter_keys.length === q.filter_values.length;
const SAME_LENGTH = {
  message: `${FIELD}, filter_predicates and filter_values must have the same length`,
  path: ['filter_keys'],
};

export const TasksHttpQuery = z
  .object({
    ...Filters,
    limit: intQuery(1, 10_000, 'rows per answer (default 100)').default(100),
    detail: RayBool.default(false).openapi({ description: 'all fields of each task (default false)' }),
  })
  .refine(sameLength, SAME_LENGTH);

export const TaskSummarizeHttpQuery = z
  .object({
    ...Filters,
    summary_by: z
      .enum(['func_name', 'lineage'], { message: `${FIELD} must be func_name or lineage` })
      .default('func_name'),
  })
  .refine(sameLength, SAME_LENGTH);

export const TimelineHttpQuery = z.object({
  job_id: z
    .string()
    .regex(/^[0-9a-fA-F]{1,64}$/, `${FIELD} must be a job id in hex`)
    .transform((v) => v.toLowerCase())
    .optional()
    .openapi({ description: "only this job's tasks" }),
  download: z
    .enum(['1', 'true', '0', 'false'], { message: `${FIELD} must be 1, true, 0 or false` })
    .optional()
    .openapi({ description: '1: an attachment (timeline.json)' }),
});

export const NodesHttpQuery = z.object({
  view: z
    .enum(['summary', 'hostNameList'], { message: `${FIELD} must be summary or hostNameList` })
    .default('summary'),
});

type FilterQuery = z.output<typeof TasksHttpQuery> | z.output<typeof TaskSummarizeHttpQuery>;

/** The typed filters of a parsed query string (upstream's key names mapped to Ray's). */
export function filtersOf(q: FilterQuery): TaskFilter[] {
  return q.filter_keys.map((k, i) => ({
    key: TASK_FILTER_KEYS[k],
    predicate: q.filter_predicates[i] ?? '=',
    value: q.filter_values[i] ?? '',
  }));
}

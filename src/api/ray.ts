/**
 * The Ray Dashboard's own paths for a dead session, each in two forms (src/http/rayRoute.ts): under
 * `…/sessions/{session}/ray/` and at upstream's root paths with the enter_cluster cookies. Answers in
 * Ray's own shapes (src/schemas/dashboard.ts, src/schemas/logs.ts).
 */
import { defineRayRoute } from '../http/rayRoute.js';
import { defineRoute } from '../http/route.js';
import { ClusterIdQuery, SessionParams } from '../schemas/common.js';
import {
  ActorResponseSchema,
  ActorsResponseSchema,
  FailuresResponseSchema,
  HostNameListResponseSchema,
  JobListSchema,
  JobSchema,
  NodeDetailResponseSchema,
  NodesHttpQuery,
  NodesSummaryResponseSchema,
  TaskListResponseSchema,
  TaskSummarizeHttpQuery,
  TaskSummaryResponseSchema,
  TasksHttpQuery,
  TimelineHttpQuery,
  TraceEventSchema,
} from '../schemas/dashboard.js';
import {
  AllEventsReply,
  ClusterMetadataReply,
  ClusterStatusQuery,
  ClusterStatusReply,
  EventTableQuery,
  JobEventsReply,
  LogFileQuery,
  NodeLogsQuery,
  NodeLogsReply,
  TimezoneReply,
  UnformattedClusterStatusReply,
} from '../schemas/logs.js';
import { z } from '../schemas/zod.js';

const TAGS = ['dashboard'];
const RayId = (what: string) =>
  z
    .string()
    .regex(/^[0-9a-fA-F]{1,128}$/, `{field} must be ${what} in hex`)
    .openapi({ description: `${what} (hex)` });

export const jobsRoute = defineRayRoute({
  name: 'rayJobs',
  rayPath: 'api/jobs/',
  method: 'GET',
  tags: TAGS,
  summary: "The session's jobs as Ray's job API lists them (a submission and its driver are one entry)",
  responses: { 200: { description: 'jobs', schema: JobListSchema } },
  errors: [429, 502, 503],
});

export const jobRoute = defineRayRoute({
  name: 'rayJob',
  rayPath: 'api/jobs/{job_id}',
  method: 'GET',
  tags: TAGS,
  summary: 'One job, by job id (hex) or submission id',
  params: z.object({
    job_id: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,128}$/, '{field} must be a job id (hex) or a submission id')
      .openapi({ description: 'a job id (hex) or a submission id' }),
  }),
  responses: { 200: { description: 'the job', schema: JobSchema } },
  errors: [404, 429, 502, 503],
});

export const tasksRoute = defineRayRoute({
  name: 'rayTasks',
  rayPath: 'api/v0/tasks',
  method: 'GET',
  tags: TAGS,
  summary: "Task attempts as Ray's StateApi lists them: filters = and !=, limit, detail, exclude_driver",
  query: TasksHttpQuery,
  responses: { 200: { description: 'the StateApi envelope', schema: TaskListResponseSchema } },
  errors: [429, 502, 503],
});

export const taskSummaryRoute = defineRayRoute({
  name: 'rayTaskSummary',
  rayPath: 'api/v0/tasks/summarize',
  method: 'GET',
  tags: TAGS,
  summary: 'Task counts by function (summary_by=func_name) or as a lineage tree (summary_by=lineage)',
  query: TaskSummarizeHttpQuery,
  responses: { 200: { description: 'the summary', schema: TaskSummaryResponseSchema } },
  errors: [429, 502, 503],
});

export const timelineRoute = defineRayRoute({
  name: 'rayTaskTimeline',
  rayPath: 'api/v0/tasks/timeline',
  method: 'GET',
  tags: TAGS,
  summary: "The tasks' profile events as a Chrome trace (chrome://tracing, Perfetto), streamed",
  query: TimelineHttpQuery,
  responses: { 200: { description: 'trace events', schema: z.array(TraceEventSchema) } },
  errors: [429, 502, 503],
});

export const actorsRoute = defineRayRoute({
  name: 'rayActors',
  rayPath: 'logical/actors',
  method: 'GET',
  tags: TAGS,
  summary: 'Every actor, by id, with its state, restarts and death cause',
  responses: { 200: { description: 'actors', schema: ActorsResponseSchema } },
  errors: [429, 502, 503],
});

export const actorRoute = defineRayRoute({
  name: 'rayActor',
  rayPath: 'logical/actors/{actor_id}',
  method: 'GET',
  tags: TAGS,
  summary: 'One actor (unknown: result false, "Actor not found.", as Ray answers)',
  params: z.object({ actor_id: RayId('an actor id') }),
  responses: { 200: { description: 'the actor', schema: ActorResponseSchema } },
  errors: [429, 502, 503],
});

export const nodesRoute = defineRayRoute({
  name: 'rayNodes',
  rayPath: 'nodes',
  method: 'GET',
  tags: TAGS,
  summary:
    'Nodes alive and dead with resources, labels and death info (view=summary), or host names (view=hostNameList)',
  query: NodesHttpQuery,
  responses: {
    200: { description: 'nodes', schema: z.union([NodesSummaryResponseSchema, HostNameListResponseSchema]) },
  },
  errors: [429, 502, 503],
});

export const nodeRoute = defineRayRoute({
  name: 'rayNode',
  rayPath: 'nodes/{node_id}',
  method: 'GET',
  tags: TAGS,
  summary: 'One node with its actors, by Ray node id (hex) or the name its logs are stored under',
  params: z.object({
    node_id: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,128}$/, '{field} must be a Ray node id (hex) or a node name')
      .openapi({ description: 'Ray node id (hex) or the collector node name' }),
  }),
  responses: { 200: { description: 'the node', schema: NodeDetailResponseSchema } },
  errors: [404, 429, 502, 503],
});

export const logsRoute = defineRayRoute({
  name: 'rayLogs',
  rayPath: 'api/v0/logs',
  method: 'GET',
  tags: TAGS,
  summary: "A node's log files grouped in Ray's categories (worker_out, raylet, …), filtered by glob",
  query: NodeLogsQuery,
  responses: { 200: { description: 'files by category', schema: NodeLogsReply } },
  errors: [429, 502, 503],
});

export const logFileRoute = defineRayRoute({
  name: 'rayLogFile',
  rayPath: 'api/v0/logs/file',
  method: 'GET',
  tags: TAGS,
  summary:
    "A log by node and filename, task (attempt, out/err; the task's own bytes where known), actor or pid: its last N lines, streamed",
  query: LogFileQuery,
  responses: {
    200: {
      description: 'the log text (format=leading_1: "1" + the log, or "0" + why)',
      contentType: 'text/plain',
    },
    206: { description: 'a byte range (Range)', contentType: 'text/plain' },
    304: { description: 'not modified' },
  },
  errors: [404, 416, 429, 502, 503],
});

export const eventTableRoute = defineRayRoute({
  name: 'rayEvents',
  rayPath: 'events',
  method: 'GET',
  tags: TAGS,
  summary: "The session's event table (logs/<node>/events/event_*.log), by job, paged",
  query: EventTableQuery,
  responses: { 200: { description: 'events', schema: z.union([JobEventsReply, AllEventsReply]) } },
  errors: [429, 502, 503],
});

export const clusterStatusRoute = defineRayRoute({
  name: 'rayClusterStatus',
  rayPath: 'api/cluster_status',
  method: 'GET',
  tags: TAGS,
  summary:
    'A `ray status`-like text of the session (format=1): nodes alive and dead, resources, pending work',
  query: ClusterStatusQuery,
  responses: {
    200: { description: 'the status', schema: z.union([ClusterStatusReply, UnformattedClusterStatusReply]) },
  },
  errors: [429, 502, 503],
});

export const clusterMetadataRoute = defineRayRoute({
  name: 'rayClusterMetadata',
  rayPath: 'api/v0/cluster_metadata',
  method: 'GET',
  tags: TAGS,
  summary: "What the session's metadata recorded (Ray version, …)",
  responses: { 200: { description: 'metadata', schema: ClusterMetadataReply } },
  errors: [429, 502, 503],
});

export const timezoneRoute = defineRayRoute({
  name: 'rayTimezone',
  rayPath: 'timezone',
  method: 'GET',
  tags: TAGS,
  summary: "The cluster's time zone when recorded (both fields empty otherwise, as upstream)",
  responses: { 200: { description: 'time zone', schema: TimezoneReply } },
  errors: [429, 502, 503],
});

const NotForDeadClusters = (name: string, rayPath: string, what: string) =>
  defineRayRoute({
    name,
    rayPath,
    method: 'GET',
    tags: TAGS,
    summary: `${what}: not kept for a dead cluster (501, as upstream answers)`,
    responses: {},
    errors: [501],
  });

export const grafanaHealthRoute = NotForDeadClusters('rayGrafanaHealth', 'api/grafana_health', 'Grafana');
export const prometheusHealthRoute = NotForDeadClusters(
  'rayPrometheusHealth',
  'api/prometheus_health',
  'Prometheus',
);

const Empty = (name: string, rayPath: string, what: string, schema: z.ZodType) =>
  defineRayRoute({
    name,
    rayPath,
    method: 'GET',
    tags: TAGS,
    summary: `${what}: nothing is kept for a dead cluster; the empty answer the dashboard expects (as upstream)`,
    responses: { 200: { description: 'empty', schema } },
    errors: [],
  });

export const serveApplicationsRoute = Empty(
  'rayServeApplications',
  'api/serve/applications/',
  'Ray Serve applications',
  z.object({ applications: z.object({}) }),
);
export const placementGroupsRoute = Empty(
  'rayPlacementGroups',
  'api/v0/placement_groups',
  'Placement groups',
  z.object({
    result: z.literal(true),
    msg: z.string(),
    data: z.object({
      result: z.object({
        total: z.literal(0),
        num_after_truncation: z.literal(0),
        num_filtered: z.literal(0),
        result: z.array(z.unknown()).max(0),
        partial_failure_warning: z.string(),
        warnings: z.null(),
      }),
    }),
  }),
);

export const failuresRoute = defineRoute({
  name: 'sessionFailures',
  method: 'GET',
  path: '/api/v1/clusters/{namespace}/{cluster}/sessions/{session}/failures',
  auth: 'query',
  tags: ['query'],
  summary:
    'Why the session failed: failed jobs with messages, failed task attempts grouped by error, dead actors with causes, dead nodes with reasons, each with the route to its log lines',
  params: SessionParams,
  query: ClusterIdQuery,
  responses: { 200: { description: 'the failures', schema: FailuresResponseSchema } },
  errors: [400, 404, 429, 502, 503],
});

/** Every dashboard path. */
export const RAY_ROUTES = [
  jobsRoute,
  jobRoute,
  tasksRoute,
  taskSummaryRoute,
  timelineRoute,
  actorsRoute,
  actorRoute,
  nodesRoute,
  nodeRoute,
  logsRoute,
  logFileRoute,
  eventTableRoute,
  clusterStatusRoute,
  clusterMetadataRoute,
  timezoneRoute,
  grafanaHealthRoute,
  prometheusHealthRoute,
  serveApplicationsRoute,
  placementGroupsRoute,
];

/**
 * Requests and answers of the dashboard's log and cluster routes (`api/v0/logs`, `api/v0/logs/file`,
 * `events`, `api/cluster_status`, `api/v0/cluster_metadata`, `timezone`) and of the session search
 * (docs/dashboard.md). Query parameters keep Ray's snake_case names; every bad value is
 * `400 invalid_parameter` naming it (parse with `parseOr400`). The core re-checks what it is given.
 */
import { checkDownloadFilename, DEFAULT_LOG_LINES, MAX_LOG_LINES } from '../core/logs/readLog.js';
import { parseGlob } from '../core/logs/glob.js';
import { LOG_CATEGORIES } from '../core/logs/categories.js';
import { MAX_EVENT_PAGE } from '../core/logs/eventTable.js';
import { MAX_LOG_LISTING } from '../core/logs/listLogs.js';
import { compileMatcher, MAX_QUERY_LENGTH } from '../core/search/matcher.js';
import { DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT } from '../core/search/search.js';
import { fileName } from '../core/names.js';
import { ClusterIdQuery, FIELD, flagQuery, intQuery, Node, validated } from './common.js';
import { z } from './zod.js';

const HEX_ID = (what: string) =>
  z
    .string()
    .regex(/^[0-9a-fA-F]{1,128}$/, `${FIELD} must be a ${what} in hex`)
    .transform((v) => v.toLowerCase())
    .openapi({ description: `${what} (hex)` });

/** A glob relative to the node's log directory (`*`, `**`, `?`, `[..]`, `{a,b}`); no `..`, no leading `/`. */
export const Glob = validated((v, f) => parseGlob(v, f)).openapi({
  description:
    'glob relative to the node\'s log directory: * ? [..] {a,b} within a segment, ** across; default "*"',
  example: 'events/*',
});

const NodeIp = z
  .string()
  .regex(/^[0-9A-Fa-f.:]{2,45}$/, `${FIELD} must be an IPv4 or IPv6 address`)
  .openapi({ description: "the node's IP address (resolved to a node from the dashboard state)" });

const NodeId = Node.openapi({
  description: "Ray's node id (hex) or the node's directory name in storage (the collector's node name)",
});

const Cursor = z.string().optional().openapi({ description: 'nextCursor of the previous page (opaque)' });

/** `GET api/v0/logs?node_id=|node_ip=&glob=&limit=&cursor=`. */
export const NodeLogsQuery = ClusterIdQuery.extend({
  node_id: NodeId.optional(),
  node_ip: NodeIp.optional(),
  glob: Glob.optional(),
  limit: intQuery(1, MAX_LOG_LISTING, 'most entries in one answer').default(MAX_LOG_LISTING),
  cursor: Cursor,
}).refine((q) => q.node_id !== undefined || q.node_ip !== undefined, {
  message: `${FIELD} or node_ip is required`,
  path: ['node_id'],
});

/** `GET api/v0/logs/file?…`: Ray's selectors and output options. */
export const LogFileQuery = ClusterIdQuery.extend({
  node_id: NodeId.optional(),
  node_ip: NodeIp.optional(),
  filename: validated((v, f) => fileName(v, f))
    .optional()
    .openapi({ description: "path below the node's log directory (no traversal)" }),
  task_id: HEX_ID('task id').optional(),
  attempt_number: intQuery(0, 1_000_000, "the task's attempt (default 0)").default(0),
  actor_id: HEX_ID('actor id').optional(),
  pid: intQuery(1, 2 ** 31 - 1, 'a worker process id on the node (needs node_id or node_ip)').optional(),
  suffix: z
    .enum(['out', 'err'], { message: `${FIELD} must be out or err` })
    .default('out')
    .openapi({ description: 'stdout (out) or stderr (err) of a task, actor or pid; default out' }),
  lines: intQuery(
    -1,
    MAX_LOG_LINES,
    `the last N lines; -1 = all; 0 or absent = ${DEFAULT_LOG_LINES}`,
  ).default(DEFAULT_LOG_LINES),
  filter_ansi_code: flagQuery('drop ANSI escape sequences (colours)').optional(),
  download_filename: validated((v) => checkDownloadFilename(v))
    .optional()
    .openapi({ description: 'the attachment name (default file.txt, as Ray)' }),
  format: z
    .enum(['text', 'leading_1'], { message: `${FIELD} must be text or leading_1` })
    .default('text')
    .openapi({
      description: "leading_1: '1' + the log, or 200 with '0' + the reason when not found (Ray's log viewer)",
    }),
})
  .refine(
    (q) =>
      q.filename !== undefined || q.task_id !== undefined || q.actor_id !== undefined || q.pid !== undefined,
    { message: `one of ${FIELD}, task_id, actor_id or pid is required`, path: ['filename'] },
  )
  .refine(
    (q) =>
      q.task_id !== undefined ||
      q.actor_id !== undefined ||
      q.node_id !== undefined ||
      q.node_ip !== undefined,
    { message: `${FIELD} or node_ip is required with filename or pid`, path: ['node_id'] },
  );

/** `GET events?job_id=&limit=&cursor=`: the session's event table. */
export const EventTableQuery = ClusterIdQuery.extend({
  job_id: z
    .string()
    .regex(/^([0-9a-f]{0,64}|global)$/, `${FIELD} must be a job id in lowercase hex, or global`)
    .optional()
    .openapi({ description: 'only this job\'s events (hex), or "global" for those without a job' }),
  limit: intQuery(1, MAX_EVENT_PAGE, 'most events in one answer').default(MAX_EVENT_PAGE),
  cursor: Cursor,
});

/** `GET api/cluster_status?format=1`. */
export const ClusterStatusQuery = ClusterIdQuery.extend({
  format: z
    .enum(['0', '1'], { message: `${FIELD} must be 0 or 1` })
    .optional()
    .openapi({ description: '1: the ray status text (the dashboard asks for this)' }),
});

/** `GET /api/v1/clusters/{ns}/{cluster}/sessions/{session}/search?…`. */
export const SearchQuery = ClusterIdQuery.extend({
  q: z
    .string()
    .min(1, `${FIELD} must not be empty`)
    .max(MAX_QUERY_LENGTH, `${FIELD} must be at most ${MAX_QUERY_LENGTH} characters`)
    .openapi({ description: 'the text (or, with regex=true, the RE2 pattern) to find in each line' }),
  regex: flagQuery('q is an RE2 regular expression (linear time)').optional(),
  ignoreCase: flagQuery('match letters of either case').optional(),
  node: Node.optional().openapi({
    description: "only this node's files: its Ray node id (hex) or its directory name in storage",
  }),
  glob: Glob.optional(),
  limit: intQuery(1, MAX_SEARCH_LIMIT, 'hits per page').default(DEFAULT_SEARCH_LIMIT),
  cursor: Cursor,
}).superRefine((v, ctx) => {
  // The pattern compiles here already, so a bad regex is a 400 before anything is read.
  try {
    compileMatcher({ q: v.q, regex: v.regex === true, ignoreCase: v.ignoreCase === true });
  } catch (err) {
    ctx.addIssue({ code: 'custom', path: ['q'], message: err instanceof Error ? err.message : String(err) });
  }
});

const envelope = <T extends z.ZodType>(data: T) => z.object({ result: z.boolean(), msg: z.string(), data });

export const NodeLogsReply = envelope(
  z.object({
    result: z.partialRecord(z.enum(LOG_CATEGORIES), z.array(z.string())).openapi({
      description: 'file paths by Ray category; directories end with "/"',
    }),
    nextCursor: z.string().optional(),
  }),
).openapi('NodeLogs');

const DashboardEvent = z.looseObject({ eventId: z.string() }).openapi('DashboardEvent', {
  description:
    'an event_*.log line, keys camelCased as Ray answers (sourceType, severity, message, timestamp, customFields, …)',
});

const Paging = { nextCursor: z.string().optional(), partial: z.literal(true).optional() };

export const JobEventsReply = envelope(
  z.object({ jobId: z.string(), events: z.array(DashboardEvent), ...Paging }),
).openapi('JobEvents');

export const AllEventsReply = envelope(
  z.object({ events: z.record(z.string(), z.array(DashboardEvent)), ...Paging }),
).openapi('AllEvents', { description: 'events by job id ("global": without one)' });

export const ClusterStatusReply = envelope(
  z.object({
    clusterStatus: z.string().openapi({ description: 'the ray status text' }),
    source: z.enum(['autoscaler_log', 'reconstructed']).openapi({
      description:
        "autoscaler_log: the autoscaler's own last status; reconstructed: rebuilt from stored data",
    }),
  }),
).openapi('ClusterStatus');

export const UnformattedClusterStatusReply = envelope(
  z.object({ autoscalingStatus: z.null(), autoscalingError: z.null(), clusterStatus: z.null() }),
).openapi('UnformattedClusterStatus');

export const ClusterMetadataReply = envelope(
  z.object({
    sessionName: z.string(),
    rayVersion: z.string().optional(),
    pythonVersion: z.string().optional(),
    sessionId: z.string().optional(),
    gitCommit: z.string().optional(),
    os: z.string().optional(),
    rayInitCluster: z.boolean().optional(),
  }),
).openapi('ClusterMetadata', { description: 'what metadata.json recorded; the rest is left out' });

export const TimezoneReply = z
  .object({ offset: z.string(), value: z.string() })
  .openapi('Timezone', { description: 'both empty when not recorded (as upstream)' });

export const SearchHit = z
  .object({
    node: z.string(),
    nodeId: z.string().optional().openapi({ description: "Ray's node id, when known" }),
    file: z.string().openapi({ description: "path below the node's log directory" }),
    line: z.number().int().openapi({ description: '1-based line number' }),
    offset: z.number().int().openapi({ description: "byte offset of the line's start" }),
    text: z.string().openapi({ description: 'the line (at most 2 KiB), without its line break' }),
    truncated: z.literal(true).optional(),
    read: z.string().openapi({ description: 'the file route from this line, relative to the session' }),
  })
  .openapi('SearchHit');

export const SearchReply = z
  .object({
    hits: z.array(SearchHit),
    nextCursor: z.string().optional().openapi({ description: 'absent when the search is complete' }),
    partial: z
      .literal(true)
      .optional()
      .openapi({ description: 'the deadline or byte budget ended this page' }),
    scannedBytes: z.number().int(),
  })
  .openapi('SearchPage');

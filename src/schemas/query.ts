/** Requests and answers of the query routes (docs/api.md "Query"). */
import { listingPrefix } from '../core/query/listFiles.js';
import {
  Cluster,
  ClusterIdQuery,
  FIELD,
  flagQuery,
  intQuery,
  Namespace,
  Node,
  FilePath,
  Rfc3339,
  SessionParams,
  validated,
} from './common.js';
import { z } from './zod.js';

const RFC3339_UTC = z.string().openapi({ format: 'date-time', description: 'RFC 3339 UTC' });

export const KubeRayCluster = z
  .object({
    name: z.string(),
    namespace: z.string(),
    sessionName: z.string(),
    createTime: z.string().openapi({ description: 'UTC, YYYY-MM-DDTHH:MM:SSZ' }),
    createTimeStamp: z.number().int().openapi({ description: 'Unix seconds' }),
    ownerKind: z.string().optional().openapi({ description: 'only when known' }),
    ownerName: z.string().optional().openapi({ description: 'only when known' }),
  })
  .openapi('KubeRayCluster', { description: "KubeRay's ClusterInfo: one (cluster, session)" });

export const ClusterSummary = z
  .object({
    namespace: z.string(),
    name: z.string(),
    clusterIds: z.array(z.string()),
    sessions: z.number().int().openapi({ description: 'number of sessions' }),
    latestSession: z.string().nullable().openapi({ description: 'the newest session by create time' }),
    lastActivity: RFC3339_UTC.nullable(),
  })
  .openapi('Cluster');

const NEXT_CURSOR = z.string().optional().openapi({ description: 'absent on the last page' });

/** `?limit=&cursor=` of the paged listings. */
export const PageQuery = z.object({
  limit: intQuery(1, 1000, 'entries per page').default(1000),
  cursor: z.string().optional().openapi({ description: 'nextCursor of the previous page (opaque)' }),
});

export const ClusterList = z
  .object({ clusters: z.array(ClusterSummary), nextCursor: NEXT_CURSOR })
  .openapi('ClusterList');

export const ClusterParams = z.object({ namespace: Namespace, cluster: Cluster });

export const SessionSummary = z
  .object({
    sessionName: z.string(),
    clusterId: z.string(),
    createTime: z.string(),
    createTimeStamp: z.number().int(),
    lastActivity: RFC3339_UTC.nullable(),
    nodes: z.array(z.string()).openapi({ description: 'names of nodes that sent logs or events' }),
    files: z.number().int(),
    bytes: z.number().int().openapi({ description: 'bytes of log files' }),
  })
  .openapi('Session');

export const SessionList = z
  .object({
    namespace: z.string(),
    name: z.string(),
    sessions: z.array(SessionSummary),
    nextCursor: NEXT_CURSOR,
  })
  .openapi('SessionList');

export const FilesQuery = ClusterIdQuery.extend({
  prefix: validated(listingPrefix)
    .optional()
    .openapi({ description: 'path prefix relative to the session, e.g. logs/head-1/' }),
  delimiter: z
    .literal('/', { message: `${FIELD} must be "/" (or absent)` })
    .optional()
    .openapi({ description: '"/" folds deeper paths into directory entries' }),
  ...PageQuery.shape,
});

export const FileEntry = z
  .union([
    z.object({
      path: z.string().openapi({ description: 'relative to the session' }),
      type: z.literal('file'),
      size: z.number().int(),
      lastModified: RFC3339_UTC,
      etag: z.string().openapi({ description: 'as a read of the file answers' }),
    }),
    z.object({ path: z.string().openapi({ description: 'ends with "/"' }), type: z.literal('dir') }),
  ])
  .openapi('FileEntry');

export const FileListing = z
  .object({
    entries: z.array(FileEntry),
    nextCursor: NEXT_CURSOR,
  })
  .openapi('FileListing');

export const LogFileParams = SessionParams.extend({
  node: Node,
  file: FilePath.openapi({ description: 'file path under the node; may contain "/"' }),
});

export const LogFileQuery = ClusterIdQuery.extend({
  tail: intQuery(0, 100_000, 'the last N lines').optional(),
  offset: intQuery(0, Number.MAX_SAFE_INTEGER, 'first byte (206)').optional(),
  length: intQuery(1, Number.MAX_SAFE_INTEGER, 'bytes from offset (206)').optional(),
  download: flagQuery('serve the file as an attachment').optional(),
});

export const LogFileHeaders = z.object({
  Range: z.string().optional().openapi({ description: 'bytes=a-b, bytes=a- or bytes=-n (one range)' }),
  'If-None-Match': z.string().optional().openapi({ description: 'an ETag: 304 when it still matches' }),
  'If-Range': z
    .string()
    .optional()
    .openapi({ description: 'serve the Range only if the ETag still matches' }),
});

const EVENT_TYPES = /^[A-Za-z0-9_]{1,128}(,[A-Za-z0-9_]{1,128}){0,63}$/;

export const EventsPageQuery = ClusterIdQuery.extend({
  node: Node.optional().openapi({ description: 'only events posted for this node' }),
  type: z
    .string()
    .regex(EVENT_TYPES, `${FIELD} must be event types like TASK_DEFINITION_EVENT, comma-separated`)
    .transform((v) => v.split(','))
    .optional()
    .openapi({ type: 'string', description: 'event types, comma-separated, e.g. TASK_DEFINITION_EVENT' }),
  jobId: z
    .string()
    .regex(/^[0-9a-f]{1,64}$/, `${FIELD} must be a job id in lowercase hex`)
    .optional()
    .openapi({ description: 'job id in lowercase hex, e.g. 02000000' }),
  since: Rfc3339.optional().openapi({ description: 'RFC 3339, inclusive (nanoseconds kept)' }),
  until: Rfc3339.optional().openapi({ description: 'RFC 3339, exclusive (nanoseconds kept)' }),
  limit: intQuery(1, 1000, 'events per page').default(1000),
  cursor: z.string().optional().openapi({ description: 'nextCursor of the previous page (opaque)' }),
}).refine((q) => q.since === undefined || q.until === undefined || q.until >= q.since, {
  message: `${FIELD} must not be before since`,
  path: ['until'],
});

export const EventsPage = z
  .object({
    events: z.array(z.looseObject({}).openapi({ description: 'a stored Ray event, as posted' })),
    nextCursor: z.string().optional().openapi({ description: 'absent on the last page' }),
  })
  .openapi('EventPage');

export const Metadata = z
  .looseObject({
    namespace: z.string(),
    cluster: z.string(),
    clusterId: z.string(),
    session: z.string(),
    createTime: z.string(),
    createTimeStamp: z.number().int(),
  })
  .openapi('Metadata', { description: "the session's metadata.json as stored (extra fields kept)" });

export const Health = z.object({ status: z.literal('ok') }).openapi('Health');

export const ReindexQuery = z.object({
  dryRun: z
    .enum(['true', 'false'], { message: `${FIELD} must be "true" or "false"` })
    .optional()
    .openapi({ description: 'true: only report what differs' }),
});

export const ReindexReport = z
  .looseObject({
    dryRun: z.boolean(),
    runId: z.string().openapi({ description: 'the reconcile run this report is of' }),
    done: z.boolean().openapi({ description: 'the run went through every phase' }),
    blobs: z.number().int().openapi({ description: 'blobs listed under log/ and metadir/' }),
    clusters: z.number().int(),
    sessions: z.number().int(),
    added: z.array(z.string()).openapi({ description: 'namespace/cluster/session; at most 1000 listed' }),
    removed: z.array(z.string()),
    changed: z.array(z.string()),
    skippedCount: z.number().int().openapi({ description: 'blobs whose names do not parse' }),
  })
  .openapi('ReindexReport');

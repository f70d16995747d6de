/**
 * Response bodies of the listing routes the history UI reads: clusters, a cluster's sessions and a
 * session's files. One copy: the UI imports the types (`import type`, so no zod reaches its bundle)
 * and tests validate real responses against the schemas.
 */
import { z } from './zod.js';

const rfc3339 = (what: string) => z.string().openapi({ description: `${what}, RFC 3339 UTC` });

/** One cluster of `GET /api/v1/clusters`. */
export const ClusterSchema = z
  .object({
    namespace: z.string(),
    name: z.string(),
    clusterIds: z.array(z.string()),
    sessions: z.number().int().nonnegative().openapi({ description: 'number of sessions' }),
    latestSession: z.string().nullable().openapi({ description: 'newest session id by create time' }),
    lastActivity: rfc3339('latest write to any of its sessions').nullable(),
  })
  .openapi('Cluster');

/** `GET /api/v1/clusters`. */
export const ClusterListSchema = z.object({ clusters: z.array(ClusterSchema) }).openapi('ClusterList');

/** One session of `GET /api/v1/clusters/{namespace}/{cluster}/sessions`. */
export const SessionSchema = z
  .object({
    sessionName: z.string(),
    clusterId: z.string(),
    createTime: rfc3339('parsed from the session id'),
    createTimeStamp: z.number().int().openapi({ description: 'Unix seconds' }),
    lastActivity: rfc3339('latest write').nullable(),
    nodes: z.array(z.string()).openapi({ description: 'nodes that sent logs or events' }),
    files: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative().openapi({ description: 'bytes of log files' }),
  })
  .openapi('Session');

/** `GET /api/v1/clusters/{namespace}/{cluster}/sessions`: newest first. */
export const SessionListSchema = z
  .object({ namespace: z.string(), name: z.string(), sessions: z.array(SessionSchema) })
  .openapi('SessionList');

/** One entry of a file listing: a file, or (with `delimiter=/`) a directory ending in `/`. */
export const FileEntrySchema = z
  .discriminatedUnion('type', [
    z.object({
      path: z.string(),
      type: z.literal('file'),
      size: z.number().int().nonnegative(),
      lastModified: rfc3339('last write'),
      etag: z.string(),
    }),
    z.object({ path: z.string(), type: z.literal('dir') }),
  ])
  .openapi('FileEntry');

/** `GET …/sessions/{session}/files`: one page; `nextCursor` is absent on the last. */
export const FileListingSchema = z
  .object({ entries: z.array(FileEntrySchema), nextCursor: z.string().optional() })
  .openapi('FileListing');

/** Every error answer: `{error, message, field?, …}`. */
export const ErrorBodySchema = z
  .looseObject({ error: z.string(), message: z.string(), field: z.string().optional() })
  .openapi('Error');

export type Cluster = z.infer<typeof ClusterSchema>;
export type ClusterList = z.infer<typeof ClusterListSchema>;
export type Session = z.infer<typeof SessionSchema>;
export type SessionList = z.infer<typeof SessionListSchema>;
export type FileEntry = z.infer<typeof FileEntrySchema>;
export type FileListing = z.infer<typeof FileListingSchema>;
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

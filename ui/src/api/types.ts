/**
 * The API's bodies, as the server's zod schemas declare them (src/schemas): types only, so nothing of
 * zod reaches the bundle. The dashboard routes' types join here.
 */
import type { ErrorBody as ErrorBodySchema } from '../../../src/schemas/common';
import type {
  ClusterList as ClusterListSchema,
  ClusterSummary,
  FileEntry as FileEntrySchema,
  FileListing as FileListingSchema,
  SessionList as SessionListSchema,
  SessionSummary,
} from '../../../src/schemas/query';
import type { z } from '../../../src/schemas/zod';

export type ErrorBody = z.infer<typeof ErrorBodySchema>;
export type Cluster = z.infer<typeof ClusterSummary>;
export type ClusterList = z.infer<typeof ClusterListSchema>;
export type Session = z.infer<typeof SessionSummary>;
export type SessionList = z.infer<typeof SessionListSchema>;
export type FileEntry = z.infer<typeof FileEntrySchema>;
export type FileListing = z.infer<typeof FileListingSchema>;

// The dashboard routes (src/api/ray.ts): Ray's own shapes, and ours (failures, search).
export type {
  Actor,
  ActorsResponse,
  FailuresResponse,
  Job,
  JobStatus,
  LogLocator,
  NodeSummary,
  NodesSummaryResponse,
  TaskFilter,
  TaskListResponse,
  TaskRow,
  TaskSummaryByFunc,
  TaskSummaryResponse,
  TraceEvent,
} from '../../../src/schemas/dashboard';
import type {
  AllEventsReply as AllEventsReplySchema,
  ClusterStatusReply as ClusterStatusReplySchema,
  SearchHit as SearchHitSchema,
  SearchReply as SearchReplySchema,
} from '../../../src/schemas/logs';
export type SearchHit = z.infer<typeof SearchHitSchema>;
export type SearchReply = z.infer<typeof SearchReplySchema>;
export type AllEventsReply = z.infer<typeof AllEventsReplySchema>;
export type ClusterStatusReply = z.infer<typeof ClusterStatusReplySchema>;
/** One line of Ray's event_*.log as the event table answers it (keys camelCased; Python or C++ form). */
export interface RayLogEvent {
  eventId: string;
  sourceType?: string;
  severity?: string;
  label?: string;
  message?: string;
  /** Python: seconds since the epoch, as a string. */
  timestamp?: string | number;
  /** C++: `YYYY-MM-DD HH:MM:SS.ffffff`. */
  timeStamp?: string;
  sourceHostname?: string;
  hostName?: string;
  customFields?: Record<string, unknown>;
}

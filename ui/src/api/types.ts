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

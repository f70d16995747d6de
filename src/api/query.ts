/** The query routes the history UI reads (QUERY_AUTH_LEVEL decides whether they need a key). */
import { defineRoute } from '../http/route.js';
import { ClusterIdQuery, SessionParams } from '../schemas/common.js';
import {
  ClusterList,
  ClusterParams,
  EventsPage,
  EventsPageQuery,
  FileListing,
  FilesQuery,
  KubeRayCluster,
  LogFileHeaders,
  LogFileParams,
  LogFileQuery,
  Metadata,
  PageQuery,
  SessionList,
} from '../schemas/query.js';
import { z } from '../schemas/zod.js';

const SESSION = '/api/v1/clusters/{namespace}/{cluster}/sessions/{session}';

export const listClustersRoute = defineRoute({
  name: 'listClusters',
  method: 'GET',
  path: '/api/clusters',
  auth: 'query',
  tags: ['query'],
  summary:
    'KubeRay-compatible cluster list: one entry per (cluster, session), newest first; the newest 10,000',
  responses: { 200: { description: 'clusters', schema: z.array(KubeRayCluster) } },
  errors: [429, 502, 503],
});

export const listClustersV1Route = defineRoute({
  name: 'listClustersV1',
  method: 'GET',
  path: '/api/v1/clusters',
  auth: 'query',
  tags: ['query'],
  summary: 'Clusters with their session counts, by namespace then name, a page at a time',
  query: PageQuery,
  responses: { 200: { description: 'clusters', schema: ClusterList } },
  errors: [400, 429, 502, 503],
});

export const listSessionsRoute = defineRoute({
  name: 'listSessions',
  method: 'GET',
  path: '/api/v1/clusters/{namespace}/{cluster}/sessions',
  auth: 'query',
  tags: ['query'],
  summary: 'Sessions of one cluster, newest first, a page at a time',
  params: ClusterParams,
  query: PageQuery,
  responses: { 200: { description: 'sessions', schema: SessionList } },
  errors: [400, 404, 429, 502, 503],
});

export const listFilesRoute = defineRoute({
  name: 'listFiles',
  method: 'GET',
  path: `${SESSION}/files`,
  auth: 'query',
  tags: ['query'],
  summary: "One page of the session's files",
  params: SessionParams,
  query: FilesQuery,
  responses: { 200: { description: 'a page of entries', schema: FileListing } },
  errors: [400, 404, 429, 502, 503],
});

const FILE_HEADERS = { ETag: "the file's ETag", 'Content-Range': 'bytes a-b/size (206)' };

export const readLogFileRoute = defineRoute({
  name: 'readLogFile',
  method: 'GET',
  path: `${SESSION}/logs/{node}/{*file}`,
  auth: 'query',
  tags: ['query'],
  summary: 'A log file, streamed: whole, a byte range, or its last N lines',
  params: LogFileParams,
  query: LogFileQuery,
  headers: LogFileHeaders,
  responses: {
    200: { description: 'the file (or its last N lines)', contentType: 'text/plain', headers: FILE_HEADERS },
    206: { description: 'the requested byte range', contentType: 'text/plain', headers: FILE_HEADERS },
    304: { description: 'not modified (If-None-Match matched)' },
  },
  errors: [400, 404, 416, 429, 502, 503],
});

export const getEventsRoute = defineRoute({
  name: 'getEvents',
  method: 'GET',
  path: `${SESSION}/events`,
  auth: 'query',
  tags: ['query'],
  summary: "The session's Ray events in timestamp order, deduplicated, paged",
  params: SessionParams,
  query: EventsPageQuery,
  responses: { 200: { description: 'a page of events', schema: EventsPage } },
  errors: [400, 404, 429, 502, 503],
});

export const getMetadataRoute = defineRoute({
  name: 'getMetadata',
  method: 'GET',
  path: `${SESSION}/metadata`,
  auth: 'query',
  tags: ['query'],
  summary: "The session's metadata.json",
  params: SessionParams,
  query: ClusterIdQuery,
  responses: {
    200: { description: 'metadata.json as stored', schema: Metadata, headers: { ETag: 'its ETag' } },
    304: { description: 'not modified (If-None-Match matched)' },
  },
  errors: [400, 404, 429, 502, 503],
});

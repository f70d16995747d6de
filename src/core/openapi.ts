/**
 * The OpenAPI 3 description of every HTTP route of the app, served at `GET /api/v1/openapi.json`.
 * A test loads the app the way the host does and checks that every registered route and method is
 * described here, and nothing else is.
 */
import { components, errors, int, jsonBody, ref, str, type Obj } from './openapiSchemas.js';

const path = (name: string, description: string): Obj => ({
  name,
  in: 'path',
  required: true,
  schema: str(description),
});
const query = (name: string, schema: Obj, required = false): Obj => ({ name, in: 'query', required, schema });
const header = (name: string, description: string): Obj => ({
  name,
  in: 'header',
  required: false,
  schema: str(description),
});

const SESSION_PARAMS = [
  path('namespace', 'Kubernetes namespace (DNS-1123 label)'),
  path('cluster', 'RayCluster name (DNS-1123 subdomain)'),
  path('session', 'Ray session id, session_YYYY-MM-DD_HH-MM-SS_ffffff[_N]'),
  query('clusterId', str('clusterId; default: the one in metadata.json, else the namespace')),
];

const SESSION = '/api/v1/clusters/{namespace}/{cluster}/sessions/{session}';

const PAGE_PARAMS = [
  query('limit', int('entries per page', { minimum: 1, maximum: 1000, default: 1000 })),
  query('cursor', str('nextCursor of the previous page (opaque)')),
];

function get(summary: string, parameters: Obj[], ok: Obj, codes: number[], extra: Obj = {}): Obj {
  return { get: { summary, parameters, responses: { '200': ok, ...errors(...codes) }, ...extra } };
}

function queryPaths(): Obj {
  return {
    '/api/clusters': get(
      'KubeRay-compatible cluster list: one entry per (cluster, session), newest first; the newest 10,000',
      [],
      jsonBody('clusters', { type: 'array', items: ref('KubeRayCluster') }),
      [503],
    ),
    '/api/v1/clusters': get(
      'Clusters with their session counts, by namespace then name, a page at a time',
      PAGE_PARAMS,
      jsonBody('clusters', {
        type: 'object',
        properties: {
          clusters: { type: 'array', items: ref('Cluster') },
          nextCursor: str('absent on the last page'),
        },
      }),
      [400, 503],
    ),
    '/api/v1/clusters/{namespace}/{cluster}/sessions': get(
      'Sessions of one cluster, newest first, a page at a time',
      [...SESSION_PARAMS.slice(0, 2), ...PAGE_PARAMS],
      jsonBody('sessions', ref('SessionList')),
      [400, 404, 503],
    ),
    [`${SESSION}/files`]: get(
      "One page of the session's files",
      [
        ...SESSION_PARAMS,
        query('prefix', str('path prefix relative to the session, e.g. logs/head-1/')),
        query('delimiter', str('"/" folds deeper paths into directory entries', { enum: ['/'] })),
        query('limit', int('entries per page', { minimum: 1, maximum: 1000, default: 1000 })),
        query('cursor', str('nextCursor of the previous page (opaque)')),
      ],
      jsonBody('a page of entries', ref('FileListing')),
      [400, 404, 429, 503],
    ),
    [`${SESSION}/logs/{node}/{file}`]: get(
      'A log file, streamed: whole, a byte range, or its last N lines',
      [
        ...SESSION_PARAMS,
        path('node', 'node name'),
        path('file', 'file path under the node; may contain "/"'),
        query('tail', int('the last N lines', { minimum: 0, maximum: 100000 })),
        query('offset', int('first byte (206)', { minimum: 0 })),
        query('length', int('bytes from offset (206)', { minimum: 1 })),
        query('download', str('1 serves the file as an attachment', { enum: ['1', 'true', '0', 'false'] })),
        header('Range', 'bytes=a-b, bytes=a- or bytes=-n (one range)'),
        header('If-None-Match', 'an ETag: 304 when it still matches'),
        header('If-Range', 'serve the Range only if the ETag still matches'),
      ],
      FILE_BODY('the file (or its last N lines)'),
      [400, 404, 416, 429, 503],
      {
        responses: {
          '200': FILE_BODY('the file (or its last N lines)'),
          '206': FILE_BODY('the requested byte range, with Content-Range'),
          '304': { description: 'not modified' },
          ...errors(400, 404, 416, 429, 503),
        },
      },
    ),
    [`${SESSION}/events`]: get(
      "The session's Ray events in timestamp order",
      [
        ...SESSION_PARAMS,
        query('node', str('only events from this node')),
        query('type', str('event types, comma-separated, e.g. TASK_DEFINITION_EVENT')),
        query('jobId', str('job id in lowercase hex, e.g. 02000000')),
        query('since', str('RFC 3339, inclusive (nanoseconds kept)', { format: 'date-time' })),
        query('until', str('RFC 3339, exclusive (nanoseconds kept)', { format: 'date-time' })),
        query('limit', int('events per page', { minimum: 1, maximum: 1000, default: 1000 })),
        query('cursor', str('nextCursor of the previous page (opaque)')),
      ],
      jsonBody('a page of events', ref('EventPage')),
      [400, 404, 429, 503],
    ),
    [`${SESSION}/metadata`]: get(
      "The session's metadata.json",
      SESSION_PARAMS,
      jsonBody('metadata.json as stored', ref('Metadata')),
      [400, 404, 429, 503],
    ),
  };
}

const FILE_BODY = (description: string): Obj => ({
  description,
  headers: { ETag: { schema: { type: 'string' } }, 'Content-Range': { schema: { type: 'string' } } },
  content: {
    'text/plain': { schema: { type: 'string', format: 'binary' } },
    'application/json': { schema: { type: 'string', format: 'binary' } },
  },
});

function ingestPaths(): Obj {
  const key = [{ functionKey: [] }, { functionKeyQuery: [] }];
  return {
    '/api/v1/logs/{namespace}/{cluster}/{session}/{node}/{file}': {
      put: {
        summary: 'Append a chunk of a log file at a byte offset, exactly once',
        security: key,
        parameters: [
          path('namespace', 'Kubernetes namespace'),
          path('cluster', 'RayCluster name'),
          path('session', 'Ray session id'),
          path('node', 'node name'),
          path('file', 'file path under the node; may contain "/"'),
          query('offset', int('byte offset of the body in the file', { minimum: 0 }), true),
          query('clusterId', str('clusterId; default: the namespace')),
        ],
        requestBody: { required: false, content: { 'application/octet-stream': {}, 'text/plain': {} } },
        responses: {
          '200': jsonBody('appended or duplicate', ref('AppendResult')),
          ...errors(400, 401, 409, 413, 415, 429, 503),
        },
      },
    },
    '/api/v1/events': {
      post: {
        summary: "Post Ray events as Ray's aggregator sends them",
        security: key,
        parameters: [
          query('namespace', str('Kubernetes namespace'), true),
          query('cluster', str('RayCluster name'), true),
          query('clusterId', str('clusterId; default: the namespace')),
          query('node', str('node name'), true),
        ],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'array', items: ref('RayEvent') } } },
        },
        responses: {
          '200': jsonBody('per-event outcome', ref('EventsResult')),
          ...errors(400, 401, 413, 415, 429, 503),
        },
      },
    },
    '/api/v1/batch': {
      post: {
        summary: 'Many log chunks, events and metadata of one session and node in one request',
        security: key,
        requestBody: { required: true, content: { 'application/json': { schema: ref('Batch') } } },
        responses: {
          '200': jsonBody('per-item outcome', { type: 'object' }),
          ...errors(400, 401, 413, 415, 429, 503),
        },
      },
    },
  };
}

function otherPaths(): Obj {
  return {
    '/api/v1/health': {
      get: {
        summary: 'Whether storage answers',
        security: [],
        responses: {
          '200': jsonBody('ok', { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } }),
          ...errors(503),
        },
      },
    },
    '/api/v1/admin/reindex': {
      post: {
        summary: 'Rebuild the session index from a full listing (admin key)',
        security: [{ functionKey: [] }],
        parameters: [query('dryRun', str('true: only report what differs', { enum: ['true', 'false'] }))],
        responses: { '200': jsonBody('what differed', { type: 'object' }), ...errors(400, 401, 503) },
      },
    },
    '/api/v1/openapi.json': {
      get: {
        summary: 'This document',
        security: [],
        responses: { '200': jsonBody('OpenAPI 3 document', { type: 'object' }) },
      },
    },
  };
}

/** The document. `queryAuth` is QUERY_AUTH_LEVEL: with `function`, query routes need a key too. */
export function openApiDocument(queryAuth: 'anonymous' | 'function'): Obj {
  const querySecurity = queryAuth === 'anonymous' ? [] : [{ functionKey: [] }, { functionKeyQuery: [] }];
  const queried = Object.fromEntries(
    Object.entries(queryPaths()).map(([p, ops]) => [
      p,
      Object.fromEntries(
        Object.entries(ops as Obj).map(([m, op]) => [m, { ...(op as Obj), security: querySecurity }]),
      ),
    ]),
  );
  return {
    openapi: '3.0.3',
    info: {
      title: 'Ray history on Azure Functions',
      version: '1',
      description: 'Ingest, index and query Ray logs and events kept in Azure Blob Storage (see API.md).',
    },
    servers: [{ url: '/' }],
    paths: { ...otherPaths(), ...ingestPaths(), ...queried },
    components: components(),
  };
}

/** The ingest routes: collectors and Ray's event exporter write through them (function key). */
import { EVENTS_MAX_BODY_BYTES } from '../core/ingest/events.js';
import { defineRoute } from '../http/route.js';
import {
  AppendParams,
  AppendQuery,
  AppendResult,
  BatchEnvelope,
  BatchRequest,
  BatchResult,
  EventsQuery,
  EventsResult,
  RayEventIn,
} from '../schemas/ingest.js';
import { z } from '../schemas/zod.js';

const NEXT_OFFSET = { 'Next-Offset': "the file's stored length after the request" };

export const appendLogRoute = defineRoute({
  name: 'appendLog',
  method: 'PUT',
  path: '/api/v1/logs/{namespace}/{cluster}/{session}/{node}/{*file}',
  auth: 'function',
  tags: ['ingest'],
  summary: 'Append a chunk of a log file at a byte offset, exactly once',
  description:
    'offset == stored: appended; bytes already stored and equal: duplicate (nothing written); an overlap ' +
    'that is equal: the missing suffix is appended; offset > stored: 409 offset_gap; differing overlap: 409 ' +
    'offset_conflict. Every 200 and 409 carries Next-Offset. gzip bodies are accepted.',
  params: AppendParams,
  query: AppendQuery,
  body: {
    kind: 'raw',
    contentTypes: ['application/octet-stream', 'text/plain'],
    description: "the file's bytes starting at byte `offset` (Content-Encoding: gzip accepted)",
  },
  responses: { 200: { description: 'appended or duplicate', schema: AppendResult, headers: NEXT_OFFSET } },
  errors: [400, 401, 409, 413, 415, 429, 502, 503],
});

export const postEventsRoute = defineRoute({
  name: 'postEvents',
  method: 'POST',
  path: '/api/v1/events',
  auth: 'function',
  tags: ['ingest'],
  summary: "Post Ray events as Ray's event exporter sends them",
  description:
    'Events are stored by session and job, deduplicated by eventId within the session. A malformed event ' +
    'is rejected alone (listed in errors); only a body that is not a JSON array gets 400.',
  query: EventsQuery,
  body: {
    kind: 'json',
    // Items are checked one by one (RayEventIn), so one bad event never fails the batch.
    schema: z.array(z.unknown()),
    documentedAs: z.array(RayEventIn),
    description: 'a JSON array of Ray events',
    maxBytes: EVENTS_MAX_BODY_BYTES,
  },
  responses: { 200: { description: 'per-event outcome', schema: EventsResult } },
  errors: [400, 401, 413, 415, 429, 502, 503],
});

export const postBatchRoute = defineRoute({
  name: 'postBatch',
  method: 'POST',
  path: '/api/v1/batch',
  auth: 'function',
  tags: ['ingest'],
  summary: 'Many log chunks, events and metadata of one session and node in one request',
  description:
    'Only an invalid envelope gets 400; each chunk gets its own result (appended, duplicate or an item ' +
    'error), in request order, and events are answered as by POST /api/v1/events.',
  body: {
    kind: 'json',
    schema: BatchEnvelope,
    documentedAs: BatchRequest,
    description: 'the batch (gzip accepted)',
  },
  responses: { 200: { description: 'per-item outcome', schema: BatchResult } },
  errors: [400, 401, 413, 415, 429, 502, 503],
});

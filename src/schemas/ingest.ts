/** Requests and answers of the ingest routes (docs/api.md "Ingest"). */
import { parseRfc3339, type Rfc3339Time } from '../core/query/timestamp.js';
import { tryParseSession } from '../core/session.js';
import { Cluster, ClusterId, FIELD, FilePath, intQuery, Namespace, Node, Session } from './common.js';
import { z } from './zod.js';

export const AppendParams = z.object({
  namespace: Namespace,
  cluster: Cluster,
  session: Session,
  node: Node,
  file: FilePath.openapi({ description: 'file path under the node; may contain "/"' }),
});

export const AppendQuery = z.object({
  offset: intQuery(0, Number.MAX_SAFE_INTEGER, 'byte offset of the body in the file'),
  clusterId: ClusterId.optional(),
});

export const AppendResult = z
  .object({
    status: z.enum(['appended', 'duplicate']),
    offset: z.number().int().openapi({ description: 'the request offset, echoed' }),
    nextOffset: z.number().int().openapi({ description: "the file's length after the request" }),
  })
  .openapi('AppendResult');
export type AppendResult = z.infer<typeof AppendResult>;

export const EventsQuery = z.object({
  namespace: Namespace,
  cluster: Cluster,
  clusterId: ClusterId.optional(),
  node: Node,
});

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;
/** Longest eventId accepted (Ray's are 24–28 base64 characters). */
export const MAX_EVENT_ID = 256;

/** True for base64 or base64url text. */
export function isBase64(value: string): boolean {
  return BASE64.test(value) || BASE64URL.test(value);
}

/**
 * One Ray event as Ray's exporter posts it (protobuf JSON mapping); only the fields ingest needs are
 * checked, the rest is kept as sent. A malformed event is rejected alone (a per-event error), never the batch.
 */
export const RayEventIn = z
  .looseObject({
    eventId: z
      .string()
      .min(1, `${FIELD} must not be empty`)
      .refine((v) => v.length <= MAX_EVENT_ID && isBase64(v), {
        message: `${FIELD} is not base64 of at most ${MAX_EVENT_ID} characters`,
      })
      .openapi({
        description: 'unique id (bytes, base64): the deduplication key',
        example: 'AAECAwQFBgcICQoLDA0ODxAREhMU',
      }),
    eventType: z
      .string()
      .min(1, `${FIELD} must not be empty`)
      .openapi({ description: 'e.g. TASK_DEFINITION_EVENT', example: 'DRIVER_JOB_DEFINITION_EVENT' }),
    timestamp: z
      .string()
      .refine((v) => parseRfc3339(v) !== null, { message: `${FIELD} is not an RFC 3339 time` })
      .openapi({ format: 'date-time', example: '2026-01-27T10:53:00.123456789Z' }),
    sessionName: Session,
  })
  .openapi('RayEvent', {
    description: 'A Ray event; job-scoped payloads carry a base64 `jobId` (stored under its hex form)',
  });

/**
 * The event's time when `raw` passes RayEventIn, else null; decided without zod building its output
 * (a copy of every event): the events route's hot path, where zod's copy was half of checking a batch
 * in profiles (docs/benchmarks.md, Profiles). The same checks as the schema above; an event that fails
 * here is checked by the schema, for its message. test/unit… property test: both always agree.
 */
export function rayEventInTime(raw: Record<string, unknown>): Rfc3339Time | null {
  const { eventId, eventType, timestamp, sessionName } = raw;
  if (
    typeof eventId !== 'string' ||
    eventId.length < 1 ||
    eventId.length > MAX_EVENT_ID ||
    !isBase64(eventId) ||
    typeof eventType !== 'string' ||
    eventType.length < 1 ||
    typeof timestamp !== 'string' ||
    typeof sessionName !== 'string' ||
    tryParseSession(sessionName) === null
  )
    return null;
  return parseRfc3339(timestamp);
}

export const EventError = z
  .object({
    index: z.number().int().openapi({ description: 'position in the posted array' }),
    eventId: z.string().optional(),
    error: z.string().openapi({ example: 'invalid_event' }),
    message: z.string(),
  })
  .openapi('EventError');
export type EventError = z.infer<typeof EventError>;

export const EventsResult = z
  .object({
    accepted: z.number().int().openapi({ description: 'events stored' }),
    duplicates: z
      .number()
      .int()
      .openapi({ description: 'events already stored (same eventId in the session)' }),
    rejected: z.number().int().openapi({ description: 'malformed events' }),
    errors: z
      .array(EventError)
      .openapi({ description: 'the first 100 rejected events, by index (rejected counts them all)' }),
    errorsOmitted: z
      .number()
      .int()
      .optional()
      .openapi({ description: 'rejected events not listed in errors (absent when all are)' }),
  })
  .openapi('EventsResult');

/** One chunk of a batch. Each is checked on its own: a bad one gets an item error, never a 400. */
export const BatchChunk = z
  .object({
    file: FilePath,
    offset: z.number().int().min(0, `${FIELD} must be an integer ≥ 0`).max(Number.MAX_SAFE_INTEGER).openapi({
      description: 'byte offset of data in the file',
    }),
    data: z.string().openapi({ description: 'the bytes: text, or base64 with encoding "base64"' }),
    encoding: z
      .enum(['utf8', 'base64'], { message: `${FIELD} must be "utf8" or "base64"` })
      .optional()
      .openapi({ description: 'default utf8' }),
  })
  .openapi('BatchChunk');
export type BatchChunk = z.infer<typeof BatchChunk>;

export const BatchRequest = z
  .object({
    namespace: Namespace,
    cluster: Cluster,
    clusterId: ClusterId.optional(),
    session: Session,
    node: Node,
    chunks: z.array(BatchChunk).optional(),
    events: z.array(RayEventIn).optional(),
    metadata: z.record(z.string(), z.unknown()).optional().openapi({
      description: 'extra fields merged into the session metadata.json (the first value of a key stays)',
    }),
  })
  .openapi('BatchRequest');

/**
 * The part of a batch that fails the whole request when wrong: the envelope. Items are validated one
 * by one (BatchChunk, RayEventIn) and answered per item.
 */
export const BatchEnvelope = BatchRequest.extend({
  chunks: z.array(z.unknown()).optional(),
  events: z.array(z.unknown()).optional(),
});
export type BatchEnvelope = z.infer<typeof BatchEnvelope>;

export const ChunkResult = z
  .union([
    AppendResult.extend({ file: z.string() }),
    z.object({
      file: z.unknown().openapi({ description: 'the file as sent' }),
      error: z.string(),
      message: z.string(),
      field: z.string().optional(),
      expectedOffset: z.number().int().optional(),
    }),
  ])
  .openapi('ChunkResult');

export const BatchResult = z
  .object({
    chunks: z.array(ChunkResult).openapi({ description: 'one result per chunk, in request order' }),
    events: EventsResult,
    metadata: z.enum(['written', 'merged', 'unchanged']),
  })
  .openapi('BatchResult');

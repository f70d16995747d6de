/**
 * `POST /api/v1/batch`: many chunks and events of one session in one JSON body. The envelope was
 * validated by the route's schema; every chunk is checked on its own (BatchChunk) and gets its own
 * result, in request order.
 */
import { HttpError } from '../errors.js';
import { toInvalid } from '../../schemas/parse.js';
import { BatchChunk } from '../../schemas/ingest.js';
import type { BlobStore } from '../../storage/blobStore.js';
import type { AppendResult } from './append.js';
import { storeEvents, type EventsResult } from './events.js';
import { jsonDepthWithin, MAX_JSON_DEPTH } from './jsonDepth.js';
import { appendLog, type LogTarget } from './logs.js';
import { ensureMetadata, type MetadataOutcome, type SessionTarget } from './metadata.js';

export interface Batch extends SessionTarget {
  node: string;
  chunks: unknown[];
  events: unknown[];
  metadata: Record<string, unknown>;
}

export type ChunkResult =
  | ({ file: string } & AppendResult)
  | { file: unknown; error: string; message: string; field?: string; expectedOffset?: number };

export interface BatchResult {
  chunks: ChunkResult[];
  events: EventsResult;
  metadata: MetadataOutcome;
}

/** A chunk's bytes, or a 400 naming the chunk's field. */
function chunkBytes(chunk: BatchChunk, at: string): Buffer {
  if (
    chunk.encoding === 'base64' &&
    !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(chunk.data)
  ) {
    throw new HttpError(400, 'invalid_parameter', `${at}.data is not valid base64`, { field: `${at}.data` });
  }
  return Buffer.from(chunk.data, chunk.encoding ?? 'utf8');
}

/** The `file` of a chunk as it was sent, for its result (JSON-escaped on the way out, so safe to echo). */
function sentFile(raw: unknown): unknown {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw)
    ? ((raw as { file?: unknown }).file ?? null)
    : null;
}

async function storeChunk(store: BlobStore, b: Batch, raw: unknown, i: number, maxBlocks: number) {
  const at = `chunks[${i}]`;
  try {
    const parsed = BatchChunk.safeParse(raw);
    if (!parsed.success) throw toInvalid(parsed.error, [at]);
    const chunk = parsed.data;
    const target: LogTarget = { ...b, file: chunk.file };
    const result = await appendLog(store, target, chunk.offset, [chunkBytes(chunk, at)], maxBlocks);
    return { file: chunk.file, ...result };
  } catch (err) {
    if (!(err instanceof HttpError) || err.status >= 500) throw err;
    return { file: sentFile(raw), error: err.code, message: err.message, ...err.extra } as ChunkResult;
  }
}

/** Stores a batch: the session's metadata (even if every item fails), chunks in order, events. */
export async function storeBatch(
  store: BlobStore,
  b: Batch,
  maxBlocks: number,
  clock: () => Date = () => new Date(),
): Promise<BatchResult> {
  // Until the envelope's schema checks it (jsonDepthWithin): metadata is written back with
  // JSON.stringify, which overflows the stack on deep nesting; nothing is written for such a batch.
  if (!jsonDepthWithin(b.metadata, MAX_JSON_DEPTH))
    throw new HttpError(400, 'invalid_parameter', `metadata is nested deeper than ${MAX_JSON_DEPTH} levels`, {
      field: 'metadata',
    });
  const metadata = await ensureMetadata(store, b, b.metadata);
  const chunks: ChunkResult[] = [];
  for (const [i, raw] of b.chunks.entries()) chunks.push(await storeChunk(store, b, raw, i, maxBlocks));
  const events = await storeEvents(store, b, b.events, maxBlocks, clock);
  return { chunks, events, metadata };
}

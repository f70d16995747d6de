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

/**
 * Chunks one batch may hold (413 `too_many_chunks` beyond): each may be a file of its own, and a batch
 * must be done well within a request's time (Azure's front end gives up after 230 s). The collector
 * sends at most 100.
 */
export const MAX_BATCH_CHUNKS = 10_000;

/** Files of one batch stored at the same time (chunks of one file always one after another). */
const FILES_AT_ONCE = 8;

interface Chunk {
  index: number;
  file: string;
  offset: number;
  bytes: Buffer;
}

type ChunkError = Extract<ChunkResult, { error: string }>;

function itemError(file: unknown, err: unknown): ChunkError {
  if (!(err instanceof HttpError) || err.status >= 500) throw err;
  return { file, error: err.code, message: err.message, ...err.extra };
}

/** A chunk's file, offset and bytes, or its item error (400 naming the field). */
function parseChunk(raw: unknown, i: number): Chunk | ChunkError {
  const at = `chunks[${i}]`;
  try {
    const parsed = BatchChunk.safeParse(raw);
    if (!parsed.success) throw toInvalid(parsed.error, [at]);
    const chunk = parsed.data;
    return { index: i, file: chunk.file, offset: chunk.offset, bytes: chunkBytes(chunk, at) };
  } catch (err) {
    return itemError(sentFile(raw), err);
  }
}

/** Consecutive chunks of one file that continue each other (an empty chunk stands alone). */
function runs(chunks: Chunk[]): Chunk[][] {
  const out: Chunk[][] = [];
  for (const c of chunks) {
    const run = out.at(-1);
    const last = run?.at(-1);
    const continues =
      last !== undefined &&
      c.bytes.length > 0 &&
      last.bytes.length > 0 &&
      c.offset === last.offset + last.bytes.length;
    if (run !== undefined && continues) run.push(c);
    else out.push([c]);
  }
  return out;
}

async function storeOne(store: BlobStore, b: Batch, c: Chunk, maxBlocks: number): Promise<ChunkResult> {
  try {
    return {
      file: c.file,
      ...(await appendLog(store, { ...b, file: c.file }, c.offset, [c.bytes], maxBlocks)),
    };
  } catch (err) {
    return itemError(c.file, err);
  }
}

/**
 * Stores a run of chunks as one append (one storage request per 4 MiB instead of one per chunk) and
 * answers each chunk as storing it alone would: `appended` when this request stored some of its
 * bytes, else `duplicate`. A gap or conflict inside the run is answered by storing its chunks one by
 * one, which gives each its own 409 (what the run stored already counts as duplicate then).
 */
async function storeRun(store: BlobStore, b: Batch, run: Chunk[], maxBlocks: number, out: ChunkResult[]) {
  const first = run[0];
  if (first === undefined) return;
  if (run.length > 1) {
    const writes: [number, number][] = [];
    const target: LogTarget = { ...b, file: first.file };
    try {
      const r = await appendLog(
        store,
        target,
        first.offset,
        run.map((c) => c.bytes),
        maxBlocks,
        (at, n) => writes.push([at, at + n]),
      );
      const firstWrite = writes[0]?.[0];
      for (const [k, c] of run.entries()) {
        const end = c.offset + c.bytes.length;
        const stored = writes.some(([from, to]) => from < end && to > c.offset);
        const nextOffset =
          k === run.length - 1 ? r.nextOffset : stored ? end : Math.max(end, firstWrite ?? r.nextOffset);
        out[c.index] = {
          file: c.file,
          status: stored ? 'appended' : 'duplicate',
          offset: c.offset,
          nextOffset,
        };
      }
      return;
    } catch (err) {
      itemError(first.file, err); // rethrows storage failures
    }
  }
  for (const c of run) out[c.index] = await storeOne(store, b, c, maxBlocks);
}

/** Runs `work` on every item, at most `limit` at once; waits for all, then throws the first failure. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}

/**
 * Stores a parsed batch: the session's metadata (even if every item fails), then its chunks (the
 * chunks of one file in request order, files side by side), then its events. One result per chunk,
 * in request order. A storage failure fails the whole request (every item is idempotent).
 */
export async function storeBatch(
  store: BlobStore,
  b: Batch,
  maxBlocks: number,
  clock: () => Date = () => new Date(),
): Promise<BatchResult> {
  if (b.chunks.length > MAX_BATCH_CHUNKS) {
    throw new HttpError(
      413,
      'too_many_chunks',
      `a batch holds at most ${MAX_BATCH_CHUNKS} chunks (this one has ${b.chunks.length}): send the rest in another`,
      { field: 'chunks', limit: MAX_BATCH_CHUNKS },
    );
  }
  // Until the envelope's schema checks it (jsonDepthWithin): metadata is written back with
  // JSON.stringify, which overflows the stack on deep nesting; nothing is written for such a batch.
  if (!jsonDepthWithin(b.metadata, MAX_JSON_DEPTH))
    throw new HttpError(400, 'invalid_parameter', `metadata is nested deeper than ${MAX_JSON_DEPTH} levels`, {
      field: 'metadata',
    });
  const metadata = await ensureMetadata(store, b, b.metadata);
  const results: ChunkResult[] = new Array<ChunkResult>(b.chunks.length);
  const byFile = new Map<string, Chunk[]>();
  for (const [i, raw] of b.chunks.entries()) {
    const c = parseChunk(raw, i);
    if ('error' in c) results[i] = c;
    else if (byFile.has(c.file)) byFile.get(c.file)?.push(c);
    else byFile.set(c.file, [c]);
  }
  await eachLimited([...byFile.values()], FILES_AT_ONCE, async (chunks) => {
    for (const run of runs(chunks)) await storeRun(store, b, run, maxBlocks, results);
  });
  const events = await storeEvents(store, b, b.events, maxBlocks, clock);
  return { chunks: results, events, metadata };
}

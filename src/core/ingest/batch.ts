/**
 * `POST /api/v1/batch`: many chunks and events of one session in one JSON body. Only an invalid
 * envelope fails the whole request; every chunk gets its own result, in request order.
 */
import { HttpError, invalidParameter } from '../errors.js';
import { clusterIdOrDefault } from '../layout.js';
import { clusterName, fileName, namespaceName, nodeName } from '../names.js';
import { parseSession } from '../session.js';
import type { BlobStore } from '../../storage/blobStore.js';
import type { AppendResult } from './append.js';
import { storeEvents, type EventsResult } from './events.js';
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
  | { file: string | null; error: string; message: string; field?: string; expectedOffset?: number };

export interface BatchResult {
  chunks: ChunkResult[];
  events: EventsResult;
  metadata: MetadataOutcome;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function requiredString(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== 'string') throw invalidParameter(key, `${key} is required and must be a string`);
  return v;
}

function optionalArray(body: Record<string, unknown>, key: string): unknown[] {
  const v = body[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw invalidParameter(key, `${key} must be an array`);
  return v;
}

/** Checks the envelope of a batch body; throws 400 (`invalid_body` or `invalid_parameter`). */
export function parseBatch(body: unknown): Batch {
  if (!isObject(body)) throw new HttpError(400, 'invalid_body', 'the body must be a JSON object');
  const namespace = namespaceName(requiredString(body, 'namespace'));
  const cluster = clusterName(requiredString(body, 'cluster'));
  const session = parseSession(requiredString(body, 'session')).name;
  const node = nodeName(requiredString(body, 'node'));
  const rawId = body.clusterId;
  if (rawId !== undefined && typeof rawId !== 'string')
    throw invalidParameter('clusterId', 'clusterId must be a string');
  const clusterId = clusterIdOrDefault(rawId, namespace);
  const metadata = body.metadata ?? {};
  if (!isObject(metadata)) throw invalidParameter('metadata', 'metadata must be a JSON object');
  const chunks = optionalArray(body, 'chunks');
  const events = optionalArray(body, 'events');
  return { namespace, cluster, clusterId, session, node, chunks, events, metadata };
}

/** A chunk's bytes, or a 400 naming the chunk's field. */
function chunkBytes(chunk: Record<string, unknown>, at: string): Buffer {
  const encoding = chunk.encoding ?? 'utf8';
  if (encoding !== 'utf8' && encoding !== 'base64')
    throw invalidParameter(`${at}.encoding`, `${at}.encoding must be "utf8" or "base64"`);
  const data = chunk.data;
  if (typeof data !== 'string') throw invalidParameter(`${at}.data`, `${at}.data must be a string`);
  if (encoding === 'base64' && !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(data))
    throw invalidParameter(`${at}.data`, `${at}.data is not valid base64`);
  return Buffer.from(data, encoding);
}

async function storeChunk(store: BlobStore, b: Batch, raw: unknown, i: number, maxBlocks: number) {
  const at = `chunks[${i}]`;
  let file: string | null = null;
  try {
    if (!isObject(raw)) throw invalidParameter(at, `${at} must be a JSON object`);
    if (typeof raw.file !== 'string') throw invalidParameter(`${at}.file`, `${at}.file must be a string`);
    file = fileName(raw.file, `${at}.file`);
    const offset = raw.offset;
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0)
      throw invalidParameter(`${at}.offset`, `${at}.offset must be an integer ≥ 0`);
    const target: LogTarget = { ...b, file };
    const result = await appendLog(store, target, offset, [chunkBytes(raw, at)], maxBlocks);
    return { file, ...result };
  } catch (err) {
    if (!(err instanceof HttpError) || err.status >= 500) throw err;
    return { file, error: err.code, message: err.message, ...err.extra } as ChunkResult;
  }
}

/** Stores a parsed batch: the session's metadata (even if every item fails), chunks in order, events. */
export async function storeBatch(store: BlobStore, b: Batch, maxBlocks: number): Promise<BatchResult> {
  const metadata = await ensureMetadata(store, b, b.metadata);
  const chunks: ChunkResult[] = [];
  for (const [i, raw] of b.chunks.entries()) chunks.push(await storeChunk(store, b, raw, i, maxBlocks));
  const events = await storeEvents(store, b, b.events, maxBlocks);
  return { chunks, events, metadata };
}

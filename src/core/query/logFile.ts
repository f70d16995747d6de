/**
 * A log file as one byte sequence over its append-blob segments: segment 0 is `…/<file>`, segment
 * n ≥ 1 is `…/<file>%seg-00000n` (layout.ts). A segment starts where the previous one ended, so the
 * file's size, ranges and tail are computed over the concatenation; one ETag stands for all of them.
 */
import { createHash } from 'node:crypto';
import type { BlobProps, BlobStore } from '../../storage/blobStore.js';
import { logBlob, parseBlobName, SEGMENT_MARK, type SessionRef } from '../layout.js';

export interface LogSegment {
  name: string;
  /** Where this segment starts in the file. */
  start: number;
  size: number;
  etag: string;
}

export interface LogFile {
  segments: LogSegment[];
  size: number;
  etag: string;
  lastModified: Date;
}

/** One strong ETag for a file: the blob's own for one segment, else a digest of all of theirs. */
export function combinedEtag(etags: string[]): string {
  // Listings give ETags bare, reads give them quoted: one form, so a listed ETag matches a read's.
  const quoted = etags.map((e) => (e.startsWith('"') ? e : `"${e}"`));
  if (quoted.length === 1) return quoted[0] ?? '""';
  const h = createHash('sha256').update(quoted.join(',')).digest('base64url').slice(0, 27);
  return `"${h}"`;
}

/**
 * Joins segment 0 and its continuations (in segment order) into one file. A continuation's start is
 * its `startoffset` metadata (fixed by ingest after sealing the previous segment, see docs/ingest.md
 * "Log segments"), else the sum of the sizes before it; a sealed segment's size is where the next
 * one starts, which stays right even if a listing saw it just before its last append.
 */
export function joinSegments(base: BlobProps, continuations: BlobProps[]): LogFile {
  const parts = [base, ...continuations];
  const starts: number[] = [];
  let sum = 0;
  for (const [i, p] of parts.entries()) {
    const recorded = Number(p.metadata.startoffset);
    const start = i > 0 && Number.isSafeInteger(recorded) && recorded >= sum ? recorded : sum;
    starts.push(start);
    sum = start + p.size;
  }
  const segments = parts.map((p, i) => {
    const start = starts[i] ?? 0;
    const size = i + 1 < parts.length ? (starts[i + 1] ?? 0) - start : p.size;
    return { name: p.name, start, size, etag: p.etag };
  });
  const lastModified = new Date(Math.max(...parts.map((p) => p.lastModified.getTime())));
  return { segments, size: sum, etag: combinedEtag(parts.map((p) => p.etag)), lastModified };
}

/** The segment number of a continuation blob of `base`, or null when the name is not one. */
export function segmentOf(name: string, base: string): number | null {
  if (!name.startsWith(base + SEGMENT_MARK)) return null;
  const parsed = parseBlobName(name);
  return parsed.kind === 'log' && parsed.segment > 0 ? parsed.segment : null;
}

/** Continuations n = 1, 2, … in order, stopping at the first gap (ingest never leaves one). */
export function orderedContinuations(base: string, blobs: BlobProps[]): BlobProps[] {
  const byNumber = new Map<number, BlobProps>();
  for (const b of blobs) {
    const n = segmentOf(b.name, base);
    if (n !== null) byNumber.set(n, b);
  }
  const out: BlobProps[] = [];
  for (let n = 1; byNumber.has(n); n++) out.push(byNumber.get(n) as BlobProps);
  return out;
}

/** Every continuation segment of the file whose segment 0 is `base`. */
export async function listContinuations(store: BlobStore, base: string): Promise<BlobProps[]> {
  const found: BlobProps[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list({
      prefix: base + SEGMENT_MARK,
      pageSize: 5000,
      includeMetadata: true,
      ...(cursor && { cursor }),
    });
    found.push(...page.blobs);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return orderedContinuations(base, found);
}

/**
 * Finds a node's log file with all its segments; null when it does not exist. Ingest seals a
 * segment before it creates the next one, so an unsealed segment 0 is the whole file (one request).
 */
export async function findLogFile(
  store: BlobStore,
  ref: SessionRef,
  node: string,
  file: string,
): Promise<LogFile | null> {
  const base = logBlob(ref, node, file);
  const props = await store.properties(base);
  if (props === null) return null;
  return joinSegments(props, props.sealed === true ? await listContinuations(store, base) : []);
}

/** Chunks handed to the HTTP layer: each one costs the Functions stream proxy a fixed overhead. */
const CHUNK = 512 * 1024;

/**
 * The bytes `[start, end)` of the file, segment after segment, read as they are asked for. Storage's
 * ~64 KiB chunks are gathered into chunks of about 512 KiB: fewer, larger writes through the
 * Functions HTTP proxy.
 */
export function fileRangeChunks(
  store: BlobStore,
  file: LogFile,
  start: number,
  end: number,
): AsyncGenerator<Buffer> {
  return gathered(rangeChunks(store, file, start, end));
}

async function* gathered(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let held: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of chunks) {
    held.push(chunk);
    bytes += chunk.length;
    if (bytes >= CHUNK) {
      yield held.length === 1 ? chunk : Buffer.concat(held, bytes);
      held = [];
      bytes = 0;
    }
  }
  if (bytes > 0) yield Buffer.concat(held, bytes);
}

/**
 * The bytes `[start, end)` of the file as storage delivers them (~64 KiB chunks, not gathered): for
 * readers that consume the bytes themselves (search, line filters) rather than hand them to HTTP.
 */
export async function* rangeChunks(
  store: BlobStore,
  file: LogFile,
  start: number,
  end: number,
): AsyncGenerator<Buffer> {
  for (const seg of file.segments) {
    const from = Math.max(start, seg.start);
    const to = Math.min(end, seg.start + seg.size);
    if (from >= to) continue;
    const r = await store.read(seg.name, from - seg.start, to - from);
    if (r === null) throw new Error(`${seg.name} vanished while it was being read`);
    let got = 0;
    for await (const chunk of r.body) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      got += buf.length;
      yield buf;
    }
    if (got !== to - from) throw new Error(`${seg.name}: read ${got} bytes, expected ${to - from}`);
  }
}

/** Reads bytes `[start, end)` into memory: for the small blocks a tail scan reads. */
export async function readFileRange(
  store: BlobStore,
  file: LogFile,
  start: number,
  end: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of rangeChunks(store, file, start, end)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

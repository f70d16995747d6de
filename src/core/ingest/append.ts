/**
 * The exactly-once append rules of docs/api.md: append, duplicate, partial overlap (compare, then append
 * only the missing suffix), gap and conflict. Safe under concurrent writers: every append is
 * conditional on the segment's length, and a writer that loses re-applies the rules to the rest.
 */
import { HttpError } from '../errors.js';
import type { BlobStore } from '../../storage/blobStore.js';
import { pieces } from './pieces.js';
import {
  cachedTail,
  create,
  fileLength,
  locate,
  rememberTail,
  storedEquals,
  type SegmentedFile,
  type Tail,
} from './segments.js';

export interface AppendResult {
  status: 'appended' | 'duplicate';
  /** The request's offset, echoed. */
  offset: number;
  /** The file's length after the request. */
  nextOffset: number;
}

function nextOffsetHeader(length: number): Record<string, string> {
  return { 'Next-Offset': String(length) };
}

function gap(offset: number, stored: number): HttpError {
  return new HttpError(
    409,
    'offset_gap',
    `offset ${offset} is past the end of the file (${stored} bytes stored)`,
    { expectedOffset: stored },
    nextOffsetHeader(stored),
  );
}

function conflict(at: number, stored: number): HttpError {
  return new HttpError(
    409,
    'offset_conflict',
    `the body differs from the bytes already stored at offset ${at}`,
    { expectedOffset: stored },
    nextOffsetHeader(stored),
  );
}

/** Writer state for one request: where the file ends, as far as we know. */
interface Cursor {
  tail: Tail | null;
  wrote: boolean;
  /** Told of each range this request stored: `[at, at + length)` of the file. */
  onWrite?: (at: number, length: number) => void;
}

/** Applies the rules to one piece at file offset `pos`; returns when all of it is stored. */
async function placePiece(store: BlobStore, file: SegmentedFile, c: Cursor, pos: number, piece: Buffer) {
  let at = pos;
  let rest = piece;
  while (rest.byteLength > 0) {
    const stored = fileLength(c.tail);
    if (at > stored) {
      c.tail = await locate(store, file, c.tail);
      if (at > fileLength(c.tail)) throw gap(at, fileLength(c.tail));
      continue;
    }
    if (at < stored && c.tail !== null) {
      const n = Math.min(stored - at, rest.byteLength);
      if (!(await storedEquals(store, file, c.tail, at, rest.subarray(0, n)))) {
        c.tail = await locate(store, file, c.tail); // report the true length, not a cached one
        throw conflict(at, fileLength(c.tail));
      }
      at += n;
      rest = rest.subarray(n);
      continue;
    }
    c.tail ??= await create(store, file);
    if (c.tail.blocks >= file.maxBlocks) {
      c.tail = await locate(store, file, c.tail);
      continue;
    }
    const r = await store.appendAt(file.blob(c.tail.segment), at - c.tail.start, rest);
    if (r.ok) {
      c.tail = { ...c.tail, length: c.tail.length + rest.byteLength, blocks: r.committedBlockCount };
      rememberTail(store, file, c.tail);
      c.wrote = true;
      c.onWrite?.(at, rest.byteLength);
      if (c.tail.blocks >= file.maxBlocks) c.tail = await locate(store, file, c.tail); // seal early
      return;
    }
    // Someone else appended, sealed the segment, or the blob vanished: look again and re-apply.
    c.tail = await locate(store, file, c.tail);
  }
}

/**
 * Stores `body` at file offset `offset` by the rules of docs/api.md. Throws 409 `offset_gap` /
 * `offset_conflict` (with `Next-Offset`); errors from `body` (413, 400) get `Next-Offset` added.
 * `onWrite` hears of every range this request stored (a batch uses it to answer per chunk).
 */
export async function appendFile(
  store: BlobStore,
  file: SegmentedFile,
  offset: number,
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  onWrite?: (at: number, length: number) => void,
): Promise<AppendResult> {
  const c: Cursor = { tail: cachedTail(store, file), wrote: false, ...(onWrite && { onWrite }) };
  // The cached length is a lower bound: only a request past it needs a fresh look first.
  if (c.tail === null || offset > fileLength(c.tail)) c.tail = await locate(store, file, c.tail);
  if (offset > fileLength(c.tail)) throw gap(offset, fileLength(c.tail));
  let pos = offset;
  try {
    for await (const piece of pieces(body)) {
      await placePiece(store, file, c, pos, piece);
      pos += piece.byteLength;
    }
  } catch (err) {
    if (err instanceof HttpError && err.status !== 409) {
      throw new HttpError(err.status, err.code, err.message, err.extra, {
        ...err.headers,
        ...nextOffsetHeader(fileLength(c.tail)),
      });
    }
    throw err;
  }
  if (c.wrote) return { status: 'appended', offset, nextOffset: fileLength(c.tail) };
  c.tail = await locate(store, file, c.tail); // nothing written by us: report the true length
  if (pos === offset && offset === fileLength(c.tail)) {
    c.tail ??= await create(store, file); // an empty body at the end creates the file
    return { status: 'appended', offset, nextOffset: fileLength(c.tail) };
  }
  return { status: 'duplicate', offset, nextOffset: fileLength(c.tail) };
}

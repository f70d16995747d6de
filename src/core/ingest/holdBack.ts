/**
 * docs/api.md: nothing is written for a rejected request. A body whose length is known up front (a
 * `Content-Length` without compression) is checked against the limit before anything is read, so it
 * streams straight into the log. A body whose length is not known (chunked, or gzip, whose
 * decompressed size shows only at its end) may cross the limit after several 4 MiB pieces, so it is
 * held back until it has ended: a body of one piece in memory (as every piece is), a longer one as
 * uncommitted blocks of a scratch block blob, which are invisible. Only a body that ended within the
 * limit reaches the log, read back from the scratch blob; a rejected one leaves nothing but
 * uncommitted blocks, which are dropped.
 */
import { randomUUID } from 'node:crypto';
import type { BlobStore } from '../../storage/blobStore.js';
import { INDEX_PREFIX, scratchBlob } from '../layout.js';
import { MAX_PIECE, pieces } from './pieces.js';

/** Block ids of one scratch blob: base64 of a fixed-width number, as Azure wants them equal in length. */
function blockId(n: number): string {
  return Buffer.from(String(n).padStart(8, '0')).toString('base64');
}

async function discard(store: BlobStore, name: string): Promise<void> {
  // Committing an empty list drops the uncommitted blocks; then the empty blob goes. Best effort:
  // blocks never committed are dropped by the service within a week anyway.
  try {
    await store.commitBlocks(name, [], 'application/octet-stream');
    await store.delete(name);
  } catch {
    /* the request's own error is the one to report */
  }
}

/**
 * Yields `body` (chunks of bytes that throws while iterating if it is too large or unreadable) only
 * once all of it arrived: the bytes reach the consumer only if the body ends without an error.
 */
export async function* heldBack(
  store: BlobStore,
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  const it = pieces(body)[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done === true) return;
  // pieces() yields a short piece only at the body's end; a full one may be followed by more.
  if (first.value.byteLength < MAX_PIECE) {
    yield first.value;
    return;
  }
  const name = scratchBlob(randomUUID());
  const ids: string[] = [];
  try {
    // A full piece is only valid until the next is requested: stage it first.
    let piece: IteratorResult<Buffer> = first;
    while (piece.done !== true) {
      const id = blockId(ids.length);
      await store.stageBlock(name, id, piece.value);
      ids.push(id);
      piece = await it.next();
    }
    await store.commitBlocks(name, ids, 'application/octet-stream');
  } catch (err) {
    await it.return?.(undefined);
    await discard(store, name);
    throw err;
  }
  try {
    const read = await store.read(name);
    if (read === null) throw new Error(`scratch blob ${name} vanished`);
    for await (const chunk of read.body) yield chunk as Uint8Array;
  } finally {
    await store.delete(name).catch(() => undefined);
  }
}

/**
 * How old a scratch blob must be before `sweepScratch` takes it for an orphan: longer than any request
 * can last (Azure's front end gives up after 230 s; the local host's functionTimeout default is 30 min).
 */
export const SCRATCH_ORPHAN_MS = 60 * 60 * 1000;

/**
 * Drops scratch blobs left by requests that never finished (the process was killed while a body was
 * held back): their uncommitted blocks are invisible but stay until the service drops them (Azure: a
 * week). Run it on a schedule (the reconcile timer); returns how many were dropped.
 */
export async function sweepScratch(
  store: BlobStore,
  olderThanMs = SCRATCH_ORPHAN_MS,
  now: Date = new Date(),
): Promise<number> {
  let swept = 0;
  let cursor: string | undefined;
  do {
    const page = await store.list({
      prefix: `${INDEX_PREFIX}scratch/ingest/`,
      pageSize: 1000,
      includeUncommitted: true,
      ...(cursor !== undefined && { cursor }),
    });
    for (const b of page.blobs) {
      const born = (b.createdOn ?? b.lastModified).getTime();
      if (now.getTime() - born < olderThanMs) continue;
      await store.commitBlocks(b.name, [], 'application/octet-stream');
      if (await store.delete(b.name)) swept += 1;
    }
    cursor = page.cursor;
  } while (cursor !== undefined);
  return swept;
}

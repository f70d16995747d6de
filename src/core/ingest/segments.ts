/**
 * A log file as a sequence of append-blob segments (Azure allows 50,000 blocks per blob). Segment 0
 * starts at file offset 0; each later segment records its start offset in blob metadata
 * `startoffset`, fixed when it is created, after the previous segment was sealed. See docs/ingest.md
 * "Log segments".
 */
import { storeCache } from '../storeCache.js';
import type { BlobProps, BlobStore } from '../../storage/blobStore.js';

/** A file that may span several append blobs. */
export interface SegmentedFile {
  /** The blob name of segment `n` (0 = the first). */
  blob(segment: number): string;
  contentType: string;
  /** Blob metadata every segment carries (segments add `startoffset` and `segment`). */
  metadata: Record<string, string>;
  /** Blocks a segment takes before the file rolls over to the next one. */
  maxBlocks: number;
}

/** The segment that takes appends now. `start + length` is the file's length. */
export interface Tail {
  segment: number;
  start: number;
  length: number;
  blocks: number;
}

/** The file offset at which a segment starts, from its metadata (segment 0: 0). */
export function startOffset(props: BlobProps): number {
  const raw = props.metadata.startoffset;
  return raw === undefined ? 0 : Number(raw);
}

export function fileLength(tail: Tail | null): number {
  return tail === null ? 0 : tail.start + tail.length;
}

// Per store: the last tail seen per file. Lengths only grow and starts never change, so a cached
// tail is a safe lower bound; appends at a stale position fail and refresh it.
const tails = (store: BlobStore) => storeCache<Tail>(store, 'tails', 10_000);

export function cachedTail(store: BlobStore, file: SegmentedFile): Tail | null {
  return tails(store).get(file.blob(0)) ?? null;
}

export function rememberTail(store: BlobStore, file: SegmentedFile, tail: Tail): void {
  tails(store).set(file.blob(0), tail);
}

function segmentMetadata(file: SegmentedFile, segment: number, start: number): Record<string, string> {
  return { ...file.metadata, startoffset: String(start), segment: String(segment) };
}

/**
 * Finds the segment that takes appends now, rolling over past a full or sealed one; null when the
 * file does not exist. Starts from `hint` (a segment known to exist) when given.
 */
export async function locate(
  store: BlobStore,
  file: SegmentedFile,
  hint?: Tail | null,
): Promise<Tail | null> {
  let segment = hint?.segment ?? 0;
  for (;;) {
    let props = await store.properties(file.blob(segment));
    if (props === null) {
      if (segment === 0) return null;
      segment = 0; // the container was recreated underneath us: start over
      continue;
    }
    const start = startOffset(props);
    const blocks = props.committedBlockCount ?? 0;
    if (props.sealed !== true && blocks < file.maxBlocks) {
      const tail = { segment, start, length: props.size, blocks };
      rememberTail(store, file, tail);
      return tail;
    }
    if (props.sealed !== true) {
      // Seal first, so that no writer can append to this segment once the next one's start is fixed.
      await store.seal(file.blob(segment));
      props = (await store.properties(file.blob(segment))) ?? props;
    }
    const next = segment + 1;
    if ((await store.properties(file.blob(next))) === null) {
      await store.createAppendBlob(
        file.blob(next),
        file.contentType,
        segmentMetadata(file, next, start + props.size),
      );
    }
    segment = next;
  }
}

/**
 * Creates segment 0 unless it exists, and returns the current tail. A segment this call created is
 * empty as far as we know: no look needed (an append at a stale length fails and looks then).
 */
export async function create(store: BlobStore, file: SegmentedFile): Promise<Tail> {
  if (await store.createAppendBlob(file.blob(0), file.contentType, segmentMetadata(file, 0, 0)))
    return { segment: 0, start: 0, length: 0, blocks: 0 };
  const tail = await locate(store, file);
  if (tail === null) throw new Error(`${file.blob(0)} vanished right after it was created`);
  return tail;
}

/**
 * Streams the file's bytes [from, to) across segments. `tail` must be a tail of the file with
 * `to <= fileLength(tail)`; bytes below a known length never change.
 */
export async function* readRange(
  store: BlobStore,
  file: SegmentedFile,
  tail: Tail,
  from: number,
  to: number,
): AsyncGenerator<Buffer> {
  // Walk back to the segment holding `from` (almost always the tail itself).
  let segment = tail.segment;
  let start = tail.start;
  while (start > from && segment > 0) {
    segment -= 1;
    const props = await store.properties(file.blob(segment));
    if (props === null) throw new Error(`segment ${segment} of ${file.blob(0)} is missing`);
    start = startOffset(props);
  }
  let at = from;
  while (at < to) {
    const props = segment === tail.segment ? null : await store.properties(file.blob(segment));
    const segStart = segment === tail.segment ? tail.start : startOffset(props as BlobProps);
    const segEnd = segment === tail.segment ? to : segStart + (props as BlobProps).size;
    const count = Math.min(to, segEnd) - at;
    if (count > 0) {
      const r = await store.read(file.blob(segment), at - segStart, count);
      if (r === null) throw new Error(`segment ${segment} of ${file.blob(0)} is missing`);
      for await (const chunk of r.body) yield chunk as Buffer;
      at += count;
    }
    segment += 1;
  }
}

/** True when the stored bytes [from, from + bytes.length) equal `bytes`; streams the stored range. */
export async function storedEquals(
  store: BlobStore,
  file: SegmentedFile,
  tail: Tail,
  from: number,
  bytes: Uint8Array,
): Promise<boolean> {
  let at = 0;
  for await (const chunk of readRange(store, file, tail, from, from + bytes.byteLength)) {
    if (at + chunk.byteLength > bytes.byteLength) return false;
    if (Buffer.compare(chunk, bytes.subarray(at, at + chunk.byteLength)) !== 0) return false;
    at += chunk.byteLength;
  }
  return at === bytes.byteLength;
}

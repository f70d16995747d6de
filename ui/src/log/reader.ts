/**
 * Reads a log file by byte ranges (`Range: bytes=…` → 206 with `Content-Range`), so a file of any size
 * opens at its end and scrolls without being read whole. Follow mode polls from the last offset with
 * `If-None-Match` (304 while nothing was appended).
 */
import { apiFetch } from '../api/client';
import { splitLines, type Split } from './lines';

/** One read: the bytes, where they sit in the file, the file's size and ETag. */
export interface RangeRead {
  bytes: Uint8Array;
  start: number;
  size: number;
  etag: string | null;
}

/** Bytes per read; a read grows (up to MAX_READ) when one line is longer than this. */
export const READ_BYTES = 64 * 1024;
export const MAX_READ = 1024 * 1024;

function sizeFrom(contentRange: string | null): number | null {
  const m = /\/(\d+)\s*$/.exec(contentRange ?? '');
  return m === null ? null : Number(m[1]);
}

/**
 * Reads `range` (`a-b`, `a-`, `-n`) of the file at `url`. An empty file, or a start at its end, is
 * an empty read (416 says the size); with `etag`, an unchanged file answers `null` (304).
 */
export async function readRange(
  url: string,
  range: string,
  etag?: string | null,
  signal?: AbortSignal,
): Promise<RangeRead | null> {
  const res = await apiFetch(url, {
    headers: {
      Range: `bytes=${range}`,
      ...(etag !== null && etag !== undefined && { 'If-None-Match': etag }),
    },
    accept: [304, 416],
    ...(signal !== undefined && { signal }),
  });
  if (res.status === 304) return null;
  const size = sizeFrom(res.headers.get('Content-Range'));
  const tag = res.headers.get('ETag');
  if (res.status === 416) return { bytes: new Uint8Array(0), start: size ?? 0, size: size ?? 0, etag: tag };
  const bytes = new Uint8Array(await res.arrayBuffer());
  const start = Number(/bytes (\d+)-/.exec(res.headers.get('Content-Range') ?? '')?.[1] ?? 0);
  return { bytes, start, size: size ?? start + bytes.length, etag: tag };
}

export interface Chunk extends Split {
  size: number;
  etag: string | null;
}

/** The last lines of the file: its final READ_BYTES (more if its last line is longer). */
export async function readTail(url: string, signal?: AbortSignal): Promise<Chunk> {
  for (let n = READ_BYTES; ; n *= 4) {
    const r = (await readRange(url, `-${n}`, null, signal))!;
    const split = splitLines(r.bytes, r.start, {
      aligned: r.start === 0,
      eof: true,
      forceCut: n >= MAX_READ,
    });
    if (split.lines.length > 0 || r.start === 0 || n >= MAX_READ)
      return { ...split, size: r.size, etag: r.etag };
  }
}

/** Whole lines ending at `end` (a line start), read backwards. */
export async function readBefore(url: string, end: number, signal?: AbortSignal): Promise<Chunk> {
  for (let n = READ_BYTES; ; n *= 4) {
    const from = Math.max(0, end - n);
    const r = (await readRange(url, `${from}-${end - 1}`, null, signal))!;
    const split = splitLines(r.bytes, r.start, { aligned: from === 0, eof: false, forceCut: n >= MAX_READ });
    // A read before `end` stops at a newline (end is a line start), so every kept line is whole.
    if (split.lines.length > 0 || from === 0 || n >= MAX_READ)
      return { ...split, size: r.size, etag: r.etag };
  }
}

/**
 * Whole lines from `start` (a line start) on; the file's last line too, marked open when it has no
 * newline yet. With `etag`, null when the file has not changed.
 */
export async function readAfter(
  url: string,
  start: number,
  etag?: string | null,
  signal?: AbortSignal,
): Promise<Chunk | null> {
  for (let n = READ_BYTES; ; n *= 4) {
    const r = await readRange(url, `${start}-${start + n - 1}`, etag, signal);
    if (r === null) return null;
    const eof = r.start + r.bytes.length >= r.size;
    const split = splitLines(r.bytes, start, { aligned: true, eof });
    if (split.lines.length > 0 || eof) return { ...split, size: r.size, etag: r.etag };
    if (n >= MAX_READ) {
      // One line longer than any read: show its first MAX_READ bytes and go on after them.
      const [line] = splitLines(r.bytes, start, { aligned: true, eof: true }).lines;
      const end = start + r.bytes.length;
      return {
        lines: line === undefined ? [] : [{ ...line, open: false, cut: true }],
        start,
        end,
        size: r.size,
        etag: r.etag,
      };
    }
  }
}

/** Counts lines from the file's start up to `end`, streaming (memory stays flat); for line numbers. */
export async function countLines(
  url: string,
  end: number,
  onProgress?: (bytes: number) => void,
  signal?: AbortSignal,
): Promise<number> {
  if (end === 0) return 0;
  const res = await apiFetch(url, {
    headers: { Range: `bytes=0-${end - 1}` },
    ...(signal !== undefined && { signal }),
  });
  const reader = res.body!.getReader();
  let lines = 0;
  let seen = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    for (let i = value.indexOf(0x0a); i >= 0; i = value.indexOf(0x0a, i + 1)) lines++;
    seen += value.length;
    onProgress?.(seen);
  }
  return lines;
}

/** Finds the byte offset where line `lineNo` (1-based) starts, streaming from the file's start. */
export async function findLine(url: string, lineNo: number, signal?: AbortSignal): Promise<number | null> {
  if (lineNo <= 1) return 0;
  const res = await apiFetch(url, { ...(signal !== undefined && { signal }) });
  const reader = res.body!.getReader();
  let lines = 1;
  let offset = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return null;
      for (let i = value.indexOf(0x0a); i >= 0; i = value.indexOf(0x0a, i + 1)) {
        if (++lines === lineNo) return offset + i + 1;
      }
      offset += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

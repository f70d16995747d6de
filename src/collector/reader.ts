/** Reads a bounded range of a local file, checking that the bytes before it are still the ones shipped. */
import { promises as fs } from 'node:fs';

/** Bytes remembered before each file's offset, to notice a file rewritten in place. */
export const TAIL_BYTES = 32;

export type ReadResult =
  /** `data` starts at the requested offset (empty when the file holds nothing there). */
  | { ok: true; data: Buffer }
  /** The bytes before the offset are not the ones shipped: the file was rewritten. */
  | { ok: false };

/**
 * Reads up to `length` bytes at `offset` in one `pread` together with the bytes just before it, and
 * compares those with `tail` (base64, what was last shipped), so the check and the data come from
 * one consistent read.
 */
export async function readAfter(
  file: string,
  offset: number,
  length: number,
  tail: string,
): Promise<ReadResult> {
  const expected = Buffer.from(tail, 'base64');
  const start = offset - expected.length;
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(expected.length + length);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await handle.read(buf, got, buf.length - got, start + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    if (got < expected.length || !buf.subarray(0, expected.length).equals(expected)) return { ok: false };
    return { ok: true, data: buf.subarray(expected.length, got) };
  } finally {
    await handle.close();
  }
}

/** The new tail after `data` was shipped following `tail`. */
export function nextTail(tail: string, data: Buffer): string {
  if (data.length >= TAIL_BYTES) return data.subarray(data.length - TAIL_BYTES).toString('base64');
  const joined = Buffer.concat([Buffer.from(tail, 'base64'), data]);
  return joined.subarray(Math.max(0, joined.length - TAIL_BYTES)).toString('base64');
}

/** The tail of a file's first `offset` bytes (after the server asked to resume from there). */
export async function tailAt(file: string, offset: number): Promise<string | undefined> {
  const from = Math.max(0, offset - TAIL_BYTES);
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(offset - from);
    const { bytesRead } = await handle.read(buf, 0, buf.length, from);
    return bytesRead === buf.length ? buf.toString('base64') : undefined;
  } finally {
    await handle.close();
  }
}

/**
 * Byte ranges of a file read: the `Range` header (one range; `a-b`, `a-`, `-n`) and the
 * `?offset=&length=` form, resolved against the file's size. Pure.
 */

/** A half-open byte window `[start, end)` of a file. */
export interface ByteRange {
  start: number;
  end: number;
}

export type RangeAnswer =
  { kind: 'full' } | { kind: 'partial'; range: ByteRange } | { kind: 'unsatisfiable'; reason: string };

const SPEC = /^bytes[ \t]*=[ \t]*(\d*)[ \t]*-[ \t]*(\d*)[ \t]*$/i;

/**
 * Resolves a `Range` header against a file of `size` bytes. A missing header means the whole file;
 * anything we cannot serve as one satisfiable range (several ranges, another unit, a start past the
 * end, `bytes=-0`) is unsatisfiable, which the caller answers with 416.
 */
export function parseRangeHeader(header: string | undefined, size: number): RangeAnswer {
  if (header === undefined || header.trim() === '') return { kind: 'full' };
  const m = SPEC.exec(header.trim());
  if (m === null) {
    return {
      kind: 'unsatisfiable',
      reason: 'Range must be one range of the form bytes=a-b, bytes=a- or bytes=-n',
    };
  }
  const [first = '', last = ''] = [m[1], m[2]];
  if (first === '' && last === '') return { kind: 'unsatisfiable', reason: 'Range names no bytes' };
  if (first === '') {
    const n = Number(last);
    if (n === 0 || size === 0)
      return { kind: 'unsatisfiable', reason: `no suffix of ${n} bytes in a ${size}-byte file` };
    return { kind: 'partial', range: { start: Math.max(0, size - n), end: size } };
  }
  const start = Number(first);
  const end = last === '' ? size : Number(last) + 1;
  if (last !== '' && end <= start) return { kind: 'unsatisfiable', reason: 'Range ends before it starts' };
  return window(start, end, size);
}

/** `?offset=&length=` (length to the end when absent), answered as the equivalent `Range` would be. */
export function offsetRange(offset: number, length: number | undefined, size: number): RangeAnswer {
  return window(offset, length === undefined ? size : offset + length, size);
}

function window(start: number, end: number, size: number): RangeAnswer {
  if (start >= size) {
    return {
      kind: 'unsatisfiable',
      reason: `the range starts at byte ${start}, past the end of a ${size}-byte file`,
    };
  }
  return { kind: 'partial', range: { start, end: Math.min(end, size) } };
}

/** `Content-Range: bytes a-b/size` for a served window. */
export function contentRange(range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.end - 1}/${size}`;
}

/**
 * Bytes of a log file into lines, by byte offset. A read that does not start at a line start drops
 * the partial line before its first newline; a read that stops before the end of the file drops the
 * partial line after its last one (both are read again with their neighbours). Newline bytes never
 * occur inside a UTF-8 sequence, so every kept line decodes on its own.
 */

/** One line: its bytes are `[off, end)` of the file, newline included. */
export interface Line {
  off: number;
  end: number;
  text: string;
  /** The last line of the file, not ended by a newline yet (it may grow). */
  open?: boolean;
  /** The line was longer than a read can hold: this is its end, its start was cut. */
  cut?: boolean;
}

export interface Split {
  lines: Line[];
  /** Offset of the first kept line (where the next read backwards ends). */
  start: number;
  /** Offset after the last complete line (where the next read forwards starts). */
  end: number;
}

const NL = 0x0a;
const decoder = new TextDecoder('utf-8');

/** Longest text kept of one line; the rest is a download away. */
export const MAX_LINE_CHARS = 20_000;

function decodeLine(bytes: Uint8Array): string {
  let n = bytes.length;
  if (n > 0 && bytes[n - 1] === NL) n--;
  if (n > 0 && bytes[n - 1] === 0x0d) n--;
  const text = decoder.decode(bytes.subarray(0, n));
  return text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)} …` : text;
}

export interface SplitOptions {
  /** `at` is a line start (the file's start, or the end of a line already read). */
  aligned: boolean;
  /** The bytes reach the end of the file: a last line without newline is kept, marked open. */
  eof: boolean;
  /** When nothing whole is in the read (a line longer than any read), keep it from `at`, marked cut. */
  forceCut?: boolean;
}

/** Splits `bytes`, read from offset `at`, into whole lines. */
export function splitLines(bytes: Uint8Array, at: number, opts: SplitOptions): Split {
  const first = opts.aligned ? 0 : bytes.indexOf(NL) + 1;
  const split = linesFrom(bytes, at, first < 1 && !opts.aligned ? bytes.length : first, opts.eof, false);
  // Nothing whole in the read: with forceCut, the read's start stands in for the line's.
  return split.lines.length === 0 && opts.forceCut === true && !opts.aligned
    ? linesFrom(bytes, at, 0, opts.eof, true)
    : split;
}

function linesFrom(bytes: Uint8Array, at: number, from: number, eof: boolean, cutFirst: boolean): Split {
  const lines: Line[] = [];
  let i = from;
  let cut = cutFirst;
  while (i < bytes.length) {
    const nl = bytes.indexOf(NL, i);
    const stop = nl < 0 ? bytes.length : nl + 1;
    if (nl < 0 && !eof) break;
    lines.push({
      off: at + i,
      end: at + stop,
      text: decodeLine(bytes.subarray(i, stop)),
      ...(nl < 0 && { open: true }),
      ...(cut && { cut }),
    });
    cut = false;
    i = stop;
  }
  const last = lines[lines.length - 1];
  const start = at + from;
  const end = last === undefined ? start : last.open === true ? last.off : last.end;
  return { lines, start, end };
}

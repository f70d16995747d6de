/**
 * `?tail=N`: where the last N lines of a file begin, found by reading backwards in blocks so that
 * only the tail is ever read. Pure: the reader is injected, so tests can use tiny blocks.
 */

/** Reads bytes `[start, end)` of the file; must return exactly that many. */
export type ReadBlock = (start: number, end: number) => Promise<Uint8Array>;

export interface TailOptions {
  /** First block read, in bytes. Default 256 KiB (about 2,000 typical log lines). */
  blockSize?: number;
  /** Blocks double after each read up to this size. Default 1 MiB. */
  maxBlockSize?: number;
}

const NL = 0x0a;

/**
 * The byte offset at which the last `lines` lines of a `size`-byte file start. A final line without
 * a newline counts as a line; a newline that ends the file does not start another one. Lines are
 * split at `\n` only, so a `\r\n` ending stays with its line and a multi-byte UTF-8 character is
 * never cut. `lines = 0` (or an empty file) gives `size`; more lines than the file has gives 0.
 */
export async function tailStart(
  size: number,
  lines: number,
  read: ReadBlock,
  options: TailOptions = {},
): Promise<number> {
  if (lines <= 0 || size <= 0) return size;
  let block = Math.max(1, options.blockSize ?? 256 * 1024);
  const maxBlock = Math.max(block, options.maxBlockSize ?? 1024 * 1024);
  let seen = 0;
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - block);
    const bytes = await read(start, end);
    if (bytes.length !== end - start) {
      throw new Error(`tail: read ${bytes.length} bytes at ${start}, expected ${end - start}`);
    }
    // The file's own final newline ends the last line rather than separating two.
    let i = end === size && bytes[bytes.length - 1] === NL ? bytes.length - 2 : bytes.length - 1;
    while (i >= 0) {
      const at = bytes.lastIndexOf(NL, i);
      if (at < 0) break;
      if (++seen === lines) return start + at + 1;
      i = at - 1;
    }
    end = start;
    block = Math.min(block * 2, maxBlock);
  }
  return 0;
}

/** Re-chunks a byte stream into pieces no larger than one append block. */

/** Azure's largest append block: 4 MiB. */
export const MAX_PIECE = 4 * 1024 * 1024;

/**
 * Yields the bytes of `source` in pieces of exactly `size` bytes (the last may be shorter). Holds at
 * most about one piece in memory; a source error surfaces before the piece it interrupted is yielded.
 */
export async function* pieces(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  size = MAX_PIECE,
): AsyncGenerator<Buffer> {
  let held: Buffer[] = [];
  let total = 0;
  for await (const chunk of source) {
    let rest = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (total + rest.byteLength >= size) {
      const take = size - total;
      held.push(rest.subarray(0, take));
      rest = rest.subarray(take);
      yield held.length === 1 ? (held[0] as Buffer) : Buffer.concat(held, size);
      held = [];
      total = 0;
    }
    if (rest.byteLength > 0) {
      held.push(rest);
      total += rest.byteLength;
    }
  }
  if (total > 0) yield held.length === 1 ? (held[0] as Buffer) : Buffer.concat(held, total);
}

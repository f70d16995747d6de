/** Re-chunks a byte stream into pieces no larger than one append block. */

/** Azure's largest append block: 4 MiB. */
export const MAX_PIECE = 4 * 1024 * 1024;

/**
 * Yields the bytes of `source` in pieces of exactly `size` bytes (the last may be shorter). A source
 * error surfaces before the piece it interrupted is yielded. Full pieces share one buffer, so memory
 * stays at about one piece however long the stream: a yielded piece is valid only until the next
 * one is requested (copy it to keep it).
 */
export async function* pieces(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  size = MAX_PIECE,
): AsyncGenerator<Buffer> {
  let held: Buffer[] = [];
  let total = 0;
  let full: Buffer | undefined;
  for await (const chunk of source) {
    let rest = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (total + rest.byteLength >= size) {
      const take = size - total;
      held.push(rest.subarray(0, take));
      rest = rest.subarray(take);
      if (held.length === 1 && full === undefined) {
        yield held[0] as Buffer;
      } else {
        full ??= Buffer.allocUnsafe(size);
        let at = 0;
        for (const h of held) at += h.copy(full, at);
        yield full;
      }
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

/**
 * `filter_ansi_code`: drops ANSI CSI escape sequences (`ESC [` parameters, intermediates, one final
 * byte: colours `\x1b[31m`, resets `\x1b[0m`, erase-line `\x1b[K`, cursor moves) from a byte stream.
 * Ray's own filter (`\x1b\[[\d;]+m`, state_head.py) drops the colour codes only; this drops those
 * and the rest of the CSI family, which a log viewer cannot render either.
 *
 * A sequence split across chunks is still dropped: at most one unfinished sequence (under 64 bytes)
 * is held between chunks, so memory is constant. Anything that is not a complete sequence of at
 * most 64 bytes passes through unchanged.
 */

const ESC = 0x1b;
const LBRACKET = 0x5b;
/** The longest sequence dropped, final byte included. */
export const MAX_SEQUENCE = 64;

const isParam = (b: number) => b >= 0x30 && b <= 0x3f;
const isIntermediate = (b: number) => b >= 0x20 && b <= 0x2f;
const isFinal = (b: number) => b >= 0x40 && b <= 0x7e;

type State = 'text' | 'esc' | 'params' | 'intermediates';

/** A streaming filter: `push` each chunk, then `end`; each returns the bytes to pass on. */
export class AnsiFilter {
  private state: State = 'text';
  private held: number[] = [];

  push(chunk: Uint8Array): Buffer {
    const out: Buffer[] = [];
    let copyFrom = 0;
    const keep = (from: number, to: number) => {
      if (to > from) out.push(Buffer.from(chunk.subarray(from, to)));
    };
    for (let i = 0; i < chunk.length; i++) {
      if (this.state === 'text') {
        const at = chunk.indexOf(ESC, i);
        if (at < 0) break;
        keep(copyFrom, at);
        this.held = [ESC];
        this.state = 'esc';
        i = at;
        copyFrom = at + 1;
        continue;
      }
      copyFrom = i + 1;
      const b = chunk[i] as number;
      if (this.state === 'esc') {
        if (b === LBRACKET) {
          this.held.push(b);
          this.state = 'params';
          continue;
        }
      } else if (isFinal(b)) {
        this.held = [];
        this.state = 'text';
        continue;
      } else if ((this.state === 'params' && isParam(b)) || isIntermediate(b)) {
        this.state = isIntermediate(b) ? 'intermediates' : 'params';
        this.held.push(b);
        if (this.held.length < MAX_SEQUENCE) continue;
        out.push(Buffer.from(this.held));
        this.held = [];
        this.state = 'text';
        continue;
      }
      // Not a sequence after all: what was held is text, and `b` is looked at again as text.
      out.push(Buffer.from(this.held));
      this.held = [];
      this.state = 'text';
      copyFrom = i;
      i--;
    }
    if (this.state === 'text') keep(copyFrom, chunk.length);
    return out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out);
  }

  /** The end of the stream: an unfinished sequence is text. */
  end(): Buffer {
    const rest = Buffer.from(this.held);
    this.held = [];
    this.state = 'text';
    return rest;
  }
}

/** Filters a stream of chunks (see AnsiFilter); empty pieces are not passed on. */
export async function* stripAnsi(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<Buffer> {
  const f = new AnsiFilter();
  for await (const chunk of chunks) {
    const out = f.push(chunk);
    if (out.length > 0) yield out;
  }
  const rest = f.end();
  if (rest.length > 0) yield rest;
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnsiFilter, MAX_SEQUENCE, stripAnsi } from './ansi.js';

// eslint-disable-next-line no-control-regex
const CSI = /\x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]/g;
/** The definition, on the whole text at once. */
const reference = (s: string) => s.replace(CSI, (m) => (m.length <= MAX_SEQUENCE ? '' : m));

function filterInPieces(data: Buffer, sizes: number[]): Buffer {
  const f = new AnsiFilter();
  const out: Buffer[] = [];
  let k = 0;
  for (let at = 0; at < data.length;) {
    const size = Math.max(1, sizes[k++ % sizes.length] ?? 1);
    out.push(f.push(data.subarray(at, at + size)));
    at += size;
  }
  out.push(f.end());
  return Buffer.concat(out);
}

describe('ANSI filter', () => {
  it('drops exactly the CSI sequences of the whole text, however the stream is chunked', () => {
    const piece = fc.constantFrom(
      '\x1b',
      '[',
      '31',
      ';',
      '1',
      'm',
      'K',
      ' ',
      '!',
      'a',
      '\n',
      'é',
      '\x1b[0m',
      '\x1b[38;5;196m',
      '9'.repeat(70),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 6 }),
        (parts, sizes) => {
          const text = parts.join('');
          expect(filterInPieces(Buffer.from(text), sizes).toString()).toBe(reference(text));
        },
      ),
      { seed: 2207, numRuns: 3000 },
    );
  });

  it("removes Ray's colour codes from a worker log line and keeps everything else", async () => {
    const line = '\x1b[36m(MyActor pid=4521)\x1b[0m hello \x1b[1m\x1b[31mERROR\x1b[39m\x1b[22m done\x1b[K\n';
    const pieces: Buffer[] = [];
    for (let i = 0; i < line.length; i += 3) pieces.push(Buffer.from(line.slice(i, i + 3)));
    const out: Buffer[] = [];
    for await (const c of stripAnsi(pieces)) out.push(c);
    expect(Buffer.concat(out).toString()).toBe('(MyActor pid=4521) hello ERROR done\n');
  });

  it('passes an unfinished sequence at the end through as text', () => {
    const f = new AnsiFilter();
    expect(Buffer.concat([f.push(Buffer.from('ok \x1b[3')), f.end()]).toString()).toBe('ok \x1b[3');
  });
});

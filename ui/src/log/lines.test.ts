import { describe, expect, it } from 'vitest';
import { splitLines } from './lines';

const enc = (s: string) => new TextEncoder().encode(s);

describe('splitLines', () => {
  it('keeps whole lines by byte offset, an open last line only at the end of the file', () => {
    const bytes = enc('a\nbé\nc');
    expect(splitLines(bytes, 100, { aligned: true, eof: false })).toEqual({
      lines: [
        { off: 100, end: 102, text: 'a' },
        { off: 102, end: 106, text: 'bé' },
      ],
      start: 100,
      end: 106,
    });
    const atEof = splitLines(bytes, 100, { aligned: true, eof: true });
    expect(atEof.lines.at(-1)).toEqual({ off: 106, end: 107, text: 'c', open: true });
    expect(atEof.end).toBe(106);
  });

  it('drops the partial line before the first newline of an unaligned read', () => {
    const r = splitLines(enc('tail of x\nnext\r\n'), 50, { aligned: false, eof: false });
    expect(r.lines).toEqual([{ off: 60, end: 66, text: 'next' }]);
    expect(r.start).toBe(60);
  });

  it('keeps a line longer than the read, marked cut, only when asked and nothing else is whole', () => {
    expect(splitLines(enc('xxxxxxxx\n'), 10, { aligned: false, eof: false }).lines).toEqual([]);
    expect(splitLines(enc('xxxxxxxx\n'), 10, { aligned: false, eof: false, forceCut: true }).lines).toEqual([
      { off: 10, end: 19, text: 'xxxxxxxx', cut: true },
    ]);
    expect(splitLines(enc('xx\nyy\n'), 10, { aligned: false, eof: false, forceCut: true }).lines).toEqual([
      { off: 13, end: 16, text: 'yy' },
    ]);
  });

  it('decodes a multi-byte character split across reads once its line is whole', () => {
    const all = enc('ab\n€uro\n');
    const first = splitLines(all.subarray(0, 4), 0, { aligned: true, eof: false });
    expect(first.lines.map((l) => l.text)).toEqual(['ab']);
    const next = splitLines(all.subarray(first.end), first.end, { aligned: true, eof: true });
    expect(next.lines.map((l) => l.text)).toEqual(['€uro']);
  });
});

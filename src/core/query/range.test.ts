import { describe, expect, it } from 'vitest';
import { contentRange, offsetRange, parseRangeHeader } from './range.js';

const partial = (start: number, end: number) => ({ kind: 'partial', range: { start, end } });

describe('Range header', () => {
  it('serves the whole file without one', () => {
    expect(parseRangeHeader(undefined, 10)).toEqual({ kind: 'full' });
    expect(parseRangeHeader('  ', 10)).toEqual({ kind: 'full' });
  });

  it('resolves a-b, a- and -n, clamping to the file', () => {
    expect(parseRangeHeader('bytes=2-4', 10)).toEqual(partial(2, 5));
    expect(parseRangeHeader('bytes=2-', 10)).toEqual(partial(2, 10));
    expect(parseRangeHeader('bytes=-3', 10)).toEqual(partial(7, 10));
    expect(parseRangeHeader('bytes=-30', 10)).toEqual(partial(0, 10));
    expect(parseRangeHeader('bytes=8-99', 10)).toEqual(partial(8, 10));
    expect(parseRangeHeader('bytes=9-9', 10)).toEqual(partial(9, 10));
    expect(parseRangeHeader('bytes=0-99999999999999999999', 10)).toEqual(partial(0, 10));
  });

  it('calls unsatisfiable what cannot be served', () => {
    for (const h of [
      'bytes=10-',
      'bytes=10-20',
      'bytes=-0',
      'bytes=5-2',
      'bytes=-',
      'bytes=0-1,3-4',
      'items=0-1',
      'garbage',
    ]) {
      expect(parseRangeHeader(h, 10).kind, h).toBe('unsatisfiable');
    }
    expect(parseRangeHeader('bytes=0-', 0).kind).toBe('unsatisfiable');
    expect(parseRangeHeader('bytes=-5', 0).kind).toBe('unsatisfiable');
  });

  it('answers offset/length as the equivalent Range would', () => {
    expect(offsetRange(2, 3, 10)).toEqual(parseRangeHeader('bytes=2-4', 10));
    expect(offsetRange(2, undefined, 10)).toEqual(parseRangeHeader('bytes=2-', 10));
    expect(offsetRange(8, 100, 10)).toEqual(partial(8, 10));
    expect(offsetRange(10, 1, 10).kind).toBe('unsatisfiable');
  });

  it('writes Content-Range with an inclusive end', () => {
    expect(contentRange({ start: 2, end: 5 }, 10)).toBe('bytes 2-4/10');
  });
});

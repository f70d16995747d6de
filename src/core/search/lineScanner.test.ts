import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineScanner, type LineHit, type Position } from './lineScanner.js';
import { compileMatcher, type SearchPattern } from './matcher.js';

interface RefHit {
  line: number;
  offset: number;
  bytes: string;
}

/** The obvious way: split the whole file into lines and test each one's first `cap` bytes. */
function reference(data: Buffer, p: SearchPattern, cap: number): RefHit[] {
  const m = compileMatcher(p);
  const hits: RefHit[] = [];
  let start = 0;
  let line = 1;
  while (start < data.length) {
    const nl = data.indexOf(0x0a, start);
    const end = nl < 0 ? data.length : nl;
    const capped = data.subarray(start, Math.min(end, start + cap));
    const whole = end - start <= cap;
    const text = (whole && capped[capped.length - 1] === 0x0d ? capped.subarray(0, -1) : capped).toString(
      'utf8',
    );
    const ok = m.kind === 'line' ? m.test(text) : m.prepare(capped).indexOf(m.needle) >= 0;
    if (ok) hits.push({ line, offset: start, bytes: capped.toString('latin1') });
    line++;
    start = end + 1;
  }
  return hits;
}

const plain = (h: LineHit): RefHit => ({ line: h.line, offset: h.offset, bytes: h.bytes.toString('latin1') });

/**
 * Scans `data` in chunks of the given sizes; after each chunk, stops when `stopAfter` says so and
 * resumes from the stop position with a new scanner (as a cursor would), and at most `maxHits` hits
 * per scanner (resuming from the last hit's `next`).
 */
function scanInPieces(
  data: Buffer,
  p: SearchPattern,
  cap: number,
  sizes: number[],
  stops: boolean[],
  maxHits: number,
): RefHit[] {
  const m = compileMatcher(p);
  const out: RefHit[] = [];
  let pos: Position = { offset: 0, line: 1 };
  let k = 0;
  for (let guard = 0; guard < 100_000; guard++) {
    const sc = new LineScanner(m, cap, pos, maxHits);
    let at = pos.offset;
    let next: Position | undefined;
    while (at < data.length) {
      const size = Math.max(1, sizes[k % sizes.length] ?? 1);
      const stop = stops[k % stops.length] ?? false;
      k++;
      const chunk = data.subarray(at, Math.min(data.length, at + size));
      at += chunk.length;
      if (!sc.push(chunk)) {
        next = sc.hits[sc.hits.length - 1]?.next;
        break;
      }
      if (stop && sc.progressed && at < data.length) {
        next = sc.stop();
        break;
      }
    }
    if (next === undefined) sc.end();
    out.push(...sc.hits.map(plain));
    if (next === undefined) return out;
    pos = next;
  }
  throw new Error('no progress');
}

const bytesArb = fc
  .array(fc.constantFrom('a', 'b', 'A', '\n', '\r', 'é', 'x'), { maxLength: 300 })
  .map((parts) => Buffer.from(parts.join(''), 'utf8'));

const patternArb: fc.Arbitrary<SearchPattern> = fc.oneof(
  fc.record({ q: fc.constantFrom('a', 'ab', 'aa', 'é', 'xa'), ignoreCase: fc.boolean() }),
  fc.record({
    q: fc.constantFrom('^a', 'b$', 'a.b', '(a+)+$', '^$', 'é+', '[^a]'),
    regex: fc.constant(true),
    ignoreCase: fc.boolean(),
  }),
);

describe('LineScanner', () => {
  it('finds exactly the lines a whole-file split finds, with their numbers and offsets, however the bytes are chunked and however often the scan stops and resumes', () => {
    fc.assert(
      fc.property(
        bytesArb,
        patternArb,
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 4 }),
        (data, p, cap, sizes, stops, maxHits) => {
          expect(scanInPieces(data, p, cap, sizes, stops, maxHits)).toEqual(reference(data, p, cap));
        },
      ),
      { seed: 1405, numRuns: 3000 },
    );
  });

  it('counts a final line without a newline, and no line after a final newline', () => {
    const m = compileMatcher({ q: 'z' });
    const sc = new LineScanner(m, 100, { offset: 0, line: 1 }, 10);
    sc.push(Buffer.from('a\nz\nbz'));
    sc.end();
    expect(sc.hits.map((h) => [h.line, h.offset, h.bytes.toString()])).toEqual([
      [2, 2, 'z'],
      [3, 4, 'bz'],
    ]);
    expect(sc.hits[1]?.next).toEqual({ offset: 6, line: 4 });
  });

  it('matches a line longer than the cap on its first cap bytes only, and a stop inside it resumes past it', () => {
    const m = compileMatcher({ q: 'needle' });
    const long = `needle${'x'.repeat(50)}needle\nneedle\n`;
    const sc = new LineScanner(m, 10, { offset: 0, line: 1 }, 10);
    sc.push(Buffer.from(long.slice(0, 30)));
    expect(sc.progressed).toBe(true);
    const stop = sc.stop();
    expect(stop).toEqual({ offset: 30, line: 1, skip: true });
    expect(sc.hits.map((h) => [h.line, h.bytes.toString()])).toEqual([[1, 'needlexxxx']]);
    const rest = new LineScanner(m, 10, stop, 10);
    rest.push(Buffer.from(long.slice(30)));
    rest.end();
    expect(rest.hits.map((h) => [h.line, h.offset])).toEqual([[2, 63]]);
  });

  it('does not report progress inside a line shorter than the cap, so a stop there would re-read it', () => {
    const sc = new LineScanner(compileMatcher({ q: 'q' }), 100, { offset: 0, line: 1 }, 10);
    sc.push(Buffer.from('abc'));
    expect(sc.progressed).toBe(false);
    expect(sc.stop()).toEqual({ offset: 0, line: 1 });
  });
});

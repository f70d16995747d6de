import { describe, expect, it } from 'vitest';
import type { Line } from './lines';
import {
  append,
  atFileEnd,
  atFileStart,
  lineCount,
  MAX_PAGE_LINES,
  MAX_PAGES,
  openWindow,
  prepend,
  windowEnd,
  windowStart,
} from './window';

/** Lines `from`..`to` (1-based) of a file whose every line is 10 bytes. */
const lines = (from: number, to: number): Line[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({
    off: (from + i - 1) * 10,
    end: (from + i) * 10,
    text: `line ${from + i}`,
  }));
const file = (n: number) => ({ size: n * 10, etag: `"${n}"` });

describe('the log window', () => {
  it('numbers lines once it reaches the start, and knows the file ends', () => {
    const w = openWindow(lines(1, 50), 0, 500, file(50));
    expect(w.firstLineNo).toBe(1);
    expect(atFileStart(w) && atFileEnd(w)).toBe(true);
    const tail = openWindow(lines(900, 1000), 8990, 10_000, file(1000));
    expect(tail.firstLineNo).toBeNull();
    expect(atFileStart(tail)).toBe(false);
  });

  it('stays bounded however far one reads backwards, and numbers lines on reaching the start', () => {
    const total = 100_000;
    let w = openWindow(lines(total - 499, total), (total - 500) * 10, total * 10, file(total));
    while (!atFileStart(w)) {
      const end = windowStart(w) / 10;
      w = prepend(w, lines(Math.max(1, end - 699), end), Math.max(0, end - 700) * 10);
      expect(w.pages.length).toBeLessThanOrEqual(MAX_PAGES);
      expect(lineCount(w)).toBeLessThanOrEqual(MAX_PAGES * MAX_PAGE_LINES);
    }
    expect(w.firstLineNo).toBe(1);
    expect(w.pages[0]?.lines[0]?.text).toBe('line 1');
    expect(atFileEnd(w)).toBe(false);
    // Consecutive pages, no gap and no overlap.
    w.pages.slice(1).forEach((p, i) => expect(p.start).toBe(w.pages[i]?.end));
  });

  it('appends new lines, replacing an open last line, and drops pages at the front', () => {
    const open: Line = { off: 500, end: 504, text: 'half', open: true };
    let w = openWindow([...lines(1, 50), open], 0, 500, file(50.4));
    w = append(w, [{ off: 500, end: 510, text: 'half done' }], 510, file(51));
    expect(w.pages.at(-1)?.lines.at(-1)).toEqual({ off: 500, end: 510, text: 'half done' });
    expect(windowEnd(w)).toBe(510);
    for (let n = 51; n < 51 + MAX_PAGES * MAX_PAGE_LINES; n += 700)
      w = append(w, lines(n + 1, n + 700), (n + 700) * 10, file(n + 700));
    expect(w.pages.length).toBeLessThanOrEqual(MAX_PAGES);
    expect(w.firstLineNo).toBe(windowStart(w) / 10 + 1);
    expect(atFileEnd(w)).toBe(true);
  });
});

/**
 * The soak's per-minute memory figures read V8's own GC trace of the host: this checks the parser
 * against the trace this Node prints (a format V8 does not promise to keep).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { minuteFigures } from './scenarios.js';

describe('minuteFigures', () => {
  it('counts the full GCs of a real trace and the most live and committed heap they left', () => {
    const started = Date.now();
    // Three forced full GCs, each after keeping 200,000 more objects (about 8 MB each).
    const trace = execFileSync(
      process.execPath,
      [
        '--expose-gc',
        '--trace-gc',
        '--trace-gc-ignore-scavenger',
        '-e',
        'const keep = []; for (let i = 0; i < 3; i++) { for (let j = 0; j < 2e5; j++) keep.push({ j }); gc(); }',
      ],
      { encoding: 'utf8' },
    );
    expect(trace.split('\n').filter((l) => l.includes('Mark-Compact'))).toHaveLength(3);
    // Two minutes of RSS samples (every 2 s): the first minute 100..129, the second all 500.
    const rss = [...Array.from({ length: 30 }, (_, i) => 129 - i), ...Array<number>(30).fill(500)];
    const [first, second] = minuteFigures(rss, trace, started, started);
    expect(first).toMatchObject({ minute: 1, rssMiB: 115, fullGcs: 3 });
    expect(first?.liveMiB).toBeGreaterThanOrEqual(20);
    expect(first?.committedMiB).toBeGreaterThanOrEqual(first?.liveMiB ?? Infinity);
    expect(second).toEqual({ minute: 2, rssMiB: 500, fullGcs: 0, liveMiB: 0, committedMiB: 0 });
  });

  it('puts each GC in the minute of the load it fell in, and leaves out those before the load', () => {
    const trace =
      '[1:0x1]      500 ms: Mark-Compact 95.0 (130.0) -> 80.0 (125.0) MB, 5 / 0 ms\n' +
      '[1:0x1]     1500 ms: Mark-Compact 90.0 (120.0) -> 40.4 (110.6) MB, 5 / 0 ms\n' +
      '[1:0x1]    61500 ms: Mark-Compact (reduce) 50.0 (70.0) -> 30.0 (60.0) MB, 5 / 0 ms\n';
    const rss = Array<number>(60).fill(200);
    expect(minuteFigures(rss, trace, 0, 1000)).toEqual([
      { minute: 1, rssMiB: 200, fullGcs: 1, liveMiB: 40, committedMiB: 111 },
      { minute: 2, rssMiB: 200, fullGcs: 1, liveMiB: 30, committedMiB: 60 },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { jsonDepthWithin, MAX_JSON_DEPTH } from './jsonDepth.js';

describe('jsonDepthWithin', () => {
  it('counts objects and arrays as levels, scalars as none', () => {
    expect(jsonDepthWithin(5, 0)).toBe(true);
    expect(jsonDepthWithin('text', 0)).toBe(true);
    expect(jsonDepthWithin(null, 0)).toBe(true);
    expect(jsonDepthWithin({}, 0)).toBe(false);
    expect(jsonDepthWithin({}, 1)).toBe(true);
    expect(jsonDepthWithin([[1], { a: [2] }], 3)).toBe(true);
    expect(jsonDepthWithin([[1], { a: [2] }], 2)).toBe(false);
  });

  it('finds the one deep branch among many shallow ones', () => {
    const wide = { many: Array.from({ length: 1000 }, (_, i) => ({ i })), deep: [[[[[['x']]]]]] };
    expect(jsonDepthWithin(wide, 7)).toBe(true);
    expect(jsonDepthWithin(wide, 6)).toBe(false);
  });

  it('takes JSON nested a million deep without overflowing the stack', () => {
    const parsed = JSON.parse('['.repeat(1_000_000) + ']'.repeat(1_000_000)) as unknown;
    expect(jsonDepthWithin(parsed)).toBe(false);
    const limit = JSON.parse(
      '{"a":'.repeat(MAX_JSON_DEPTH - 1) + '{}' + '}'.repeat(MAX_JSON_DEPTH - 1),
    ) as unknown;
    expect(jsonDepthWithin(limit)).toBe(true);
    expect(jsonDepthWithin([limit])).toBe(false);
  });

  it('refuses a limit deeper than its recursion may go, naming it', () => {
    expect(() => jsonDepthWithin({}, 1001)).toThrow(/limits up to 1000, not 1001/);
    expect(jsonDepthWithin({}, 1000)).toBe(true);
  });
});

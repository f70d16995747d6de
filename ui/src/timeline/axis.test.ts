import { describe, expect, it } from 'vitest';
import { offsetLabel, ticks, tOf, xOf } from './axis';

describe('time axis', () => {
  const s = { t0: 1000, t1: 3000, x0: 100, x1: 500 };

  it('maps times to pixels and back', () => {
    expect(xOf(s, 1000)).toBe(100);
    expect(xOf(s, 2000)).toBe(300);
    expect(tOf(s, 500)).toBe(3000);
    expect(tOf(s, xOf(s, 2345))).toBeCloseTo(2345);
  });

  it('puts ticks at round steps, about one per gap, inside the range', () => {
    const t = ticks(s, 90); // 400 px: 4 ticks wanted over 2000 → step 500
    expect(t.step).toBe(500);
    expect(t.at).toEqual([1000, 1500, 2000, 2500, 3000]);
    const odd = ticks({ t0: 13, t1: 9_870, x0: 0, x1: 1000 }, 100);
    expect(odd.step).toBe(1000);
    expect(odd.at[0]).toBe(1000);
    expect(odd.at.at(-1)).toBe(9000);
    expect(ticks({ t0: 5, t1: 5, x0: 0, x1: 10 })).toEqual({ at: [5], step: 0 });
  });

  it('labels offsets in the unit that reads best', () => {
    expect(offsetLabel(0, 100)).toBe('0');
    expect(offsetLabel(250, 50)).toBe('250 ms');
    expect(offsetLabel(1500, 500)).toBe('1.5 s');
    expect(offsetLabel(12_000, 2000)).toBe('12 s');
    expect(offsetLabel(150_000, 30_000)).toBe('2 min 30 s');
    expect(offsetLabel(7_200_000, 600_000)).toBe('2 h');
    expect(offsetLabel(0.25, 0.05)).toBe('0.25 ms');
  });
});

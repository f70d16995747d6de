import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareTimes, nanosKey, parseRfc3339, parseRfc3339Nanos, timeKey } from './timestamp.js';

describe('RFC 3339 to exact nanoseconds', () => {
  it('keeps every fractional digit', () => {
    const a = parseRfc3339Nanos('2026-01-27T10:52:59.123456789Z');
    const b = parseRfc3339Nanos('2026-01-27T10:52:59.123456790Z');
    expect(a).toBe(1769511179123456789n);
    expect(b! - a!).toBe(1n);
  });

  it('reads short fractions and offsets', () => {
    expect(parseRfc3339Nanos('2026-01-27T10:52:59Z')).toBe(1769511179000000000n);
    expect(parseRfc3339Nanos('2026-01-27T10:52:59.5Z')).toBe(1769511179500000000n);
    expect(parseRfc3339Nanos('2026-01-27T12:52:59.5+02:00')).toBe(1769511179500000000n);
    expect(parseRfc3339Nanos('2026-01-27T05:22:59.5-05:30')).toBe(1769511179500000000n);
  });

  it('refuses what is not an RFC 3339 time', () => {
    for (const v of [
      '2026-01-27',
      '2026-02-30T00:00:00Z',
      '2026-01-27T24:00:00Z',
      '2026-01-27T10:52:59.1234567891Z',
      '2026-01-27T10:52:59',
      '1769511179',
      'yesterday',
    ]) {
      expect(parseRfc3339Nanos(v), v).toBeNull();
    }
  });
});

describe('RFC 3339 times as plain numbers', () => {
  it('are the same instants as the exact nanoseconds, in order and as keys (seed 3339)', () => {
    // Every second of 1970–2100 with every offset and fraction form RFC 3339 allows.
    const at = fc
      .record({
        ms: fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) }),
        digits: fc.integer({ min: 0, max: 9 }),
        nanos: fc.integer({ min: 0, max: 999_999_999 }),
        offset: fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
      })
      .map(({ ms, digits, nanos, offset }) => {
        const local = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
        const frac = digits === 0 ? '' : `.${String(nanos).padStart(9, '0').slice(0, digits)}`;
        const sign = offset < 0 ? '-' : '+';
        const abs = Math.abs(offset);
        const zone =
          offset === 0
            ? 'Z'
            : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
        return `${local}${frac}${zone}`;
      });
    fc.assert(
      fc.property(at, at, (a, b) => {
        const [ta, tb] = [parseRfc3339(a), parseRfc3339(b)];
        const [na, nb] = [parseRfc3339Nanos(a), parseRfc3339Nanos(b)];
        if (ta === null || tb === null || na === null || nb === null) throw new Error(`unparsed: ${a} ${b}`);
        expect(Math.sign(compareTimes(ta, tb))).toBe(na < nb ? -1 : na > nb ? 1 : 0);
        if (na >= 0n) expect(timeKey(ta)).toBe(nanosKey(na));
      }),
      { seed: 3339, numRuns: 5000 },
    );
  });

  it('keys the epoch and the instants around it', () => {
    expect(timeKey({ seconds: 0, nanos: 0 })).toBe('0'.repeat(24));
    expect(timeKey({ seconds: 0, nanos: 12 })).toBe(`${'0'.repeat(22)}12`);
    expect(timeKey({ seconds: 1, nanos: 0 })).toBe(`${'0'.repeat(14)}1000000000`);
    expect(parseRfc3339('1969-12-31T23:59:59.5Z')).toEqual({ seconds: -1, nanos: 500_000_000 });
  });
});

import { describe, expect, it } from 'vitest';
import { parseRfc3339Nanos } from './timestamp.js';

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

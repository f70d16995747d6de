import { describe, expect, it } from 'vitest';
import { newestFirst, parseSession, tryParseSession } from './session.js';

describe('session ids', () => {
  it('parses the create time as UTC and keeps microseconds', () => {
    const s = parseSession('session_2026-01-27_10-52-59_373533_1');
    expect(s).toEqual({
      name: 'session_2026-01-27_10-52-59_373533_1',
      createTime: '2026-01-27T10:52:59Z',
      createTimeStamp: Date.UTC(2026, 0, 27, 10, 52, 59) / 1000,
      micros: 373533,
    });
  });

  it('accepts ids without the _N suffix', () => {
    expect(parseSession('session_2024-02-29_00-00-00_000001').createTime).toBe('2024-02-29T00:00:00Z');
  });

  it.each([
    'session_2026-02-30_10-52-59_373533',
    'session_2025-02-29_10-52-59_373533',
    'session_2026-13-01_10-52-59_373533',
    'session_2026-01-27_24-00-00_373533',
    'session_2026-01-27_10-60-00_373533',
    'session_2026-01-27_10-52-61_373533',
    'session_2026-01-27_10-52-59_37353',
    'session_2026-01-27_10-52-59_373533_',
    'session_2026-01-27_10-52-59_373533_x',
    'session_latest',
    'session_2026-01-27_10-52-59_373533/..',
    '',
  ])('rejects %j', (v) => {
    expect(tryParseSession(v)).toBeNull();
    expect(() => parseSession(v)).toThrow(/session/);
  });

  it('orders newest first, microseconds breaking ties', () => {
    const ids = [
      'session_2026-01-27_10-52-59_000001',
      'session_2026-01-28_00-00-00_000000',
      'session_2026-01-27_10-52-59_000002',
    ].map((v) => parseSession(v));
    expect(ids.sort(newestFirst).map((s) => s.name)).toEqual([
      'session_2026-01-28_00-00-00_000000',
      'session_2026-01-27_10-52-59_000002',
      'session_2026-01-27_10-52-59_000001',
    ]);
  });
});

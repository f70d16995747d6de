import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryableStatus, retryDelay } from './retry.js';

describe('retry policy', () => {
  it('backs off exponentially with full jitter, capped', () => {
    const top = { baseMs: 100, maxMs: 1000, random: () => 0.999999 };
    expect([0, 1, 2, 3, 4, 10].map((a) => retryDelay(a, undefined, top))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    const bottom = { ...top, random: () => 0 };
    expect(retryDelay(5, undefined, bottom)).toBe(0);
  });

  it('never retries sooner than Retry-After', () => {
    expect(retryDelay(0, 5000, { baseMs: 100, maxMs: 1000, random: () => 0.5 })).toBe(5000);
  });

  it('reads Retry-After as seconds or an HTTP date, capped at 5 minutes', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('99999')).toBe(300_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('retries 408, 429 and 5xx only', () => {
    expect([408, 429, 500, 503].every(retryableStatus)).toBe(true);
    expect([400, 401, 404, 409, 413].some(retryableStatus)).toBe(false);
  });
});

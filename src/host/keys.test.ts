/**
 * Regression (issue 12, defect 6): the local host compared function keys with `===`, whose time
 * depends on how many leading characters match (a timing side channel for guessing a key). Keys are
 * now compared as SHA-256 digests with crypto.timingSafeEqual: the time depends on neither where the
 * keys differ nor their lengths. Timing itself cannot be asserted reliably on a shared machine, so
 * this checks that every comparison goes through timingSafeEqual with equal-length digests.
 */
import * as crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, timingSafeEqual: vi.fn(real.timingSafeEqual) };
});

const { authorized } = await import('./server.js');
const { loadHostConfig } = await import('./hostConfig.js');

const config = {
  ...loadHostConfig({}),
  auth: true,
  keys: { master: 'the-master-key', function: ['fn-key-1', 'fn-key-2'] },
};
const compare = vi.mocked(crypto.timingSafeEqual);

afterEach(() => compare.mockClear());

describe('function keys (local host)', () => {
  it('accepts the right keys and refuses others, at each level', () => {
    expect(authorized('function', 'fn-key-2', config)).toBe(true);
    expect(authorized('function', 'the-master-key', config)).toBe(true);
    expect(authorized('admin', 'the-master-key', config)).toBe(true);
    expect(authorized('admin', 'fn-key-1', config)).toBe(false);
    expect(authorized('function', 'fn-key-3', config)).toBe(false);
    expect(authorized('function', 'fn-key-1x', config)).toBe(false);
    expect(authorized('function', '', config)).toBe(false);
    expect(authorized('function', undefined, config)).toBe(false);
    expect(authorized('anonymous', undefined, config)).toBe(true);
  });

  it('compares every key in constant time, whatever the lengths', () => {
    expect(authorized('function', 'f', config)).toBe(false);
    // The master key and both function keys were each compared, never short-circuited by length.
    expect(compare).toHaveBeenCalledTimes(3);
    for (const [a, b] of compare.mock.calls) expect(a.byteLength).toBe(b.byteLength);
  });
});

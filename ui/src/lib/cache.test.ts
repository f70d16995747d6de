import { describe, expect, it } from 'vitest';
import { AnswerCache } from './cache';

describe('the answer cache', () => {
  it('shares a load in flight and reuses its answer while fresh', async () => {
    let now = 0;
    let loads = 0;
    const cache = new AnswerCache(1000, 10, () => now);
    const load = () => Promise.resolve(++loads);
    const [a, b] = await Promise.all([cache.get('k', load), cache.get('k', load)]);
    expect([a, b, loads]).toEqual([1, 1, 1]);
    now = 999;
    expect(await cache.get('k', load)).toBe(1);
    now = 1000;
    expect(await cache.get('k', load)).toBe(2);
  });

  it('does not keep a failure, so asking again tries again', async () => {
    const cache = new AnswerCache();
    await expect(cache.get('k', () => Promise.reject(new Error('503')))).rejects.toThrow('503');
    expect(await cache.get('k', () => Promise.resolve('ok'))).toBe('ok');
  });

  it('keeps at most its size, dropping the least recently used', async () => {
    const cache = new AnswerCache(1000, 2, () => 0);
    await cache.get('a', () => Promise.resolve(1));
    await cache.get('b', () => Promise.resolve(2));
    await cache.get('a', () => Promise.resolve(-1)); // a used again: b is now the oldest
    await cache.get('c', () => Promise.resolve(3));
    expect(cache.size).toBe(2);
    expect(await cache.get('a', () => Promise.resolve(-1))).toBe(1);
    expect(await cache.get('b', () => Promise.resolve(4))).toBe(4);
  });
});

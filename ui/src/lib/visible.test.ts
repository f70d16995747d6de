import { describe, expect, it } from 'vitest';
import { limiter } from './visible';

describe('limiter', () => {
  it('runs at most n tasks at once, all of them, in order', async () => {
    const limit = limiter(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const gates: (() => void)[] = [];
    const results = Array.from({ length: 5 }, (_, i) =>
      limit(async () => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await new Promise<void>((r) => gates.push(r));
        running--;
        return i;
      }),
    );
    while (started.length < 5 || gates.length > 0) {
      await Promise.resolve();
      gates.shift()?.();
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });

  it('goes on after a task fails', async () => {
    const limit = limiter(1);
    await expect(limit(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(await limit(() => Promise.resolve(7))).toBe(7);
  });
});

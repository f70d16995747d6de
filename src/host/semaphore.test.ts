import { describe, expect, it } from 'vitest';
import { Semaphore } from './semaphore.js';

describe('Semaphore', () => {
  it('caps the slots taken at once and gives them back', () => {
    const s = new Semaphore(2);
    expect([s.tryAcquire(), s.tryAcquire(), s.tryAcquire()]).toEqual([true, true, false]);
    s.release();
    expect(s.tryAcquire()).toBe(true);
  });

  it('offers freed slots to the subscribers in turn, so a busy one cannot starve another', async () => {
    // Two listeners with long queues share one slot; each takes a freed slot when offered.
    const s = new Semaphore(1);
    const ran: string[] = [];
    const pumpOf = (name: string) => () => {
      if (ran.length >= 6 || !s.tryAcquire()) return;
      ran.push(name);
      queueMicrotask(() => s.release()); // its work ends, the slot is freed
    };
    s.subscribe(pumpOf('a'));
    s.subscribe(pumpOf('b'));
    expect(s.tryAcquire()).toBe(true);
    s.release();
    await new Promise((r) => setImmediate(r));
    expect(ran).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
  });
});

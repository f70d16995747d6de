import { describe, expect, it } from 'vitest';
import type { BlobStore } from '../../storage/blobStore.js';
import { StorageError } from '../../storage/errors.js';
import { SeenLog } from './seen.js';
import type { SegmentedFile } from './segments.js';

const FILE: SegmentedFile = {
  blob: (segment) => `index/v1/test/seen-${segment}`,
  contentType: 'text/plain; charset=utf-8',
  metadata: {},
  maxBlocks: 100,
};

/** A store whose every call hangs for `ms`, then fails as a call past its client deadline does. */
function hungStore(ms: number, calls: string[], kind: 'unavailable' | 'other' = 'unavailable'): BlobStore {
  return new Proxy({} as BlobStore, {
    get: (_target, prop) =>
      typeof prop !== 'string' || prop === 'then'
        ? undefined
        : (..._args: unknown[]) => {
            calls.push(prop);
            return new Promise((_resolve, reject) =>
              setTimeout(
                () => reject(new StorageError(kind, `${prop}: no answer`, undefined, 'ClientTimeout')),
                ms,
              ),
            );
          },
  });
}

describe('the seen-log while storage hangs', () => {
  it('fails an operation queued behind a call that timed out at once, without a deadline of its own', async () => {
    const calls: string[] = [];
    const seen = new SeenLog(hungStore(100, calls), FILE);
    // A batch recording its ids: its first storage call hangs until the deadline.
    const recorded = seen.record(['a']);
    // Another request's admission, queued behind that append. Before the fix it made its own call
    // once the append failed, and was answered a whole deadline later (19 s in the soak's hang).
    const admitted = seen.admit(['b']);
    const [r, a] = await Promise.allSettled([recorded, admitted]);
    expect(r.status).toBe('rejected');
    expect(a.status).toBe('rejected');
    expect((a as PromiseRejectedResult).reason).toBe((r as PromiseRejectedResult).reason);
    expect(calls).toHaveLength(1);
    // A later operation (the next turn of the event loop, once the failed ones have settled), not
    // queued behind the failure, tries storage again.
    await new Promise((resolve) => setImmediate(resolve));
    await expect(seen.admit(['c'])).rejects.toThrow(StorageError);
    expect(calls).toHaveLength(2);
  });

  it('still runs the queued operation when the one before failed for another reason', async () => {
    const calls: string[] = [];
    const seen = new SeenLog(hungStore(20, calls, 'other'), FILE);
    const results = await Promise.allSettled([seen.record(['a']), seen.admit(['b'])]);
    expect(results.map((x) => x.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toHaveLength(2);
  });
});

/** A store with no seen-log in it: every read finds nothing. */
function emptyStore(): BlobStore {
  return new Proxy({} as BlobStore, {
    get: (_target, prop) =>
      typeof prop !== 'string' || prop === 'then' ? undefined : () => Promise.resolve(null),
  });
}

describe('reservations of concurrent batches', () => {
  it('holds a batch that shares ids with one still writing until all its ids settle, then admits the failed ones', async () => {
    const seen = new SeenLog(emptyStore(), FILE);
    const first = await seen.admit(['a', 'b', 'c']);
    expect([...first.fresh]).toEqual(['a', 'b', 'c']);
    let second: Awaited<ReturnType<SeenLog['admit']>> | undefined;
    const waiting = seen.admit(['b', 'c', 'd']).then((a) => (second = a));
    const turns = async () => {
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    };
    await turns();
    expect(second).toBeUndefined();
    // The first batch settles in two calls: after the first, 'c' is still being written.
    seen.settle(['a'], ['b']);
    await turns();
    expect(second).toBeUndefined();
    seen.settle([], ['c']);
    await waiting;
    // 'b' and 'c' failed to store: the second batch stores them; nothing was a duplicate.
    expect(second).toEqual({ fresh: new Set(['b', 'c', 'd']), duplicates: 0 });
  });

  it('counts as duplicates the ids the batch it waited for stored', async () => {
    const seen = new SeenLog(emptyStore(), FILE);
    await seen.admit(['a', 'b']);
    const waiting = seen.admit(['a', 'b', 'x']);
    seen.settle(['a', 'b'], []);
    expect(await waiting).toEqual({ fresh: new Set(['x']), duplicates: 2 });
  });
});

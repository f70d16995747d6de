/** What one append costs in storage requests, counted at the BlobStore (docs/ingest.md, Performance). */
import { describe, expect, it } from 'vitest';
import { trailingDue } from '../../src/core/index/journal.js';
import { appendLog } from '../../src/core/ingest/logs.js';
import { JOURNAL } from '../../src/core/layout.js';
import type { BlobStore } from '../../src/storage/blobStore.js';
import { freshStore, reopen } from '../helpers/storage.js';
import { target } from './ingestSupport.js';

/**
 * The store, recording the name of every operation called on it; a write of an index journal mark
 * (the trailing re-read an append asks for, once per window: docs/indexer.md) is told apart.
 */
function recording(store: BlobStore): { store: BlobStore; calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(store, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const mark = prop === 'putIfAbsent' && String(args[0]).startsWith(JOURNAL);
        calls.push(mark ? 'indexMark' : String(prop));
        return (value as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
  return { store: proxy, calls };
}

const tally = (calls: string[]) =>
  calls.reduce<Record<string, number>>((n, c) => ({ ...n, [c]: (n[c] ?? 0) + 1 }), {});

describe('storage requests per append', () => {
  it('64 appends to a new file: 64 appendAt, 1 create (and the metadata once), no length lookup', async () => {
    const { store, calls } = recording(freshStore('cost'));
    const chunk = Buffer.alloc(16 * 1024, 'x');
    const started = Date.now();
    for (let i = 0; i < 64; i++) await appendLog(store, target, i * chunk.length, [chunk], 45_000);
    // At offset 0 with nothing known the file is created first (then known to be empty); each
    // append is one appendAt, its length then cached; the session's metadata.json is created once,
    // with the index's news mark for it; the index is asked for a re-read once per window the
    // appends fell in.
    const windows = new Set([trailingDue(started), trailingDue(Date.now())]).size;
    expect(tally(calls)).toEqual({ appendAt: 64, createAppendBlob: 1, create: 1, indexMark: 1 + windows });
  });

  it('a new process appending at the right offset of an existing file: one appendAt, no length lookup', async () => {
    const first = freshStore('cost');
    const chunk = Buffer.alloc(4 * 1024, 'y');
    await appendLog(first, target, 0, [chunk], 45_000);
    const { store, calls } = recording(reopen(first));
    const r = await appendLog(store, target, chunk.length, [chunk], 45_000);
    expect(r).toEqual({ status: 'appended', offset: chunk.length, nextOffset: 2 * chunk.length });
    // The conditional append is the length check; the metadata is confirmed once per process (it
    // exists: no news mark), and the index's re-read mark once per window.
    expect(tally(calls)).toEqual({ appendAt: 1, create: 1, indexMark: 1 });
    calls.length = 0;
    const before = trailingDue(Date.now());
    await appendLog(store, target, 2 * chunk.length, [chunk], 45_000);
    const newWindow = trailingDue(Date.now()) !== before;
    expect(tally(calls)).toEqual(newWindow ? { appendAt: 1, indexMark: 1 } : { appendAt: 1 });
  });

  it('a new process at a wrong offset still gets the rules: a gap, a duplicate, with the true length', async () => {
    const first = freshStore('cost');
    const chunk = Buffer.alloc(4 * 1024, 'z');
    await appendLog(first, target, 0, [chunk, chunk], 45_000);
    await expect(appendLog(reopen(first), target, 3 * chunk.length, [chunk], 45_000)).rejects.toMatchObject({
      status: 409,
      code: 'offset_gap',
      headers: { 'Next-Offset': String(2 * chunk.length) },
    });
    expect(await appendLog(reopen(first), target, chunk.length, [chunk], 45_000)).toEqual({
      status: 'duplicate',
      offset: chunk.length,
      nextOffset: 2 * chunk.length,
    });
    await expect(appendLog(reopen(first), target, 4 * chunk.length, [], 45_000)).rejects.toMatchObject({
      code: 'offset_gap',
    });
  });
});

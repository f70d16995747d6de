/** What one append costs in storage requests, counted at the BlobStore (docs/ingest.md, Performance). */
import { describe, expect, it } from 'vitest';
import { appendLog } from '../../src/core/ingest/logs.js';
import type { BlobStore } from '../../src/storage/blobStore.js';
import { freshStore } from '../helpers/storage.js';
import { target } from './ingestSupport.js';

/** The store, recording the name of every operation called on it. */
function recording(store: BlobStore): { store: BlobStore; calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(store, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(prop));
        return (value as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
  return { store: proxy, calls };
}

const tally = (calls: string[]) =>
  calls.reduce<Record<string, number>>((n, c) => ({ ...n, [c]: (n[c] ?? 0) + 1 }), {});

describe('storage requests per append', () => {
  it('64 appends to a new file: 64 appendAt, 2 properties, 1 create (and the metadata once)', async () => {
    const { store, calls } = recording(freshStore('cost'));
    const chunk = Buffer.alloc(16 * 1024, 'x');
    for (let i = 0; i < 64; i++) await appendLog(store, target, i * chunk.length, [chunk], 45_000);
    // Each append is one appendAt; the new file adds a create and two length lookups (then its
    // length is cached), the session its metadata.json, once.
    expect(tally(calls)).toEqual({ appendAt: 64, properties: 2, createAppendBlob: 1, putIfAbsent: 1 });
  });
});

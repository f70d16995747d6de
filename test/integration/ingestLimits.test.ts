/**
 * Regressions (issue 12, defect 6): 1,000,000 `{}` events were answered with an 88 MB reply (every
 * error listed), and a batch of 100,000 chunks took 249 s (one storage request per chunk, one chunk
 * after another). Now: at most MAX_LISTED_ERRORS errors are listed, with the count of the rest; a
 * batch's contiguous chunks of one file are stored as one append and files are stored side by side;
 * a batch holds at most MAX_BATCH_CHUNKS chunks (413 beyond, nothing written).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_BATCH_CHUNKS, storeBatch, type Batch } from '../../src/core/ingest/batch.js';
import { MAX_LISTED_ERRORS } from '../../src/core/ingest/events.js';
import { postBatch } from '../../src/functions/postBatch.js';
import { postEvents } from '../../src/functions/postEvents.js';
import type { BlobStore } from '../../src/storage/blobStore.js';
import { allBlobs, call, postRequest, readLog, SESSION, target, useFreshApp } from './ingestSupport.js';

/** The store with its appends counted (calls, and the most in flight at once). */
function counting(store: BlobStore): { store: BlobStore; appends: () => number; maxInFlight: () => number } {
  let appends = 0;
  let inFlight = 0;
  let max = 0;
  const wrapped = new Proxy(store, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver) as unknown;
      if (prop !== 'appendAt' || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        appends++;
        max = Math.max(max, ++inFlight);
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(t, args);
        } finally {
          inFlight--;
        }
      };
    },
  });
  return { store: wrapped, appends: () => appends, maxInFlight: () => max };
}

/** A batch as the route hands it to storeBatch (the envelope already checked). */
const batch = (chunks: unknown[]): Batch => ({
  namespace: target.namespace,
  cluster: target.cluster,
  clusterId: target.clusterId,
  session: SESSION,
  node: target.node,
  chunks,
  events: [],
  metadata: {},
});
const envelope = (chunks: unknown[]) => ({
  namespace: target.namespace,
  cluster: target.cluster,
  session: SESSION,
  node: target.node,
  chunks,
});

describe('events: the errors listed are capped (defect 6)', () => {
  it(`answers 1,000,000 malformed events with ${MAX_LISTED_ERRORS} errors listed and the count`, async () => {
    useFreshApp();
    const body = `[${Array.from({ length: 1_000_000 }, () => '{}').join(',')}]`;
    const r = await call(
      postEvents,
      postRequest('v1/events', undefined, {
        query: { namespace: 'default', cluster: 'raycluster-kuberay', node: 'head-1' },
        raw: body,
      }),
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ accepted: 0, duplicates: 0, rejected: 1_000_000, errorsOmitted: 999_900 });
    const errors = r.body.errors as { index: number }[];
    expect(errors.map((e) => e.index)).toEqual(Array.from({ length: MAX_LISTED_ERRORS }, (_, i) => i));
    expect(JSON.stringify(r.body).length).toBeLessThan(20_000);
  });
});

describe('batch: many chunks (defect 6)', () => {
  it('stores 5,000 contiguous one-byte chunks of a file as one append, one result per chunk', async () => {
    const counted = counting(useFreshApp());
    const bytes = randomBytes(5_000);
    const chunks = [...bytes].map((b, i) => ({
      file: 'raylet.out',
      offset: i,
      data: String.fromCharCode(97 + (b % 26)),
    }));
    const text = chunks.map((c) => c.data).join('');
    const r = await storeBatch(counted.store, batch(chunks), 2_000);
    expect(r.chunks).toHaveLength(5_000);
    expect(r.chunks.every((c) => 'status' in c && c.status === 'appended')).toBe(true);
    expect(r.chunks.at(-1)).toMatchObject({ file: 'raylet.out', offset: 4_999, nextOffset: 5_000 });
    expect(counted.appends()).toBeLessThanOrEqual(2);
    expect((await readLog(counted.store))?.toString()).toBe(text);
    // The same batch again: every chunk a duplicate, nothing written.
    const again = await storeBatch(counted.store, batch(chunks), 2_000);
    expect(again.chunks.every((c) => 'status' in c && c.status === 'duplicate')).toBe(true);
    expect(counted.appends()).toBeLessThanOrEqual(2);
  });

  it('stores the chunks of different files side by side, results in request order', async () => {
    const counted = counting(useFreshApp());
    const files = Array.from({ length: 20 }, (_, i) => `worker-${i}.out`);
    // Two chunks per file, interleaved: file order within the batch is kept.
    const chunks = [
      ...files.map((file) => ({ file, offset: 0, data: `${file} first\n` })),
      ...files.map((file) => ({ file, offset: file.length + 7, data: `${file} second\n` })),
    ];
    const r = await storeBatch(counted.store, batch(chunks), 2_000);
    expect(r.chunks.map((c) => c.file)).toEqual(chunks.map((c) => c.file));
    expect(r.chunks.every((c) => 'status' in c && c.status === 'appended')).toBe(true);
    expect(counted.maxInFlight()).toBeGreaterThan(1);
    for (const file of files) {
      expect((await readLog(counted.store, { ...target, file }))?.toString()).toBe(
        `${file} first\n${file} second\n`,
      );
    }
  });

  it('reports a gap or a conflict inside a run of chunks exactly as chunk-by-chunk storing would', async () => {
    const store = useFreshApp();
    await storeBatch(store, batch([{ file: 'raylet.out', offset: 0, data: 'abcdef' }]), 2_000);
    // [0,3) equal, [3,6) differs: a conflict; [6,9) and [9,12) then continue the stored file.
    const r = await storeBatch(
      store,
      batch([
        { file: 'raylet.out', offset: 0, data: 'abc' },
        { file: 'raylet.out', offset: 3, data: 'XYZ' },
        { file: 'raylet.out', offset: 6, data: 'ghi' },
        { file: 'raylet.out', offset: 9, data: 'jkl' },
      ]),
      2_000,
    );
    expect(r.chunks).toEqual([
      { file: 'raylet.out', status: 'duplicate', offset: 0, nextOffset: 6 },
      expect.objectContaining({ file: 'raylet.out', error: 'offset_conflict', expectedOffset: 6 }),
      { file: 'raylet.out', status: 'appended', offset: 6, nextOffset: 9 },
      { file: 'raylet.out', status: 'appended', offset: 9, nextOffset: 12 },
    ]);
    expect((await readLog(store))?.toString()).toBe('abcdefghijkl');
  });

  it(`answers a batch of more than ${MAX_BATCH_CHUNKS} chunks 413 and writes nothing`, async () => {
    const store = useFreshApp();
    const chunks = Array.from({ length: MAX_BATCH_CHUNKS + 1 }, (_, i) => ({
      file: 'raylet.out',
      offset: i,
      data: 'x',
    }));
    const r = await call(postBatch, postRequest('v1/batch', envelope(chunks)));
    expect(r).toMatchObject({
      status: 413,
      body: { error: 'too_many_chunks', field: 'chunks', limit: MAX_BATCH_CHUNKS },
    });
    expect(await allBlobs(store)).toEqual([]);
  });
});

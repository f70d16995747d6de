/**
 * A process killed while it held a body back (a chunked or gzip append of several pieces) leaves the
 * scratch blob's uncommitted blocks behind (issue 12: "no staged blocks left"). sweepScratch drops
 * scratch blobs older than any request can last.
 */
import { describe, expect, it } from 'vitest';
import { sweepScratch, SCRATCH_ORPHAN_MS } from '../../src/core/ingest/holdBack.js';
import { scratchBlob } from '../../src/core/layout.js';
import { freshStore } from '../helpers/storage.js';

describe('sweeping scratch blobs of requests that never finished', () => {
  it('drops uncommitted scratch blocks older than the limit and keeps younger ones', async () => {
    const store = freshStore();
    const orphan = scratchBlob('0f0f0f0f-orphan');
    await store.stageBlock(orphan, Buffer.from('00000000').toString('base64'), Buffer.alloc(1024, 1));
    const listed = async () =>
      (await store.list({ prefix: 'index/scratch/', pageSize: 100, includeUncommitted: true })).blobs.map(
        (b) => b.name,
      );
    expect(await listed()).toEqual([orphan]);
    // Young: a request may still be holding it.
    expect(await sweepScratch(store)).toBe(0);
    expect(await listed()).toEqual([orphan]);
    // As seen an hour and a second later: an orphan.
    const later = new Date(Date.now() + SCRATCH_ORPHAN_MS + 1_000);
    expect(await sweepScratch(store, SCRATCH_ORPHAN_MS, later)).toBe(1);
    expect(await listed()).toEqual([]);
  });
});

/**
 * Issue 17: reconcile proceeds in resumable chunks with its continuation in storage, so a container
 * of any size is reconciled across invocations, each within a budget. A container is reconciled
 * from an empty index by separate "invocations" (a fresh Reconciler each, as each timer run has),
 * one of which dies part-way; the result equals a one-shot reconcile's. The blob count is
 * RECONCILE_TEST_BLOBS (default 2,000, chunks of 250 and a 1-s budget so that the run spans many
 * invocations; at 100,000, chunks of 5,000 and the 5-s budget of the issue: `RECONCILE_TEST_BLOBS=100000
 * npx vitest run test/integration/indexReconcile.test.ts` on a quiet machine).
 */
import { describe, expect, it } from 'vitest';
import { Reconciler, reconcile, type ReconcileReport } from '../../src/core/index/reconcile.js';
import { MAX_LISTED } from '../../src/core/index/reconcileChecks.js';
import { logBlob, metadataBlob } from '../../src/core/layout.js';
import type { BlobStore } from '../../src/storage/blobStore.js';
import { StorageError } from '../../src/storage/errors.js';
import { freshStore } from '../helpers/storage.js';
import { dropIndex, logicalIndex } from './indexFixtures.js';

const BLOBS = Number(process.env.RECONCILE_TEST_BLOBS ?? 2000);
const FULL = BLOBS >= 50_000;
const PAGE = FULL ? 5000 : 250;
const BUDGET_MS = FULL ? 5000 : 1000;

const session = (i: number) => {
  const t = new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString();
  return `session_${t.slice(0, 10)}_${t.slice(11, 13)}-${t.slice(14, 16)}-${t.slice(17, 19)}_${String(i % 1e6).padStart(6, '0')}`;
};

/** `count` blobs: sessions of 10 blobs (metadata, 6 log files of 2 nodes, 3 event files) over 7 clusters. */
async function seed(store: BlobStore, count = BLOBS): Promise<number> {
  const names: [string, string][] = [];
  for (let s = 0; names.length < count; s++) {
    const ns = s % 3 === 0 ? 'team-b' : 'default';
    const ref = { cluster: `rc-${s % 7}`, clusterId: ns, session: session(s) };
    names.push([metadataBlob(ns, ref.cluster, ref.session), '{}']);
    for (let f = 0; f < 6; f++) names.push([logBlob(ref, `node-${f % 2}`, `f${f}.log`), 'x'.repeat(f + 1)]);
    for (let e = 0; e < 3; e++)
      names.push([
        `log/${ref.cluster}_${ns}/${ref.session}/node_events/node-0-20260101T00000${e}000Z-abcd.json`,
        '[]',
      ]);
  }
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const [name, body] = names[next++] as [string, string];
      await store.put(name, body, 'text/plain');
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  return count;
}

/** A store whose calls fail (as in an outage that ends the invocation) after `calls` of them. */
function dyingAfter(store: BlobStore, calls: number): BlobStore {
  let n = 0;
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const fn = (value as (...a: unknown[]) => Promise<unknown>).bind(target);
      return (...args: unknown[]) => {
        if (++n > calls) return Promise.reject(new StorageError('unavailable', 'the invocation died'));
        return fn(...args);
      };
    },
  });
}

describe(`resumable reconcile (${BLOBS.toLocaleString('en')} blobs)`, () => {
  it(
    `completes across invocations of ${BUDGET_MS} ms, one dying part-way, and equals a one-shot reconcile`,
    { timeout: FULL ? 7_200_000 : 600_000 },
    async () => {
      const store = freshStore('ixrec');
      await seed(store);
      const opts = { pageSize: PAGE };
      await new Reconciler(store, opts).start();
      let invocations = 0;
      let waited = 0;
      let died = false;
      let last: ReconcileReport | null | 'busy' = null;
      for (;;) {
        invocations++;
        // The second invocation dies after a hundred storage calls, in the middle of a chunk.
        const dies = invocations === 2;
        const r = new Reconciler(dies ? dyingAfter(store, 100) : store, opts);
        try {
          last = await r.step(BUDGET_MS);
        } catch (err) {
          if (!dies || !(err instanceof StorageError)) throw err;
          died = true;
          continue;
        }
        if (last === 'busy') {
          // The invocation that died holds the lease until it expires: later ones find it busy.
          waited++;
          await new Promise((r) => setTimeout(r, 200));
        }
        if (last === null || (last !== 'busy' && last.done)) break;
      }
      const worked = invocations - waited - 1;
      console.log(`reconciled ${BLOBS} blobs in ${worked} invocations of ${BUDGET_MS} ms (+1 that died)`);
      expect(died).toBe(true);
      expect(worked).toBeGreaterThan(2);
      expect(last).toMatchObject({ done: true, blobs: BLOBS, removed: [] });
      // From an empty index nothing is changed; the lists hold 1,000 names each, though, and past
      // that a session added from its logs is found again without its metadata and named as
      // changed (docs/indexer.md "Reconcile").
      if (BLOBS / 10 <= MAX_LISTED) expect(last).toMatchObject({ changed: [] });
      const chunked = last as ReconcileReport;
      const byChunks = await logicalIndex(store);

      await dropIndex(store);
      const oneShot = await reconcile(store, opts);
      expect(oneShot).toMatchObject({
        blobs: chunked.blobs,
        sessions: chunked.sessions,
        clusters: chunked.clusters,
        corrections: chunked.corrections,
      });
      expect(oneShot.added.length).toBe(chunked.added.length);
      expect(await logicalIndex(store)).toEqual(byChunks);
      expect(await reconcile(store, opts)).toMatchObject({ corrections: 0, written: 0, done: true });
    },
  );
});

/** A Reconciler whose first step is preceded by `meanwhile` (another worker's doing between two steps). */
function interleaved(store: BlobStore, meanwhile: () => Promise<void>): Reconciler {
  const r = new Reconciler(store, { pageSize: 50 });
  const step = r.step.bind(r);
  let first = true;
  r.step = async (budgetMs) => {
    if (first) {
      first = false;
      await meanwhile();
    }
    return step(budgetMs);
  };
  return r;
}

/** Steps the active run to its end, as the compaction timer's invocations do. */
async function stepToEnd(store: BlobStore): Promise<ReconcileReport> {
  for (;;) {
    const got = await new Reconciler(store, { pageSize: 50 }).step(60_000);
    if (got === null || got === 'busy') throw new Error(`unexpected step result ${String(got)}`);
    if (got.done) return got;
  }
}

describe('a whole run (the admin route, the CLI) while other workers step runs', () => {
  it('answers its own run when the compaction timer finished it between two steps', async () => {
    const store = freshStore('ixrecfin');
    await seed(store, 300);
    let byTimer: ReconcileReport | undefined;
    const report = await interleaved(store, async () => {
      byTimer = await stepToEnd(store);
    }).runToEnd();
    expect(byTimer).toMatchObject({ done: true, blobs: 300 });
    expect(report).toEqual(byTimer);
  });

  it("follows a run another caller started meanwhile to its end and answers that run's report", async () => {
    const store = freshStore('ixrecnew');
    await seed(store, 300);
    let newer: ReconcileReport | undefined;
    const r = interleaved(store, async () => {
      newer = await new Reconciler(store).start();
    });
    const report = await r.runToEnd();
    expect(newer).toBeDefined();
    expect(report).toMatchObject({ runId: newer?.runId, done: true, blobs: 300 });
    expect((await r.state())?.st).toMatchObject({ runId: newer?.runId, phase: 'done' });
  });
});

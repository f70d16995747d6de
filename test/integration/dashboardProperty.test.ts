/**
 * The exactness bar: the corpus split into requests, shuffled, duplicated (by resends and by files
 * that hold an event twice, as ingest's crash window can leave) and delivered concurrently through
 * ingest — with compactions running at the same time in small batches — gives every view exactly
 * as in-order delivery does. Seeded; the seed is printed.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compactSession, onEventFile } from '../../src/core/dashboard/index.js';
import { eventStamp, nodeEventsBlob, sessionPrefix } from '../../src/core/layout.js';
import type { BlobStore } from '../../src/storage/blobStore.js';
import { allViews, ingestInOrder, post, REF } from '../helpers/dashboard.js';
import { rayCorpus, type Posted } from '../helpers/rayCorpus.js';
import { freshStore } from '../helpers/storage.js';

const corpus = rayCorpus();
const SMALL = { batchFiles: 2, batchBytes: 64 * 1024, shardRows: 4 };
let expected: string;

beforeAll(async () => {
  const store = freshStore('dashref');
  await ingestInOrder(store, corpus);
  expected = JSON.stringify(await allViews(store));
});

/** A request: some events of one node, in a given order. */
interface Request {
  node: string;
  events: unknown[];
}

function requests(order: Posted[], cuts: number[]): Request[] {
  const byNode = new Map<string, unknown[]>();
  for (const p of order) byNode.set(p.postedBy, [...(byNode.get(p.postedBy) ?? []), p.event]);
  const out: Request[] = [];
  let k = 0;
  for (const [node, events] of byNode) {
    for (let i = 0; i < events.length;) {
      const n = 1 + ((cuts[k++ % cuts.length] ?? 0) % 9);
      out.push({ node, events: events.slice(i, i + n) });
      i += n;
    }
  }
  return out;
}

/** A file holding events twice, written as if ingest crashed between the file and the seen log. */
async function duplicateFile(store: BlobStore, events: Posted[]): Promise<void> {
  const node = events[0]?.postedBy ?? 'x';
  const same = events.filter((e) => e.postedBy === node).map((e) => e.event);
  const name = nodeEventsBlob(
    REF,
    node,
    eventStamp(new Date(), `dup${Math.random().toString(36).slice(2, 8)}`),
  );
  await store.putIfAbsent(name, JSON.stringify([...same, ...same]), 'application/json');
}

describe('delivery order, duplication and concurrency do not change the state', () => {
  it('matches in-order delivery for many seeds', async () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
    console.log(`dashboard delivery property: seed ${seed} (FC_SEED=${seed} replays it)`);
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(corpus, { minLength: corpus.length, maxLength: corpus.length }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(corpus.length - 1), { maxLength: 12 }),
        fc.integer({ min: 1, max: 6 }),
        async (order, cuts, resent, compactions) => {
          const store = freshStore('dashprop');
          const reqs = requests(order, cuts);
          const dup = resent.map((i) => corpus[i] as Posted);
          const work: Promise<unknown>[] = [
            ...reqs.map((r) => post(store, r.node, r.events)),
            ...dup.map((p) => post(store, p.postedBy, [p.event])),
            ...(dup.length > 0 ? [duplicateFile(store, dup)] : []),
            ...Array.from({ length: compactions }, () => compactSession(store, REF, { limits: SMALL })),
          ];
          await Promise.all(work);
          expect(JSON.stringify(await allViews(store))).toBe(expected);
        },
      ),
      { seed, numRuns: 10 },
    );
  }, 600_000);
});

describe('many triggers at once', () => {
  it('fold every event file without any read, and lose nothing', async () => {
    const store = freshStore('dashtrig');
    const reqs = requests(corpus, [3, 1, 4, 1, 5, 9, 2, 6]);
    await Promise.all(reqs.map((r) => post(store, r.node, r.events)));
    const files: string[] = [];
    for (const area of ['node_events/', 'job_events/']) {
      const page = await store.list({ prefix: sessionPrefix(REF) + area, pageSize: 5000 });
      files.push(...page.blobs.map((b) => b.name));
    }
    expect(files.length).toBeGreaterThan(10);
    const outcomes = await Promise.all(files.map((f) => onEventFile(store, f, { limits: SMALL })));
    expect(outcomes.every((o) => ['compacted', 'unchanged', 'folded'].includes(o.status))).toBe(true);
    // Every file is folded in by the triggers alone: the stored manifest counts every event.
    const manifest = await store.readText(`index/v1/dashboard/${sessionPrefix(REF).slice(4)}manifest.json`);
    expect(JSON.parse(manifest?.text ?? '{}')).toMatchObject({ events: corpus.length, complete: true });
    expect(JSON.stringify(await allViews(store))).toBe(expected);
  }, 300_000);
});

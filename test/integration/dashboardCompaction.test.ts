/**
 * The materialised state's life: freshness without a trigger (reads) and without a read (triggers),
 * shards that split and stay bounded, superseded documents kept for readers of an older manifest
 * and then deleted, corrupt state rebuilt from the events.
 */
import { describe, expect, it } from 'vitest';
import { compactSession, listTasks, onEventFile, type ReadOptions } from '../../src/core/dashboard/index.js';
import { DashboardCache } from '../../src/core/dashboard/cache.js';
import { MissingDocument, readManifest } from '../../src/core/dashboard/docs.js';
import { withManifest } from '../../src/core/dashboard/fresh.js';
import { parseManifest, referenced, type Manifest } from '../../src/core/dashboard/manifest.js';
import { dashboardManifestBlob, sessionPrefix } from '../../src/core/layout.js';
import type { BlobStore } from '../../src/storage/blobStore.js';
import { allViews, ingestInOrder, post, REF } from '../helpers/dashboard.js';
import { NAMES, rayCorpus, TASKS, type Posted } from '../helpers/rayCorpus.js';
import { freshStore } from '../helpers/storage.js';

const corpus = rayCorpus();
const half = Math.floor(corpus.length / 2);

async function manifestOf(store: BlobStore): Promise<Manifest> {
  const got = await store.readText(dashboardManifestBlob(REF));
  const m = got === null ? null : parseManifest(got.text);
  if (m === null) throw new Error('no manifest');
  return m;
}

async function exists(store: BlobStore, blob: string): Promise<boolean> {
  return (await store.properties(blob)) !== null;
}

async function eventFiles(store: BlobStore): Promise<string[]> {
  const out: string[] = [];
  for (const area of ['node_events/', 'job_events/'])
    out.push(
      ...(await store.list({ prefix: sessionPrefix(REF) + area, pageSize: 5000 })).blobs.map((b) => b.name),
    );
  return out;
}

async function deliver(store: BlobStore, posted: Posted[]): Promise<void> {
  for (const p of posted) await post(store, p.postedBy, [p.event]);
}

describe('freshness', () => {
  it('a read sees events stored after the last compaction, with no trigger (the events-seen log tells it)', async () => {
    const store = freshStore('dashfresh');
    await deliver(store, corpus.slice(0, half));
    await compactSession(store, REF);
    const before = (await listTasks(store, REF, { excludeDriver: false })).data.result.total;
    await deliver(store, corpus.slice(half));
    const after = (await listTasks(store, REF, { excludeDriver: false })).data.result.total;
    expect(after).toBeGreaterThan(before);
    expect(after).toBe(15);
  });

  it('a trigger folds its new file in without any read', async () => {
    const store = freshStore('dashtrig1');
    await ingestInOrder(store, corpus.slice(0, half));
    await compactSession(store, REF);
    const known = new Set(await eventFiles(store));
    await ingestInOrder(store, corpus.slice(half));
    const fresh = (await eventFiles(store)).filter((f) => !known.has(f));
    expect(fresh.length).toBeGreaterThan(0);
    for (const f of fresh) expect((await onEventFile(store, f)).status).toMatch(/compacted|folded/);
    expect((await manifestOf(store)).events).toBe(corpus.length);
    expect((await onEventFile(store, fresh[0] as string)).status).toBe('folded');
    expect((await onEventFile(store, `${sessionPrefix(REF)}logs/${NAMES.head}/raylet.out`)).status).toBe(
      'ignored',
    );
  });
});

describe('bounded shards and batches', () => {
  it('splits shards as they fill, folds in bounded batches over many rounds, and gives the same answers', async () => {
    const store = freshStore('dashsplit');
    const reference = freshStore('dashsplitref');
    await ingestInOrder(store, corpus);
    await ingestInOrder(reference, corpus);
    const r = await compactSession(store, REF, { limits: { batchFiles: 1, shardRows: 3 } });
    expect(r.rounds).toBeGreaterThan(3);
    expect(r.remaining).toBe(0);
    const m = await manifestOf(store);
    expect(m.tasks.length).toBeGreaterThan(1);
    expect(Math.max(...m.tasks.map((s) => s.count))).toBeLessThanOrEqual(3);
    expect(m.tasks.reduce((a, s) => a + s.count, 0)).toBe(15);
    expect(JSON.stringify(await allViews(store))).toBe(JSON.stringify(await allViews(reference)));
  });

  it('stops at its time budget, leaving the rest for the next compaction', async () => {
    const store = freshStore('dashbudget');
    await ingestInOrder(store, corpus);
    const first = await compactSession(store, REF, { limits: { batchFiles: 1 }, budgetMs: 0 });
    expect(first).toMatchObject({ rounds: 1, files: 1 });
    expect(first.remaining).toBeGreaterThan(0);
    expect((await manifestOf(store)).complete).toBe(false);
    const rest = await compactSession(store, REF);
    expect(rest.remaining).toBe(0);
    expect((await manifestOf(store)).events).toBe(corpus.length);
  });
});

describe('superseded documents', () => {
  it('stay while a reader may hold an older manifest, then go', async () => {
    const store = freshStore('dashgc');
    let clock = 1_000_000;
    const now = () => clock;
    const steps = [corpus.slice(0, 20), corpus.slice(20, 40), corpus.slice(40, 60), corpus.slice(60)];
    const manifests: Manifest[] = [];
    for (const step of steps) {
      await deliver(store, step);
      await compactSession(store, REF, { now });
      manifests.push(await manifestOf(store));
      clock += 10 * 60_000;
    }
    const [m1, , , m4] = manifests as [Manifest, Manifest, Manifest, Manifest];
    const onlyOld = referenced(m1).filter((b) => !referenced(m4).includes(b));
    expect(onlyOld.length).toBeGreaterThan(0);
    // Two generations and the grace period later, what only generation 1 named is gone...
    for (const b of onlyOld) expect(await exists(store, b)).toBe(false);
    // ...what the previous generation named is still there for readers holding it...
    const m3 = manifests[2] as Manifest;
    for (const b of referenced(m3).filter((x) => !referenced(m4).includes(x)))
      expect(await exists(store, b)).toBe(true);
    // ...and the current state is whole.
    for (const b of referenced(m4)) expect(await exists(store, b)).toBe(true);
  });

  it('a read whose document vanished under it reads the current manifest again', async () => {
    const store = freshStore('dashstale');
    await ingestInOrder(store, corpus);
    let calls = 0;
    const got = await withManifest(store, REF, {}, (m) => {
      calls += 1;
      if (calls === 1) return Promise.reject(new MissingDocument('gone'));
      return Promise.resolve(m.generation);
    });
    expect(calls).toBe(2);
    expect(got).toBeGreaterThan(0);
  });
});

describe('corrupt state', () => {
  const options = (): ReadOptions => ({ cache: new DashboardCache() });

  it('a manifest that is not ours is rebuilt from the events', async () => {
    const store = freshStore('dashcorrupt');
    await ingestInOrder(store, corpus);
    const expected = JSON.stringify(await allViews(store));
    await store.put(dashboardManifestBlob(REF), '{"schemaVersion": 99}', 'application/json');
    expect((await readManifest(store, dashboardManifestBlob(REF), new DashboardCache())).corrupt).toBe(true);
    expect(JSON.stringify(await allViews(store))).toBe(expected);
    expect((await manifestOf(store)).schemaVersion).toBe(1);
  });

  it('a damaged shard is rebuilt from the events when a read meets it', async () => {
    const store = freshStore('dashshard');
    await ingestInOrder(store, corpus);
    const expected = (
      await listTasks(
        store,
        REF,
        { filters: [{ key: 'task_id', predicate: '=', value: TASKS.h }] },
        options(),
      )
    ).data.result;
    const shard = (await manifestOf(store)).tasks.find((s) => s.blob !== null)?.blob as string;
    await store.put(shard, 'this is not a shard\n', 'application/x-ndjson');
    const again = (
      await listTasks(
        store,
        REF,
        { filters: [{ key: 'task_id', predicate: '=', value: TASKS.h }] },
        options(),
      )
    ).data.result;
    expect(again).toEqual(expected);
    expect((await manifestOf(store)).tasks.some((s) => s.blob === shard)).toBe(false);
  });
});

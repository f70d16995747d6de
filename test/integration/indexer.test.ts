import { describe, expect, it } from 'vitest';
import { Compactor } from '../../src/core/index/compactor.js';
import { Indexer } from '../../src/core/index/indexer.js';
import { TRAIL_WINDOW_S } from '../../src/core/index/journal.js';
import { clusterSessions, kubeRayClusters } from '../../src/core/index/read.js';
import { reconcile } from '../../src/core/index/reconcile.js';
import { clusterHeadBlob, sessionDocBlob, summaryBlob, type SessionRef } from '../../src/core/layout.js';
import type { BlobStore, ListOptions } from '../../src/storage/blobStore.js';
import { freshStore } from '../helpers/storage.js';
import {
  drain,
  dropIndex,
  journal,
  later,
  logicalIndex,
  Recorder,
  replay,
  shuffled,
} from './indexFixtures.js';

const session = (i: number) =>
  `session_2026-01-${String(10 + i).padStart(2, '0')}_10-52-59_${String(373533 + i).padStart(6, '0')}`;
const page = { limit: 1000 };

/** Three clusters, five sessions, segmented files, events, metadata, a foreign clusterId, a bad name. */
async function recordHistory(store: BlobStore): Promise<Recorder> {
  const rec = new Recorder(store);
  const a: SessionRef = { cluster: 'rc-a', clusterId: 'default', session: session(1) };
  const a2: SessionRef = { ...a, session: session(2) };
  const b: SessionRef = { cluster: 'rc-b', clusterId: 'team-x', session: session(3) };
  const c: SessionRef = { cluster: 'rc-a', clusterId: 'custom.Id-7', session: session(4) };
  await rec.log('default', a, 'head-1', 'raylet.out', ['one\n', 'two\n', 'three\n']);
  await rec.log('default', a, 'head-1', 'raylet.out', ['seg1\n', 'more\n'], 1);
  await rec.log('default', a, 'worker-2', 'events/event_GCS.log', ['e\n']);
  await rec.events('default', a, 'worker-3');
  await rec.metadata('default', a);
  await rec.log('default', a2, 'head-1', 'gcs_server.out', ['g\n', 'h\n']);
  await rec.metadata('default', { ...a2, session: session(5) }); // a session with only metadata
  await rec.log('team-x', b, 'head-9', 'raylet.out', ['x\n']);
  await rec.events('team-x', b, 'head-9');
  await rec.log('team-y', c, 'head-1', 'dashboard.log', ['d\n', 'd\n']);
  await store.put(`log/nounderscore/${session(1)}/logs/h/x`, 'x', 'text/plain');
  rec.notifications.push(`log/nounderscore/${session(1)}/logs/h/x`);
  return rec;
}

const nothingToFix = { added: [], removed: [], changed: [], corrections: 0, written: 0, done: true };

describe('indexer against Azurite', () => {
  it('replays a recorded stream twice, shuffled, with duplicates, from 3 instances, into the index reconcile builds', async () => {
    const store = freshStore('ix');
    const rec = await recordHistory(store);
    const stream = rec.notifications;
    await replay(store, shuffled([...stream, ...stream.slice(0, 9)], 7), 8, 3);
    await drain(store);
    const first = await logicalIndex(store);
    expect(await journal(store)).toEqual([]);
    await dropIndex(store);
    await replay(store, shuffled([...stream, ...stream, ...stream.slice(3, 11)], 99), 8, 3);
    await drain(store);
    expect(await logicalIndex(store)).toEqual(first);

    const report = await reconcile(store);
    expect(report).toMatchObject({ ...nothingToFix, sessions: 5, clusters: 3 });
    expect(report.skipped.map((s) => s.name)).toEqual([`log/nounderscore/${session(1)}/logs/h/x`]);
    expect(report.skipped[0]?.reason).toMatch(/not <root>/);
    // Reconcile alone, from nothing, builds the same index.
    await dropIndex(store);
    const built = await reconcile(store);
    expect(built.added).toHaveLength(5);
    expect(await logicalIndex(store)).toEqual(first);

    // What the index says, checked by hand against what was written.
    const a = await clusterSessions(store, 'default', 'rc-a', page);
    expect(a.sessions.map((s) => [s.sessionName, s.files, s.bytes, s.nodes])).toEqual([
      [session(5), 0, 0, []],
      [session(2), 1, 4, ['head-1']],
      [session(1), 2, 26, ['head-1', 'worker-2', 'worker-3']],
    ]);
    expect(a.sessions[2]?.clusterId).toBe('default');
    expect((await clusterSessions(store, 'team-y', 'rc-a', page)).sessions[0]).toMatchObject({
      clusterId: 'custom.Id-7',
      files: 1,
      bytes: 4,
    });
    const all = await kubeRayClusters(store);
    expect(all.map((r) => [r.namespace, r.name, r.sessionName])).toEqual([
      ['default', 'rc-a', session(5)],
      ['team-y', 'rc-a', session(4)],
      ['team-x', 'rc-b', session(3)],
      ['default', 'rc-a', session(2)],
      ['default', 'rc-a', session(1)],
    ]);
  });

  it('skips an unparseable blob name without throwing, and ignores its own index blobs', async () => {
    const store = freshStore('ix');
    const ix = new Indexer(store);
    expect(await ix.mark('log/rc_default/not-a-session/logs/h/x')).toMatchObject({
      status: 'skipped',
      marks: 0,
    });
    expect(await ix.mark('index/v2/summary.json')).toMatchObject({ status: 'ignored' });
    expect(await ix.mark(`log/rc_default/${session(1)}/logs/h/gone.log`)).toMatchObject({ status: 'gone' });
    expect(await logicalIndex(store)).toEqual({});
    expect(await journal(store)).toEqual([]);
  });

  it('rebuilds corrupted or deleted index documents by reconcile and reports what differed', async () => {
    const store = freshStore('ix');
    const rec = await recordHistory(store);
    await replay(store, rec.notifications);
    await drain(store);
    const good = await logicalIndex(store);
    const head = clusterHeadBlob('default', 'rc-a');
    await store.put(head, '{"schemaVersion":2,"pag', 'application/json');
    await store.delete(summaryBlob());
    await store.delete(sessionDocBlob({ namespace: 'team-x', cluster: 'rc-b', session: session(3) }));
    await expect(clusterSessions(store, 'default', 'rc-a', page)).rejects.toMatchObject({
      status: 500,
      code: 'index_corrupt',
    });

    // rc-a's sessions are missing from its unreadable pages; team-x's session lost its doc.
    const missing = [
      `team-x/rc-b/${session(3)}`,
      ...[1, 2, 5].map((i) => `default/rc-a/${session(i)}`),
    ].sort();
    const dry = await reconcile(store, { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, repaired: [head], changed: [], removed: [] });
    expect([...dry.added].sort()).toEqual(missing);
    expect(await journal(store)).toEqual([]);
    const report = await reconcile(store);
    expect(report).toMatchObject({ repaired: [head], changed: [], removed: [] });
    expect([...report.added].sort()).toEqual(missing);
    expect(await logicalIndex(store)).toEqual(good);
    expect(await reconcile(store)).toMatchObject(nothingToFix);
  });

  it('reports and removes sessions whose data was deleted (lifecycle expiry)', async () => {
    const store = freshStore('ix');
    const rec = await recordHistory(store);
    await replay(store, rec.notifications);
    await drain(store);
    for (const n of new Set(rec.notifications.filter((x) => x.includes('rc-b_team-x'))))
      await store.delete(n);
    const report = await reconcile(store);
    expect(report.removed).toEqual([`team-x/rc-b/${session(3)}`]);
    expect(await store.readText(clusterHeadBlob('team-x', 'rc-b'))).toBeNull();
    expect((await kubeRayClusters(store)).some((r) => r.name === 'rc-b')).toBe(false);
    await expect(clusterSessions(store, 'team-x', 'rc-b', page)).rejects.toMatchObject({ status: 404 });
    expect(await reconcile(store)).toMatchObject(nothingToFix);
  });

  it('never loses a trigger update made while a reconcile runs', async () => {
    const store = freshStore('ix');
    const rec = await recordHistory(store);
    await replay(store, rec.notifications);
    await drain(store);
    // Lifecycle expiry removed session 2 of rc-a, so reconcile must take it out ...
    for (const n of new Set(rec.notifications.filter((x) => x.includes(session(2))))) await store.delete(n);
    // ... and while it lists metadir/ (after log/), a new session of rc-a arrives and is indexed.
    let raced = false;
    const racing = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop !== 'list') return (Reflect.get(target, prop, receiver) as () => unknown).bind?.(target);
        return async (options: ListOptions) => {
          if (options.prefix === 'metadir/' && !raced) {
            raced = true;
            const ref = { cluster: 'rc-a', clusterId: 'default', session: session(7) };
            const ix = new Indexer(store);
            await ix.mark(await rec.log('default', ref, 'head', 'new.log', ['n\n']));
            await ix.compactor.run(10_000);
          }
          return target.list(options);
        };
      },
    });
    const report = await reconcile(racing);
    expect(raced).toBe(true);
    expect(report.removed).toEqual([`default/rc-a/${session(2)}`]);
    const listed = async () =>
      (await clusterSessions(store, 'default', 'rc-a', page)).sessions.map((s) => s.sessionName);
    expect(await listed()).toEqual([session(7), session(5), session(1)]);
    expect((await kubeRayClusters(store)).some((r) => r.sessionName === session(7))).toBe(true);
    await drain(store); // the trailing re-read of new.log
    expect(await reconcile(store)).toMatchObject(nothingToFix);
  });

  it('writes the index a bounded number of times under sustained appends; the trailing re-read makes bytes exact', async () => {
    const store = freshStore('ix');
    const ref: SessionRef = { cluster: 'hot', clusterId: 'default', session: session(1) };
    const rec = new Recorder(store);
    const files = ['a.log', 'b.log', 'c.log'];
    const names = await Promise.all(files.map((f) => rec.log('default', ref, 'head', f, [])));
    await replay(store, rec.notifications);
    await drain(store);
    let writes = 0;
    const counting = countingWrites(store, () => writes++);
    const ix = new Indexer(counting);
    const started = Date.now();
    const appends = 150;
    for (let i = 0; i < appends; i++) {
      const name = names[i % names.length] as string;
      const size = (await store.properties(name))?.size ?? 0;
      await store.appendAt(name, size, Buffer.from('line\n'));
      await ix.mark(name); // a notification per append: the polling trigger's worst case
      if (i % 50 === 49) await ix.compactor.run(10_000); // the timer, meanwhile
    }
    const windows = Math.floor((Date.now() - started) / 1000 / TRAIL_WINDOW_S) + 2;
    const minutes = Math.floor((Date.now() - started) / 60_000) + 2;
    await drain(counting);
    expect((await clusterSessions(store, 'default', 'hot', page)).sessions[0]).toMatchObject({
      files: 3,
      bytes: appends * 5,
    });
    // Per window: the session's trailing mark, then the session doc, its page and the mark's delete;
    // the head and the summary only when the activity minute moved.
    expect(writes).toBeLessThanOrEqual(windows * 4 + minutes * 2);
    expect(await reconcile(store)).toMatchObject(nothingToFix);
  });
});

/** The store, counting successful writes (puts and deletes) of index blobs other than the lock. */
export function countingWrites(store: BlobStore, count: () => void): BlobStore {
  const counted = new Set(['put', 'putIfAbsent', 'putIfMatch', 'putVersioned', 'delete']);
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const fn = (value as (...a: unknown[]) => Promise<unknown>).bind(target);
      if (!counted.has(String(prop))) return fn;
      return async (...args: unknown[]) => {
        const r = await fn(...args);
        const name = String(args[0]);
        if (name.startsWith('index/v2/') && !name.endsWith('.lock') && r !== false && r !== null) count();
        return r;
      };
    },
  });
}

describe('a compaction round that dies part-way', () => {
  it('is redone completely by the next one, wherever it died', { timeout: 600_000 }, async () => {
    const store = freshStore('ixdie');
    const rec = new Recorder(store);
    const ref: SessionRef = { cluster: 'rc', clusterId: 'default', session: session(1) };
    await rec.log('default', ref, 'head', 'raylet.out', ['a\n', 'bb\n']);
    await rec.log('default', ref, 'worker', 'w.log', ['w\n']);
    await rec.metadata('default', ref);
    await rec.log('default', { ...ref, session: session(2) }, 'head', 'x.log', ['x']);
    const mark = async () => {
      const ix = new Indexer(store);
      for (const n of rec.notifications) await ix.mark(n);
    };
    await mark();
    await drain(store);
    const expected = await logicalIndex(store);
    for (let calls = 1; ; calls++) {
      await dropIndex(store);
      await mark();
      let n = 0;
      const dying = new Proxy(store, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver) as unknown;
          if (typeof value !== 'function') return value;
          const fn = (value as (...a: unknown[]) => Promise<unknown>).bind(target);
          // Lease calls go through, so the next pass need not wait for the lease to run out.
          if (String(prop).endsWith('Lease')) return fn;
          return (...args: unknown[]) =>
            ++n > calls ? Promise.reject(new Error(`died after ${calls} calls`)) : fn(...args);
        },
      });
      const finished = await new Compactor(dying, { clock: later }).run(60_000).then(
        () => true,
        () => false,
      );
      await drain(store);
      expect(await logicalIndex(store), `died after ${calls} storage calls`).toEqual(expected);
      if (finished) break;
    }
  });
});

import { describe, expect, it } from 'vitest';
import { indexBlob } from '../../src/core/index/indexer.js';
import { clusterSessions, kubeRayClusters } from '../../src/core/index/read.js';
import { buildIndex, reconcile } from '../../src/core/index/reconcile.js';
import { canonical } from '../../src/core/index/schema.js';
import {
  clusterIndexBlob,
  sessionIndexBlob,
  summaryIndexBlob,
  type SessionRef,
} from '../../src/core/layout.js';
import type { BlobStore, ListOptions } from '../../src/storage/blobStore.js';
import { freshStore } from '../helpers/storage.js';
import { dropIndex, Recorder, replay, shuffled, snapshotIndex } from './indexFixtures.js';

const session = (i: number) =>
  `session_2026-01-${String(10 + i).padStart(2, '0')}_10-52-59_${String(373533 + i).padStart(6, '0')}`;

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

describe('indexer against Azurite', () => {
  it('replays a recorded stream twice, shuffled and with duplicates, into the index reconcile builds', async () => {
    const store = freshStore('ix');
    const rec = await recordHistory(store);
    const stream = rec.notifications;
    await replay(store, shuffled([...stream, ...stream.slice(0, 9)], 7));
    const first = await snapshotIndex(store);
    await dropIndex(store);
    await replay(store, shuffled([...stream, ...stream, ...stream.slice(3, 11)], 99));
    const second = await snapshotIndex(store);
    expect(second).toEqual(first);

    const built = await buildIndex(store);
    const rebuilt = new Map<string, string>([
      ...[...built.facts, ...built.clusters].map(([k, v]) => [k, canonical(v)] as [string, string]),
      [summaryIndexBlob(), canonical(built.summary)],
    ]);
    expect(first).toEqual(rebuilt);
    const report = await reconcile(store);
    expect(report).toMatchObject({
      added: [],
      removed: [],
      changed: [],
      written: 0,
      deleted: 0,
      sessions: 5,
    });
    expect(report.skipped.map((s) => s.name)).toEqual([`log/nounderscore/${session(1)}/logs/h/x`]);
    expect(report.skipped[0]?.reason).toMatch(/not <root>/);

    // What the index says, checked by hand against what was written.
    const a = await clusterSessions(store, 'default', 'rc-a');
    expect(a.sessions.map((s) => [s.sessionName, s.files, s.bytes, s.nodes])).toEqual([
      [session(5), 0, 0, []],
      [session(2), 1, 4, ['head-1']],
      [session(1), 2, 26, ['head-1', 'worker-2', 'worker-3']],
    ]);
    expect(a.sessions[2]?.clusterId).toBe('default');
    expect((await clusterSessions(store, 'team-y', 'rc-a')).sessions[0]).toMatchObject({
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
    expect(await indexBlob(store, 'log/rc_default/not-a-session/logs/h/x')).toMatchObject({
      status: 'skipped',
      writes: 0,
    });
    expect(await indexBlob(store, 'index/v1/summary.json')).toMatchObject({ status: 'ignored' });
    expect(await indexBlob(store, `log/rc_default/${session(1)}/logs/h/gone.log`)).toMatchObject({
      status: 'gone',
    });
    expect(await snapshotIndex(store)).toEqual(new Map());
  });

  it('rebuilds a corrupted or deleted index blob by reconcile and reports what differed', async () => {
    const store = freshStore('ix');
    const rec = await recordHistory(store);
    await replay(store, rec.notifications);
    const good = await snapshotIndex(store);
    const clusterBlob = clusterIndexBlob('default', 'rc-a');
    await store.put(clusterBlob, '{"schemaVersion":1,"sessi', 'application/json');
    await store.delete(summaryIndexBlob());
    await store.delete(sessionIndexBlob('team-x', 'rc-b', session(3)));
    await store.put(sessionIndexBlob('default', 'rc-zombie', session(9)), '{}', 'application/json');
    await expect(clusterSessions(store, 'default', 'rc-a')).rejects.toMatchObject({
      status: 500,
      code: 'index_corrupt',
    });

    const dry = await reconcile(store, { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, written: 3, deleted: 1, repaired: [clusterBlob] });
    expect(await snapshotIndex(store)).not.toEqual(good);
    const report = await reconcile(store);
    expect(report.repaired).toEqual([clusterBlob]);
    expect(report.added).toEqual([
      `default/rc-a/${session(1)}`,
      `default/rc-a/${session(2)}`,
      `default/rc-a/${session(5)}`,
    ]);
    expect(report.skipped.map((s) => s.name)).toEqual([`log/nounderscore/${session(1)}/logs/h/x`]);
    expect(await snapshotIndex(store)).toEqual(good);
    expect(await reconcile(store)).toMatchObject({
      added: [],
      removed: [],
      changed: [],
      written: 0,
      deleted: 0,
    });
  });

  it('reports and removes sessions whose data was deleted (lifecycle expiry)', async () => {
    const store = freshStore('ix');
    const rec = await recordHistory(store);
    await replay(store, rec.notifications);
    const gone = rec.notifications.filter((n) => n.includes('rc-b_team-x'));
    for (const n of new Set(gone)) await store.delete(n);
    const report = await reconcile(store);
    expect(report.removed).toEqual([`team-x/rc-b/${session(3)}`]);
    expect(await store.readText(clusterIndexBlob('team-x', 'rc-b'))).toBeNull();
    expect((await kubeRayClusters(store)).some((r) => r.name === 'rc-b')).toBe(false);
  });

  it('never loses a trigger update made while a reconcile runs', async () => {
    const store = freshStore('ix');
    const rec = await recordHistory(store);
    await replay(store, rec.notifications);
    // Lifecycle expiry removed session 2 of rc-a, so reconcile must rewrite rc-a's index ...
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
            await indexBlob(store, await rec.log('default', ref, 'head', 'new.log', ['n\n']));
          }
          return target.list(options);
        };
      },
    });
    const report = await reconcile(racing);
    expect(raced).toBe(true);
    expect(report.merged).toBeGreaterThan(0);
    const listed = async () =>
      (await clusterSessions(store, 'default', 'rc-a')).sessions.map((s) => s.sessionName);
    expect(await listed()).toContain(session(7));
    expect((await kubeRayClusters(store)).some((r) => r.sessionName === session(7))).toBe(true);
    // The deletion that raced a live update is applied by the next reconcile, which is then exact.
    expect((await reconcile(store)).removed).toEqual([`default/rc-a/${session(2)}`]);
    expect(await listed()).toEqual([session(7), session(5), session(1)]);
    expect(await reconcile(store)).toMatchObject({
      added: [],
      removed: [],
      changed: [],
      written: 0,
      merged: 0,
    });
  });

  it('deletes an index document only if no trigger rewrote it since reconcile read it', async () => {
    const store = freshStore('ix');
    await store.put('index/v1/clusters/default_x.json', '{"a":1}', 'application/json');
    const seen = await store.readText('index/v1/clusters/default_x.json');
    await store.put('index/v1/clusters/default_x.json', '{"a":2}', 'application/json');
    expect(await store.delete('index/v1/clusters/default_x.json', seen?.etag)).toBe(false);
    const now = await store.readText('index/v1/clusters/default_x.json');
    expect(now?.text).toBe('{"a":2}');
    expect(await store.delete('index/v1/clusters/default_x.json', now?.etag)).toBe(true);
  });

  it('loses no update when many sessions of one cluster are indexed at once', async () => {
    const store = freshStore('ix');
    const rec = new Recorder(store);
    const n = 40;
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        rec.log(
          'default',
          {
            cluster: 'busy',
            clusterId: 'default',
            session: session(i % 20).replace(/_\d{6}$/, `_${String(i).padStart(6, '0')}`),
          },
          'h',
          'raylet.out',
          ['x'],
        ),
      ),
    );
    await replay(store, shuffled(rec.notifications, 3), 16);
    const listed = await clusterSessions(store, 'default', 'busy');
    expect(listed.sessions).toHaveLength(n);
    expect(listed.sessions.every((s) => s.files === 1 && s.bytes === 1)).toBe(true);
    expect(await kubeRayClusters(store)).toHaveLength(n);
  });

  it('writes the index a bounded number of times under sustained appends, and reconcile makes bytes exact', async () => {
    const store = freshStore('ix');
    let writes = 0;
    const counting = countingWrites(store, () => writes++);
    const ref: SessionRef = { cluster: 'hot', clusterId: 'default', session: session(1) };
    const rec = new Recorder(store);
    const files = ['a.log', 'b.log', 'c.log'];
    const names = await Promise.all(files.map((f) => rec.log('default', ref, 'head', f, [])));
    const started = Date.now();
    const appends = 150;
    for (let i = 0; i < appends; i++) {
      const name = names[i % names.length] as string;
      const size = (await store.properties(name))?.size ?? 0;
      await store.appendAt(name, size, Buffer.from('line\n'));
      await indexBlob(counting, name); // a notification per append: the polling trigger's worst case
    }
    const minutes = Math.ceil((Date.now() - started) / 60_000) + 1;
    // New files: facts + cluster + summary; then at most the same three per file per minute.
    expect(writes).toBeLessThanOrEqual(3 * files.length + 3 * files.length * minutes);
    const report = await reconcile(store);
    const entry = (await clusterSessions(store, 'default', 'hot')).sessions[0];
    expect(entry).toMatchObject({ files: 3, bytes: appends * 5 });
    expect(report.added).toEqual([]);
  });
});

/** The store, counting successful writes of index documents. */
function countingWrites(store: BlobStore, count: () => void): BlobStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (prop === 'update') {
        return async (...args: Parameters<BlobStore['update']>) => {
          const r = await target.update(...args);
          if (r.written) count();
          return r;
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

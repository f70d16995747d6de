/**
 * The indexer over data written by the real ingest handlers (not fixtures): 100 sessions across 10
 * clusters ingested concurrently, then the trigger's backlog drained (every blob under log/ and
 * metadir/, shuffled, 8 at a time from 4 instances, as the polling trigger's first run delivers
 * them), then the journal (the trailing re-reads ingest asked for). The full scenario (200
 * sessions, 20 clusters) runs over real HTTP through the local host in test/e2e/index.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { Compactor } from '../../src/core/index/compactor.js';
import { Indexer } from '../../src/core/index/indexer.js';
import { reconcile } from '../../src/core/index/reconcile.js';
import { storeBatch } from '../../src/core/ingest/batch.js';
import { metadataBlob } from '../../src/core/layout.js';
import { appendLog } from '../../src/functions/appendLog.js';
import { listClusters } from '../../src/functions/listClusters.js';
import { listClustersV1 } from '../../src/functions/listClustersV1.js';
import { listSessions } from '../../src/functions/listSessions.js';
import { HttpRequest } from '@azure/functions';
import type { BlobStore } from '../../src/storage/blobStore.js';
import { call, putRequest, useFreshApp } from './ingestSupport.js';
import { drain, replay, shuffled } from './indexFixtures.js';

const CLUSTERS = 10;

const session = (c: number, s: number) =>
  `session_2026-0${1 + (s % 9)}-${String(1 + c).padStart(2, '0')}_10-00-00_${String(c * 100 + s).padStart(6, '0')}`;

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

async function allData(store: BlobStore): Promise<string[]> {
  const names: string[] = [];
  for (const prefix of ['log/', 'metadir/']) {
    let cursor: string | undefined;
    do {
      const page = await store.list({ prefix, pageSize: 5000, ...(cursor && { cursor }) });
      names.push(...page.blobs.map((b) => b.name));
      cursor = page.cursor;
    } while (cursor !== undefined);
  }
  return names;
}

const get = (url: string, params: Record<string, string> = {}) =>
  new HttpRequest({ method: 'GET', url: `http://localhost${url}`, params });

describe('indexer over data from the ingest handlers', () => {
  it(
    'lists all 100 sessions of 10 clusters ingested concurrently, with the right counts',
    { timeout: 240_000 },
    async () => {
      const store = useFreshApp();
      const work: { c: number; s: number; node: string; file: string; text: string }[] = [];
      for (let c = 0; c < CLUSTERS; c++) {
        for (let s = 0; s < 10; s++) {
          work.push({ c, s, node: 'head', file: 'raylet.out', text: `c${c} s${s}\n` });
          work.push({ c, s, node: `worker-${s % 3}`, file: 'logs/worker.err', text: 'x'.repeat(c + 1) });
        }
      }
      await pool(shuffled(work, 5), 16, async ({ c, s, node, file, text }) => {
        const params = { namespace: `ns-${c % 4}`, cluster: `rc-${c}`, session: session(c, s), node, file };
        const r = await call(appendLog, putRequest({ offset: 0, body: text, params }));
        expect(r.status).toBe(200);
      });
      const backlog = await allData(store);
      expect(backlog.filter((n) => n.startsWith('metadir/'))).toHaveLength(CLUSTERS * 10);
      await replay(store, shuffled([...backlog, ...backlog.slice(0, 50)], 11), 8, 4);
      await drain(store);

      const rows = (await call(listClusters, get('/api/clusters'))).body as unknown as {
        createTimeStamp: number;
      }[];
      expect(rows).toHaveLength(CLUSTERS * 10);
      const stamps = rows.map((r) => r.createTimeStamp);
      expect(stamps).toEqual([...stamps].sort((a, b) => b - a));
      const v1 = (await call(listClustersV1, get('/api/v1/clusters'))).body as {
        clusters?: { name: string; namespace: string; sessions: number }[];
      };
      expect(v1.clusters).toHaveLength(CLUSTERS);
      expect(
        v1.clusters?.every((c) => c.sessions === 10 && c.namespace === `ns-${Number(c.name.slice(3)) % 4}`),
      ).toBe(true);
      for (let c = 0; c < CLUSTERS; c++) {
        const r = await call(listSessions, get('/x', { namespace: `ns-${c % 4}`, cluster: `rc-${c}` }));
        const sessions = (
          r.body as { sessions: { sessionName: string; files: number; bytes: number; nodes: string[] }[] }
        ).sessions;
        expect(sessions).toHaveLength(10);
        for (const x of sessions) {
          const s = Number(x.sessionName.slice(-6)) - c * 100;
          expect(x).toMatchObject({
            files: 2,
            bytes: `c${c} s${s}\n`.length + c + 1,
            nodes: ['head', `worker-${s % 3}`],
          });
        }
      }
      expect(await reconcile(store)).toMatchObject({
        sessions: CLUSTERS * 10,
        added: [],
        removed: [],
        changed: [],
        corrections: 0,
        written: 0,
        skippedCount: 0,
      });
    },
  );

  it('lists sessions whose news waits in the journal before any compaction round, in every listing, exactly as the round then does', async () => {
    const store = useFreshApp();
    const append = async (cluster: string, sessionName: string) => {
      const params = { namespace: 'ns-a', cluster, session: sessionName, node: 'head', file: 'raylet.out' };
      expect((await call(appendLog, putRequest({ offset: 0, body: 'x\n', params }))).status).toBe(200);
    };
    type Row = { namespace: string; name: string; sessionName: string; createTimeStamp: number };
    const listed = async () => (await call(listClusters, get('/api/clusters'))).body as unknown as Row[];
    // One session already compacted ...
    await append('rc-a', session(0, 5));
    await new Compactor(store).run(10_000);
    // ... then, with no round since: two sessions announced by ingest (one older than the compacted
    // one), and one only a blob trigger saw (written to storage directly, as a collector may).
    await append('rc-b', session(1, 7));
    await append('rc-c', session(2, 1));
    const direct = `log/rc-d_ns-a/${session(3, 8)}/logs/head/raylet.out`;
    await store.put(direct, 'y\n', 'text/plain');
    expect(await new Indexer(store).mark(direct)).toMatchObject({ status: 'news', marks: 1 });
    const v1 = async () => {
      const clusters = (await call(listClustersV1, get('/api/v1/clusters'))).body;
      const pages = [];
      for (const cluster of ['rc-a', 'rc-b', 'rc-c', 'rc-d']) {
        const r = await call(listSessions, get('/x', { namespace: 'ns-a', cluster }));
        expect(r.status).toBe(200);
        pages.push(r.body);
        // Paged one at a time as well (a cluster the index does not hold yet pages the same way).
        const one = await call(
          listSessions,
          new HttpRequest({
            method: 'GET',
            url: 'http://localhost/x?limit=1',
            params: { namespace: 'ns-a', cluster },
          }),
        );
        expect((one.body as { sessions: unknown[] }).sessions).toHaveLength(1);
      }
      return { clusters, pages };
    };
    const before = await listed();
    const v1Before = await v1();
    expect(v1Before.clusters).toMatchObject({
      clusters: [
        { name: 'rc-a', sessions: 1 },
        { name: 'rc-b', sessions: 1, latestSession: session(1, 7) },
        { name: 'rc-c', sessions: 1 },
        { name: 'rc-d', sessions: 1, clusterIds: ['ns-a'] },
      ],
    });
    expect(v1Before.pages[3]).toMatchObject({
      sessions: [{ sessionName: session(3, 8), files: 1, bytes: 2, nodes: ['head'] }],
    });
    expect((await call(listSessions, get('/x', { namespace: 'ns-a', cluster: 'rc-none' }))).status).toBe(404);
    expect(before.map((r) => [r.namespace, r.name, r.sessionName])).toEqual([
      ['ns-a', 'rc-d', session(3, 8)],
      ['ns-a', 'rc-b', session(1, 7)],
      ['ns-a', 'rc-a', session(0, 5)],
      ['ns-a', 'rc-c', session(2, 1)],
    ]);
    // The round applies the news: the same answer, now from the newest-sessions document alone.
    await new Compactor(store).run(10_000);
    expect((await store.list({ prefix: 'index/v2/journal/n/', pageSize: 10 })).blobs).toEqual([]);
    expect(await listed()).toEqual(before);
    expect(await v1()).toEqual(v1Before);
  });

  it('lists a new session by the next compaction round, before any trigger ran; the trigger then finds it indexed', async () => {
    const store = useFreshApp();
    const params = {
      namespace: 'ns-a',
      cluster: 'rc-new',
      session: session(0, 1),
      node: 'head',
      file: 'raylet.out',
    };
    expect((await call(appendLog, putRequest({ offset: 0, body: 'hello\n', params }))).status).toBe(200);
    // A batch carrying metadata creates its session by a read-modify-write: announced as well.
    const chunks = [{ file: 'gcs_server.out', offset: 0, data: 'gcs\n' }];
    const batch = {
      ...params,
      session: session(0, 2),
      clusterId: 'ns-a',
      chunks,
      events: [],
      metadata: { owner: 'me' },
    };
    expect((await storeBatch(store, batch, 45_000)).metadata).toBe('written');
    // No blob trigger has run: only the compactor, as a timer tick (trailing re-reads not yet due).
    await new Compactor(store).run(10_000);
    const rows = (await call(listClusters, get('/api/clusters'))).body as unknown as {
      name: string;
      namespace: string;
      sessionName: string;
    }[];
    expect(rows.map((r) => [r.namespace, r.name, r.sessionName]).sort()).toEqual([
      ['ns-a', 'rc-new', session(0, 1)],
      ['ns-a', 'rc-new', session(0, 2)],
    ]);
    // The metadata trigger, when it comes: nothing new, nothing written.
    const blob = metadataBlob('ns-a', 'rc-new', session(0, 1));
    expect(await new Indexer(store).mark(blob)).toEqual({ status: 'unchanged', marks: 0 });
    // And once the rest is indexed, the index equals a reconcile's.
    await replay(store, await allData(store), 1, 1);
    await drain(store);
    expect(await reconcile(store)).toMatchObject({
      added: [],
      removed: [],
      changed: [],
      corrections: 0,
      written: 0,
    });
  });
});

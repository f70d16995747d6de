import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import type { Deps } from '../../src/app/deps.js';
import { indexLogBlob } from '../../src/functions/indexLogBlob.js';
import { indexMetadataBlob } from '../../src/functions/indexMetadataBlob.js';
import { listClusters } from '../../src/functions/listClusters.js';
import { listClustersV1 } from '../../src/functions/listClustersV1.js';
import { listSessions } from '../../src/functions/listSessions.js';
import { reindex } from '../../src/functions/reindex.js';
import type { HttpFunction } from '../../src/http/route.js';
import { testDeps } from '../helpers/app.js';
import { unreachableStore } from '../helpers/storage.js';
import { drain, Recorder } from './indexFixtures.js';

const S_OLD = 'session_2026-01-27_10-52-59_373533_1';
const S_NEW = 'session_2026-02-01_08-00-00_000001';

let deps: Deps = testDeps();

function useAzurite(): string {
  deps = testDeps();
  return deps.store.container;
}

function useDeadStorage(): void {
  deps = testDeps({ store: unreachableStore() });
}

async function notify(container: string, name: string): Promise<void> {
  const root = name.split('/')[0] ?? '';
  const context = new InvocationContext({
    functionName: root === 'log' ? 'indexLogBlob' : 'indexMetadataBlob',
    triggerMetadata: { blobTrigger: `${container}/${name}`, name: name.slice(root.length + 1) },
  });
  const handler = (root === 'log' ? indexLogBlob : indexMetadataBlob)(deps);
  await handler(Buffer.alloc(0), context);
}

async function call(fn: HttpFunction, url: string, params: Record<string, string> = {}, method = 'GET') {
  const req = new HttpRequest({ method, url: `http://localhost${url}`, params });
  const res = (await fn.make(deps)(req, new InvocationContext({ functionName: 'test' }))) as HttpResponseInit;
  return {
    status: res.status,
    headers: new Headers(res.headers),
    body: JSON.parse(res.body as string) as unknown,
  };
}

describe('listing routes and blob triggers (handlers against Azurite)', () => {
  it('indexes through the trigger handlers and lists in KubeRay’s exact shape, newest first', async () => {
    const container = useAzurite();
    const rec = new Recorder(deps.store);
    await rec.log('default', { cluster: 'rc', clusterId: 'default', session: S_OLD }, 'head', 'raylet.out', [
      'hi\n',
    ]);
    await rec.metadata('ml', { cluster: 'trainer', clusterId: 'ml', session: S_NEW });
    for (const name of rec.notifications) await notify(container, name);
    await notify(container, 'log/not_a/valid/blob'); // logged and skipped: it must not throw
    // The session is listed at once (news); its bytes come with the trailing re-read.
    expect((await call(listClusters, '/api/clusters')).body).toHaveLength(2);
    await drain(deps.store);

    const res = await call(listClusters, '/api/clusters');
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      {
        name: 'trainer',
        namespace: 'ml',
        sessionName: S_NEW,
        createTime: '2026-02-01T08:00:00Z',
        createTimeStamp: 1769932800,
      },
      {
        name: 'rc',
        namespace: 'default',
        sessionName: S_OLD,
        createTime: '2026-01-27T10:52:59Z',
        createTimeStamp: 1769511179,
      },
    ]);

    const v1 = await call(listClustersV1, '/api/v1/clusters');
    expect(v1.body).toEqual({
      clusters: [
        {
          namespace: 'default',
          name: 'rc',
          clusterIds: ['default'],
          sessions: 1,
          latestSession: S_OLD,
          lastActivity: expect.any(String) as string,
        },
        {
          namespace: 'ml',
          name: 'trainer',
          clusterIds: ['ml'],
          sessions: 1,
          latestSession: S_NEW,
          lastActivity: expect.any(String) as string,
        },
      ],
    });

    const sessions = await call(listSessions, '/api/v1/clusters/default/rc/sessions', {
      namespace: 'default',
      cluster: 'rc',
    });
    expect(sessions.status).toBe(200);
    expect(sessions.body).toMatchObject({
      namespace: 'default',
      name: 'rc',
      sessions: [
        {
          sessionName: S_OLD,
          clusterId: 'default',
          createTime: '2026-01-27T10:52:59Z',
          createTimeStamp: 1769511179,
          nodes: ['head'],
          files: 1,
          bytes: 3,
        },
      ],
    });
    const onlyMeta = await call(listSessions, '/x', { namespace: 'ml', cluster: 'trainer' });
    expect(onlyMeta.body).toMatchObject({
      sessions: [{ sessionName: S_NEW, clusterId: 'ml', files: 0, nodes: [] }],
    });
  });

  it('pages …/sessions and /api/v1/clusters with limit and an opaque cursor', async () => {
    const container = useAzurite();
    const rec = new Recorder(deps.store);
    const names = Array.from(
      { length: 12 },
      (_, i) => `session_2026-03-${String(i + 1).padStart(2, '0')}_00-00-00_000001`,
    );
    for (const [i, s] of names.entries()) {
      await rec.metadata('paged', { cluster: i < 9 ? 'big' : `small-${i}`, clusterId: 'paged', session: s });
    }
    for (const name of rec.notifications) await notify(container, name);
    await drain(deps.store);

    const walked: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const q = `limit=4${cursor === undefined ? '' : `&cursor=${cursor}`}`;
      const res = await call(listSessions, `/x?${q}`, { namespace: 'paged', cluster: 'big' });
      const body = res.body as { sessions: { sessionName: string }[]; nextCursor?: string };
      walked.push(...body.sessions.map((x) => x.sessionName));
      cursor = body.nextCursor;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(walked).toEqual(names.slice(0, 9).reverse());

    const first = await call(listClustersV1, '/api/v1/clusters?limit=2');
    const firstBody = first.body as { clusters: { name: string }[]; nextCursor: string };
    expect(firstBody.clusters.map((c) => c.name)).toEqual(['big', 'small-10']);
    const rest = await call(listClustersV1, `/api/v1/clusters?limit=2&cursor=${firstBody.nextCursor}`);
    expect(rest.body).toEqual({
      clusters: [expect.objectContaining({ name: 'small-11' }), expect.objectContaining({ name: 'small-9' })],
    });

    const badLimit = await call(listSessions, '/x?limit=0', { namespace: 'paged', cluster: 'big' });
    expect(badLimit).toMatchObject({ status: 400, body: { error: 'invalid_parameter', field: 'limit' } });
    // A cursor handed out for another query is refused, not followed.
    const foreign = await call(listSessions, `/x?cursor=${firstBody.nextCursor}`, {
      namespace: 'paged',
      cluster: 'big',
    });
    expect(foreign).toMatchObject({ status: 400, body: { error: 'invalid_parameter', field: 'cursor' } });
    // GET /api/clusters keeps upstream's unpaged array.
    expect((await call(listClusters, '/api/clusters')).body).toHaveLength(12);
  });

  it('answers 404 for an unknown cluster and 400 naming a bad parameter', async () => {
    useAzurite();
    const missing = await call(listSessions, '/x', { namespace: 'default', cluster: 'nope' });
    expect(missing).toMatchObject({ status: 404, body: { error: 'cluster_not_found' } });
    const bad = await call(listSessions, '/x', { namespace: 'Bad_NS', cluster: 'rc' });
    expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_parameter', field: 'namespace' } });
    expect((await call(listClusters, '/api/clusters')).body).toEqual([]);
  });

  it('answers 503 with Retry-After, never an empty list, when storage is unreachable', async () => {
    useDeadStorage();
    for (const [handler, params] of [
      [listClusters, {}],
      [listClustersV1, {}],
      [listSessions, { namespace: 'default', cluster: 'rc' }],
    ] as const) {
      const res = await call(handler, '/x', params);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ error: 'storage_unavailable' });
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    // The trigger throws, so that the host retries the notification later.
    await expect(notify('c', `log/rc_default/${S_OLD}/logs/h/raylet.out`)).rejects.toThrow(/unreachable/);
  });

  it('reindexes over the admin route, with a dry run, and rejects a bad flag', async () => {
    useAzurite();
    const rec = new Recorder(deps.store);
    await rec.log('default', { cluster: 'rc', clusterId: 'default', session: S_OLD }, 'head', 'raylet.out', [
      'x',
    ]);
    const dry = await call(reindex, '/api/v1/admin/reindex?dryRun=true', {}, 'POST');
    expect(dry).toMatchObject({
      status: 200,
      body: { dryRun: true, added: [`default/rc/${S_OLD}`], corrections: 1, done: true },
    });
    expect((await call(listClusters, '/api/clusters')).body).toEqual([]);
    const real = await call(reindex, '/api/v1/admin/reindex', {}, 'POST');
    expect(real).toMatchObject({
      status: 200,
      body: { dryRun: false, added: [`default/rc/${S_OLD}`], sessions: 1 },
    });
    expect((await call(listClusters, '/api/clusters')).body).toHaveLength(1);
    const bad = await call(reindex, '/api/v1/admin/reindex?dryRun=yes', {}, 'POST');
    expect(bad).toMatchObject({ status: 400, body: { field: 'dryRun' } });
  });
});

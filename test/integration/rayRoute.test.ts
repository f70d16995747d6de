/**
 * The two forms of a Ray Dashboard path (src/http/rayRoute.ts) against Azurite: the shareable
 * session-scoped form and upstream's root form chosen by cookies reach one handler with the same
 * located session; `latest` is the cluster's newest session; the root form renews its cookies and
 * answers 400 naming a missing cookie.
 */
import { describe, expect, it } from 'vitest';
import { reconcile } from '../../src/core/index/reconcile.js';
import { defineRayRoute, rayFunctions, type RayInput } from '../../src/http/rayRoute.js';
import { json } from '../../src/http/respond.js';
import { z } from '../../src/schemas/zod.js';
import { call, testDeps } from '../helpers/app.js';
import { Recorder } from './indexFixtures.js';

const OLD = 'session_2026-01-27_10-52-59_373533_1';
const NEW = 'session_2026-02-01_08-00-00_000001';

const probe = defineRayRoute({
  name: 'probeRoute',
  rayPath: 'probe/{item}',
  method: 'GET',
  tags: ['test'],
  summary: 'echoes where it was asked',
  params: z.object({ item: z.string() }),
  query: z.object({ n: z.string().optional() }),
  responses: { 200: { description: 'where' } },
  errors: [],
});

async function setUp() {
  const deps = testDeps();
  const rec = new Recorder(deps.store);
  for (const session of [OLD, NEW]) {
    await rec.log('default', { cluster: 'rc', clusterId: 'default', session }, 'head', 'raylet.out', ['x\n']);
  }
  await rec.log('default', { cluster: 'rc', clusterId: 'other', session: OLD }, 'head', 'raylet.out', [
    'x\n',
  ]);
  await reconcile(deps.store);
  const seen: Omit<RayInput, 'req' | 'context'>[] = [];
  const [scoped, root] = rayFunctions(probe, () => async ({ session, params, query }) => {
    seen.push({ session, params, query });
    return Promise.resolve(json(200, { ok: true }));
  });
  if (scoped === undefined || root === undefined) throw new Error('two forms expected');
  return { deps, seen, scoped: scoped.make(deps), root: root.make(deps) };
}

describe('a dashboard path in its two forms', () => {
  it('declares the shareable path under the session and the root path, auth as the query routes', () => {
    expect(probe.scoped).toMatchObject({
      name: 'probeRoute',
      path: '/api/v1/clusters/{namespace}/{cluster}/sessions/{session}/ray/probe/{item}',
      auth: 'query',
    });
    expect(probe.root).toMatchObject({ name: 'probeRouteRoot', path: '/probe/{item}', auth: 'query' });
  });

  it('locates the session of the path, `latest` being the newest, with the path and query parameters', async () => {
    const { scoped, seen } = await setUp();
    const base = { namespace: 'default', cluster: 'rc', item: 'a' };
    expect((await call(scoped, { ...base, session: OLD }, { n: '1' })).status).toBe(200);
    expect((await call(scoped, { ...base, session: 'latest' })).status).toBe(200);
    expect((await call(scoped, { ...base, session: OLD }, { clusterId: 'other' })).status).toBe(200);
    expect(seen).toEqual([
      {
        session: { namespace: 'default', cluster: 'rc', clusterId: 'default', session: OLD },
        params: { item: 'a' },
        query: { n: '1' },
      },
      { session: expect.objectContaining({ session: NEW }) as unknown, params: { item: 'a' }, query: {} },
      {
        session: expect.objectContaining({ clusterId: 'other', session: OLD }) as unknown,
        params: { item: 'a' },
        query: {},
      },
    ]);
    const bad = await call(scoped, { ...base, session: 'session_x' });
    expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_parameter', field: 'session' } });
    const unknown = await call(scoped, { ...base, cluster: 'nope', session: 'latest' });
    expect(unknown).toMatchObject({ status: 404, body: { error: 'cluster_not_found' } });
  });

  it('takes the session from the cookies in the root form and renews them', async () => {
    const { root, seen } = await setUp();
    const cookie = `cluster_name=rc; cluster_namespace=default; session_name=${OLD}`;
    const r = await call(root, { item: 'b' }, {}, { cookie });
    expect(r.status).toBe(200);
    expect(seen[0]?.session).toEqual({
      namespace: 'default',
      cluster: 'rc',
      clusterId: 'default',
      session: OLD,
    });
    expect(r.cookies).toEqual([
      { name: 'cluster_name', value: 'rc', maxAge: 600, path: '/' },
      { name: 'cluster_namespace', value: 'default', maxAge: 600, path: '/' },
      { name: 'session_name', value: OLD, maxAge: 600, path: '/' },
    ]);
    const latest = await call(
      root,
      { item: 'b' },
      {},
      { cookie: 'cluster_name=rc; cluster_namespace=default; session_name=latest' },
    );
    expect(latest.status).toBe(200);
    expect(seen[1]?.session.session).toBe(NEW);
  });

  it('answers 400 naming the missing or malformed cookie, never 500', async () => {
    const { root } = await setUp();
    const none = await call(root, { item: 'b' });
    expect(none).toMatchObject({
      status: 400,
      body: { error: 'no_session_selected', field: 'cluster_name' },
    });
    const partial = await call(
      root,
      { item: 'b' },
      {},
      { cookie: 'cluster_name=rc; cluster_namespace=default' },
    );
    expect(partial.body).toMatchObject({ field: 'session_name' });
    const bad = await call(
      root,
      { item: 'b' },
      {},
      { cookie: 'cluster_name=rc; cluster_namespace=Bad_NS; session_name=latest' },
    );
    expect(bad).toMatchObject({
      status: 400,
      body: { error: 'invalid_parameter', field: 'cluster_namespace' },
    });
  });
});

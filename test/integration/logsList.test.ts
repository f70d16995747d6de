import { beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../../src/core/errors.js';
import { nodeLogsPrefix } from '../../src/core/layout.js';
import { listNodeLogs } from '../../src/core/logs/listLogs.js';
import type { AzureBlobStore } from '../../src/storage/azureBlobStore.js';
import { freshStore } from '../helpers/storage.js';
import { DRIVER_WORKER, HEAD, ingestRaySession, SESSION_REF, WORKER, workerFile } from './logsFixtures.js';

let store: AzureBlobStore;
beforeAll(async () => {
  store = freshStore('logs');
  await ingestRaySession(store);
}, 180_000);

async function rejects(p: Promise<unknown>, status: number, field?: string): Promise<HttpError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HttpError);
  const h = err as HttpError;
  expect(h.status).toBe(status);
  if (field !== undefined) expect(h.extra.field).toBe(field);
  return h;
}

describe("a node's logs, categorised as Ray's dashboard lists them", () => {
  it('lists the top level by default (directories with a trailing /), in Ray categories', async () => {
    const r = await listNodeLogs(store, SESSION_REF, { node: HEAD });
    expect(r.categories).toEqual({
      worker_out: [workerFile(DRIVER_WORKER, 'out')],
      worker_err: [workerFile(DRIVER_WORKER, 'err')],
      core_worker: [`python-core-worker-${DRIVER_WORKER.workerId}_4521.log`],
      driver: ['python-core-driver-01000000_4410.log'],
      raylet: ['raylet.err', 'raylet.out'],
      gcs_server: ['gcs_server.out'],
      internal: ['debug_state.txt', 'events/', 'log_monitor.log', 'old/'],
      autoscaler: ['monitor.log', 'monitor.out'],
      agent: ['dashboard_agent.log'],
      dashboard: ['dashboard.log'],
    });
    expect(r.count).toBe(15);
    expect(r.nextCursor).toBeUndefined();
  });

  it('lists a directory with events/* and everything below with **', async () => {
    const events = await listNodeLogs(store, SESSION_REF, { node: HEAD, glob: 'events/*' });
    expect(events.categories).toEqual({ internal: ['events/event_GCS.log', 'events/event_JOBS.log'] });
    const deep = await listNodeLogs(store, SESSION_REF, { node: HEAD, glob: '**/*.out' });
    expect(deep.categories).toEqual({
      worker_out: [workerFile(DRIVER_WORKER, 'out')],
      raylet: ['old/raylet.1.out', 'raylet.out'],
      gcs_server: ['gcs_server.out'],
      autoscaler: ['monitor.out'],
    });
  });

  it('shows a multi-segment file once, never its continuation segments', async () => {
    const raw = await store.list({ prefix: `${nodeLogsPrefix(SESSION_REF, WORKER)}big.log`, pageSize: 100 });
    expect(raw.blobs.length).toBeGreaterThan(2);
    const r = await listNodeLogs(store, SESSION_REF, { node: WORKER, glob: 'big*' });
    expect(r.categories).toEqual({ internal: ['big.log'] });
  });

  it('pages with a cursor: every entry exactly once, in order', async () => {
    const all = await listNodeLogs(store, SESSION_REF, { node: HEAD, glob: '**' });
    const flat = Object.values(all.categories).flat().sort();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const p = await listNodeLogs(store, SESSION_REF, {
        node: HEAD,
        glob: '**',
        limit: 3,
        ...(cursor && { cursor }),
      });
      expect(p.count).toBeLessThanOrEqual(3);
      seen.push(...Object.values(p.categories).flat());
      cursor = p.nextCursor;
      pages++;
    } while (cursor !== undefined);
    expect(seen.sort()).toEqual(flat);
    expect(pages).toBe(Math.ceil(flat.length / 3));
  });

  it('refuses traversal and bad values in glob, limit and cursor (400 naming the field)', async () => {
    for (const glob of ['../*', '../../etc/passwd', '/etc/*', 'a/../../b', 'x\\y']) {
      await rejects(listNodeLogs(store, SESSION_REF, { node: HEAD, glob }), 400, 'glob');
    }
    await rejects(listNodeLogs(store, SESSION_REF, { node: HEAD, limit: 0 }), 400, 'limit');
    await rejects(listNodeLogs(store, SESSION_REF, { node: HEAD, cursor: 'bogus' }), 400, 'cursor');
    const other = await listNodeLogs(store, SESSION_REF, { node: HEAD, glob: '*', limit: 1 });
    await rejects(
      listNodeLogs(store, SESSION_REF, { node: HEAD, glob: '*.out', cursor: other.nextCursor }),
      400,
      'cursor',
    );
    await rejects(listNodeLogs(store, SESSION_REF, { node: '..' }), 400, 'node');
  });

  it('answers 404 node_not_found for a node without logs and session_not_found for a missing session', async () => {
    expect((await rejects(listNodeLogs(store, SESSION_REF, { node: 'nobody' }), 404)).code).toBe(
      'node_not_found',
    );
    const missing = { ...SESSION_REF, session: 'session_2020-01-01_00-00-00_000000_1' };
    expect((await rejects(listNodeLogs(store, missing, { node: HEAD }), 404)).code).toBe('session_not_found');
  });

  it('lists an empty glob match as an empty answer (200), not 404, when the node has logs', async () => {
    const r = await listNodeLogs(store, SESSION_REF, { node: HEAD, glob: '*.nothing' });
    expect(r).toEqual({ categories: {}, count: 0 });
  });
});

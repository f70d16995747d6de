import { describe, expect, it } from 'vitest';
import { getMetadata } from '../../src/functions/getMetadata.js';
import { listFiles } from '../../src/functions/listFiles.js';
import { readLogFile } from '../../src/functions/readLogFile.js';
import { unreachableStore } from '../helpers/storage.js';
import {
  call,
  sessionParams,
  useFreshContainer,
  useStore,
  writeEvents,
  writeLog,
  writeMetadata,
} from './queryFixtures.js';

type Entry = { path: string; type: string; size?: number; etag?: string; lastModified?: string };
const list = async (query: Record<string, string> = {}, params: Record<string, string> = {}) => {
  const r = await call(listFiles, sessionParams(params), query);
  return {
    ...r,
    body: r.status === 200 ? (r.json() as { entries: Entry[]; nextCursor?: string }) : undefined,
  };
};

async function allPages(query: Record<string, string>): Promise<{ entries: Entry[]; pages: number }> {
  const entries: Entry[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const r = await list({ ...query, ...(cursor !== undefined && { cursor }) });
    expect(r.status).toBe(200);
    entries.push(...(r.body?.entries ?? []));
    cursor = r.body?.nextCursor;
    pages++;
  } while (cursor !== undefined);
  return { entries, pages };
}

describe("listing a session's files (handler against Azurite)", () => {
  it('lists files relative to the session with size, time and ETag', async () => {
    const store = useFreshContainer();
    await writeLog(store, 'head-1', 'raylet.out', ['hello\n']);
    await writeLog(store, 'worker-2', 'events/event_GCS.log', ['abc']);
    await writeEvents(store, 'head-1', [{ eventId: 'e1' }]);
    const r = await list();
    expect(r.status).toBe(200);
    const paths = r.body?.entries.map((e) => e.path) ?? [];
    expect(paths.slice(0, 2)).toEqual(['logs/head-1/raylet.out', 'logs/worker-2/events/event_GCS.log']);
    expect(paths[2]).toMatch(/^node_events\/head-1-\d{8}T\d{9}Z-[a-z0-9]+\.json$/);
    expect(r.body?.nextCursor).toBeUndefined();
    const first = r.body?.entries[0];
    expect(first).toMatchObject({ type: 'file', size: 6 });
    expect(first?.etag).toMatch(/^".+"$/);
    expect(new Date(first?.lastModified ?? '').toISOString()).toBe(first?.lastModified);
    // The listed ETag is the one a read of the file answers with.
    const read = await call(readLogFile, sessionParams({ node: 'head-1', file: 'raylet.out' }));
    expect(read.headers.etag).toBe(first?.etag);
  });

  it('folds deeper paths into directories with delimiter=/ and honours prefix', async () => {
    const store = useFreshContainer();
    await writeLog(store, 'head-1', 'raylet.out', ['x']);
    await writeLog(store, 'head-1', 'events/event_GCS.log', ['y']);
    await writeLog(store, 'worker-2', 'raylet.out', ['z']);
    const top = await list({ delimiter: '/' });
    expect(top.body?.entries).toEqual([{ path: 'logs/', type: 'dir' }]);
    const nodes = await list({ delimiter: '/', prefix: 'logs/' });
    expect(nodes.body?.entries).toEqual([
      { path: 'logs/head-1/', type: 'dir' },
      { path: 'logs/worker-2/', type: 'dir' },
    ]);
    const head = await list({ delimiter: '/', prefix: 'logs/head-1/' });
    expect(head.body?.entries.map((e) => [e.path, e.type])).toEqual([
      ['logs/head-1/events/', 'dir'],
      ['logs/head-1/raylet.out', 'file'],
    ]);
    const byName = await list({ prefix: 'logs/head-1/ray' });
    expect(byName.body?.entries.map((e) => e.path)).toEqual(['logs/head-1/raylet.out']);
    const none = await list({ prefix: 'logs/nobody/' });
    expect(none.status).toBe(200);
    expect(none.body?.entries).toEqual([]);
  });

  it('pages with limit and an opaque cursor, visiting every file once', async () => {
    const store = useFreshContainer();
    const names = Array.from({ length: 23 }, (_, i) => `f${String(i).padStart(2, '0')}.log`);
    for (const n of names) await writeLog(store, 'head-1', n, [n]);
    const { entries, pages } = await allPages({ limit: '5' });
    expect(pages).toBe(5);
    expect(entries.map((e) => e.path)).toEqual(names.map((n) => `logs/head-1/${n}`));
  });

  it('shows a multi-segment file once, with its total size, even across a page edge', async () => {
    const store = useFreshContainer();
    await writeLog(store, 'head-1', 'a.log', ['a']);
    await writeLog(store, 'head-1', 'big.log', ['1234', '56', '789']);
    await writeLog(store, 'head-1', 'big.log.1', ['old']);
    await writeLog(store, 'head-1', 'z.log', ['z']);
    const one = await list();
    expect(one.body?.entries.map((e) => [e.path, e.size])).toEqual([
      ['logs/head-1/a.log', 1],
      ['logs/head-1/big.log', 9],
      ['logs/head-1/big.log.1', 3],
      ['logs/head-1/z.log', 1],
    ]);
    expect(JSON.stringify(one.body)).not.toContain('%seg-');
    for (const limit of ['1', '2', '3', '4']) {
      const { entries } = await allPages({ limit });
      expect(
        entries.map((e) => [e.path, e.size]),
        `limit ${limit}`,
      ).toEqual(one.body?.entries.map((e) => [e.path, e.size]));
    }
  });

  it('refuses a tampered cursor, or one from another query, with 400 naming cursor', async () => {
    const store = useFreshContainer();
    for (const n of ['a', 'b', 'c']) await writeLog(store, 'head-1', n, [n]);
    const first = await list({ limit: '1' });
    const cursor = first.body?.nextCursor ?? '';
    expect(cursor).not.toBe('');
    const tampered = `${cursor.slice(0, -2)}${cursor.endsWith('A') ? 'B' : 'A'}A`;
    for (const query of [
      { limit: '1', cursor: tampered, prefix: '' },
      { limit: '1', cursor: 'bm90LWEtY3Vyc29y', prefix: '' },
      { limit: '1', cursor, prefix: 'logs/' },
    ]) {
      const r = await list(query);
      expect(r.status).toBe(400);
      expect(r.json()).toMatchObject({ error: 'invalid_parameter', field: 'cursor' });
    }
  });

  it('rejects bad limit, delimiter and prefix with 400 naming them', async () => {
    const store = useFreshContainer();
    await writeLog(store, 'head-1', 'a', ['a']);
    for (const [query, field] of [
      [{ limit: '0' }, 'limit'],
      [{ limit: '1001' }, 'limit'],
      [{ limit: 'all' }, 'limit'],
      [{ delimiter: ',' }, 'delimiter'],
      [{ prefix: '../' }, 'prefix'],
      [{ prefix: 'logs/../../x' }, 'prefix'],
      [{ prefix: '/etc/passwd' }, 'prefix'],
      [{ prefix: 'logs\\x' }, 'prefix'],
      [{ prefix: 'logs/%2e%2e/' }, 'prefix'],
    ] as const) {
      const r = await list(query);
      expect(r.status, JSON.stringify(query)).toBe(400);
      expect(r.json()).toMatchObject({ error: 'invalid_parameter', field });
    }
  });

  it('answers 404 for an unknown session but lists a session that has only metadata', async () => {
    const store = useFreshContainer();
    const missing = await list();
    expect(missing.status).toBe(404);
    expect(missing.json().error).toBe('session_not_found');
    await writeMetadata(store, { clusterId: 'default' });
    const onlyMeta = await list();
    expect(onlyMeta.status).toBe(200);
    expect(onlyMeta.body?.entries).toEqual([]);
  });

  it('answers 503, never an empty list, when storage is unreachable', async () => {
    useStore(unreachableStore());
    const r = await list({ clusterId: 'default' });
    expect(r.status).toBe(503);
    expect(r.json().error).toBe('storage_unavailable');
  });
});

describe('session metadata (handler against Azurite)', () => {
  it('returns metadata.json as stored, with an ETag and 304', async () => {
    const store = useFreshContainer();
    await writeMetadata(store, {
      clusterId: 'default',
      createTime: '2026-01-27T10:52:59Z',
      rayVersion: '2.52.1',
    });
    const r = await call(getMetadata, sessionParams());
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.json()).toMatchObject({
      clusterId: 'default',
      rayVersion: '2.52.1',
      createTime: '2026-01-27T10:52:59Z',
    });
    const again = await call(getMetadata, sessionParams(), {}, { 'If-None-Match': r.headers.etag ?? '' });
    expect(again.status).toBe(304);
  });

  it('answers 404: session_not_found, or metadata_not_found when the session has data', async () => {
    const store = useFreshContainer();
    const none = await call(getMetadata, sessionParams());
    expect(none.status).toBe(404);
    expect(none.json().error).toBe('session_not_found');
    await writeLog(store, 'head-1', 'a', ['a']);
    const noMeta = await call(getMetadata, sessionParams());
    expect(noMeta.status).toBe(404);
    expect(noMeta.json().error).toBe('metadata_not_found');
  });
});

/**
 * The query routes end to end: the compiled app in the local host over real HTTP, with the data
 * created through the ingest API (log appends that roll over into segments, events, a batch).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../helpers/host.js';
import { azuriteService } from '../helpers/storage.js';
import { request, type Reply } from '../helpers/http.js';

const NS = 'default';
const CLUSTER = 'raycluster-kuberay';
const S1 = 'session_2026-01-27_10-52-59_373533_1';
const S2 = 'session_2026-01-28_08-00-00_000001';
const BASE = `/api/v1/clusters/${NS}/${CLUSTER}/sessions/${S1}`;

const LINES = Array.from(
  { length: 40 },
  (_, i) => `${i % 3 === 0 ? '日本語' : 'line'} ${i}${i % 7 === 0 ? '\r' : ''}`,
);
const RAYLET = `${LINES.join('\n')}\n`;
const CHUNKS = 5;

let host: RunningHost;
const get = (path: string, headers: Record<string, string> = {}) => request(host.baseUrl, path, { headers });

async function ingestLog(node: string, file: string, text: string, chunks = 1, session = S1): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  const size = Math.ceil(bytes.length / chunks);
  for (let at = 0; at < Math.max(bytes.length, 1); at += size) {
    const body = bytes.subarray(at, at + size);
    const path = `/api/v1/logs/${NS}/${CLUSTER}/${session}/${node}/${file.split('/').map(encodeURIComponent).join('/')}?offset=${at}`;
    const r = await request(host.baseUrl, path, {
      method: 'PUT',
      body,
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(r.status, r.text).toBe(200);
    if (bytes.length === 0) break;
  }
}

async function ingestEvents(node: string, events: object[]): Promise<Reply> {
  const r = await request(host.baseUrl, `/api/v1/events?namespace=${NS}&cluster=${CLUSTER}&node=${node}`, {
    method: 'POST',
    body: JSON.stringify(events),
    headers: { 'Content-Type': 'application/json' },
  });
  expect(r.status, r.text).toBe(200);
  return r;
}

const ev = (eventId: string, timestamp: string, eventType: string, extra: object = {}) => ({
  eventId,
  eventType,
  timestamp,
  sessionName: S1,
  sourceType: 'GCS',
  severity: 'INFO',
  message: '',
  ...extra,
});

beforeAll(async () => {
  // Three appends per blob, so raylet.out's five appends roll over into a second segment.
  host = await startHost({ env: { LOG_SEGMENT_MAX_BLOCKS: '3' } });
  await ingestLog('head-1', 'raylet.out', RAYLET, CHUNKS);
  await ingestLog('head-1', 'events/event_GCS.log', 'gcs 1\ngcs 2\n');
  await ingestLog('head-1', 'info.json', '{"ok":true}');
  await ingestLog('head-1', 'empty.log', '');
  await ingestLog('worker-2', 'raylet.out', 'worker line\n');
  await ingestEvents('head-1', [
    ev('bjE=', '2026-01-27T10:53:00.000000002Z', 'NODE_DEFINITION_EVENT'),
    ev('bjA=', '2026-01-27T10:53:00.000000001Z', 'NODE_DEFINITION_EVENT'),
    ev('ajE=', '2026-01-27T11:00:00Z', 'DRIVER_JOB_DEFINITION_EVENT', {
      driverJobDefinitionEvent: { jobId: 'AgAAAA==' },
    }),
  ]);
  // Posted again (the exporter retries): stored once.
  await ingestEvents('head-1', [ev('bjA=', '2026-01-27T10:53:00.000000001Z', 'NODE_DEFINITION_EVENT')]);
  await ingestEvents('worker-2', [ev('dzE=', '2026-01-27T10:52:59.5Z', 'NODE_LIFECYCLE_EVENT')]);
  const batch = await request(host.baseUrl, '/api/v1/batch', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      namespace: NS,
      cluster: CLUSTER,
      clusterId: 'c-7',
      session: S2,
      node: 'head-1',
      chunks: [{ file: 'raylet.out', offset: 0, data: 'from the batch\n' }],
      metadata: { rayVersion: '2.52.1' },
    }),
  });
  expect(batch.status, batch.text).toBe(200);
}, 120_000);

afterAll(async () => {
  await host?.stop();
});

describe('file reads over HTTP', () => {
  it('streams a file that ingest rolled over into several segments as one file', async () => {
    const blobs: string[] = [];
    for await (const b of azuriteService()
      .getContainerClient(host.container)
      .listBlobsFlat({ prefix: 'log/' })) {
      blobs.push(b.name);
    }
    expect(blobs.some((n) => n.endsWith('/logs/head-1/raylet.out%seg-000001'))).toBe(true);
    const r = await get(`${BASE}/logs/head-1/raylet.out`);
    expect(r.status).toBe(200);
    expect(r.text).toBe(RAYLET);
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['content-length']).toBe(String(Buffer.byteLength(RAYLET)));
    expect(r.headers.etag).toMatch(/^".+"$/);
  });

  it('serves ranges across segment edges, and 416 outside the file', async () => {
    const bytes = Buffer.from(RAYLET);
    const size = bytes.length;
    for (const [range, start, end] of [
      ['bytes=0-99', 0, 100],
      [`bytes=${size - 150}-`, size - 150, size],
      ['bytes=-77', size - 77, size],
    ] as const) {
      const r = await get(`${BASE}/logs/head-1/raylet.out`, { Range: range });
      expect(r.status).toBe(206);
      expect(r.headers['content-range']).toBe(`bytes ${start}-${end - 1}/${size}`);
      expect(r.bytes.equals(bytes.subarray(start, end))).toBe(true);
    }
    const off = await get(`${BASE}/logs/head-1/raylet.out?offset=30&length=120`);
    expect(off.status).toBe(206);
    expect(off.bytes.equals(bytes.subarray(30, 150))).toBe(true);
    const bad = await get(`${BASE}/logs/head-1/raylet.out`, { Range: `bytes=${size}-` });
    expect(bad.status).toBe(416);
    expect(bad.headers['content-range']).toBe(`bytes */${size}`);
    expect(bad.json().error).toBe('range_not_satisfiable');
  });

  it('tails exactly the last N lines (CRLF and multi-byte lines included)', async () => {
    for (const n of [1, 5, 17, 40]) {
      const r = await get(`${BASE}/logs/head-1/raylet.out?tail=${n}`);
      expect(r.status).toBe(200);
      expect(r.text, `tail=${n}`).toBe(`${LINES.slice(-n).join('\n')}\n`);
    }
    expect((await get(`${BASE}/logs/head-1/raylet.out?tail=100000`)).text).toBe(RAYLET);
    expect((await get(`${BASE}/logs/head-1/raylet.out?tail=0`)).text).toBe('');
    const empty = await get(`${BASE}/logs/head-1/empty.log?tail=3`);
    expect([empty.status, empty.text]).toEqual([200, '']);
  });

  it('answers 304 to If-None-Match with the ETag, and 200 once the file grew', async () => {
    const first = await get(`${BASE}/logs/worker-2/raylet.out`);
    const etag = String(first.headers.etag);
    const same = await get(`${BASE}/logs/worker-2/raylet.out`, { 'If-None-Match': etag });
    expect(same.status).toBe(304);
    expect(same.headers.etag).toBe(etag);
    await ingestLog('worker-2', 'raylet.out', 'worker line\nsecond\n');
    const grown = await get(`${BASE}/logs/worker-2/raylet.out`, { 'If-None-Match': etag });
    expect(grown.status).toBe(200);
    expect(grown.text).toBe('worker line\nsecond\n');
  });

  it('serves downloads and .json content types', async () => {
    const d = await get(`${BASE}/logs/head-1/events/event_GCS.log?download=1`);
    expect(d.headers['content-disposition']).toBe(
      `attachment; filename="event_GCS.log"; filename*=UTF-8''event_GCS.log`,
    );
    const j = await get(`${BASE}/logs/head-1/info.json`);
    expect(j.headers['content-type']).toBe('application/json');
    expect(j.json()).toEqual({ ok: true });
  });

  it('finds a session stored under a non-default clusterId through its metadata', async () => {
    const s2 = `/api/v1/clusters/${NS}/${CLUSTER}/sessions/${S2}`;
    expect((await get(`${s2}/logs/head-1/raylet.out`)).text).toBe('from the batch\n');
    expect((await get(`${s2}/logs/head-1/raylet.out?clusterId=c-7`)).text).toBe('from the batch\n');
    expect((await get(`${s2}/logs/head-1/raylet.out?clusterId=default`)).status).toBe(404);
    const meta = await get(`${s2}/metadata`);
    expect(meta.json()).toMatchObject({
      namespace: NS,
      cluster: CLUSTER,
      clusterId: 'c-7',
      session: S2,
      rayVersion: '2.52.1',
    });
  });

  it('answers 404 JSON for unknown cluster, session and file', async () => {
    const cases: [string, string][] = [
      [`${BASE}/logs/head-1/nope.log`, 'file_not_found'],
      [`${BASE}/logs/worker-9/raylet.out`, 'file_not_found'],
      [`/api/v1/clusters/${NS}/other-cluster/sessions/${S1}/logs/head-1/raylet.out`, 'session_not_found'],
      [
        `/api/v1/clusters/${NS}/${CLUSTER}/sessions/session_2020-01-01_00-00-00_000000/files`,
        'session_not_found',
      ],
      [
        `/api/v1/clusters/${NS}/${CLUSTER}/sessions/session_2020-01-01_00-00-00_000000/events`,
        'session_not_found',
      ],
      [
        `/api/v1/clusters/${NS}/${CLUSTER}/sessions/session_2020-01-01_00-00-00_000000/metadata`,
        'session_not_found',
      ],
    ];
    for (const [path, error] of cases) {
      const r = await get(path);
      expect(r.status, path).toBe(404);
      expect(r.json().error, path).toBe(error);
    }
  });
});

describe('listings, events and metadata over HTTP', () => {
  it('lists files once each, with total sizes, dirs and pages', async () => {
    const all = await get(`${BASE}/files`);
    const entries = all.json().entries as { path: string; size: number; etag: string }[];
    expect(all.text).not.toContain('%seg-');
    const raylet = entries.find((e) => e.path === 'logs/head-1/raylet.out');
    expect(raylet?.size).toBe(Buffer.byteLength(RAYLET));
    expect(raylet?.etag).toBe((await get(`${BASE}/logs/head-1/raylet.out`)).headers.etag);
    const dirs = await get(`${BASE}/files?delimiter=/&prefix=logs/`);
    expect(dirs.json().entries).toEqual([
      { path: 'logs/head-1/', type: 'dir' },
      { path: 'logs/worker-2/', type: 'dir' },
    ]);
    const paths: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await get(
        `${BASE}/files?prefix=logs/&limit=2${cursor === undefined ? '' : `&cursor=${cursor}`}`,
      );
      expect(page.status).toBe(200);
      paths.push(...(page.json().entries as { path: string }[]).map((e) => e.path));
      cursor = page.json().nextCursor as string | undefined;
    } while (cursor !== undefined);
    expect(paths).toEqual(entries.filter((e) => e.path.startsWith('logs/')).map((e) => e.path));
    const tampered = await get(`${BASE}/files?limit=1&cursor=eyJzIjoiIn0`);
    expect([tampered.status, tampered.json().field]).toEqual([400, 'cursor']);
  });

  it('merges, dedupes, orders, filters and pages events', async () => {
    const ids = async (q: string) =>
      ((await get(`${BASE}/events${q}`)).json().events as { eventId: string }[]).map((e) => e.eventId);
    expect(await ids('')).toEqual(['dzE=', 'bjA=', 'bjE=', 'ajE=']);
    expect(await ids('?node=worker-2')).toEqual(['dzE=']);
    expect(await ids('?type=NODE_DEFINITION_EVENT')).toEqual(['bjA=', 'bjE=']);
    expect(await ids('?jobId=02000000')).toEqual(['ajE=']);
    expect(await ids('?since=2026-01-27T10:53:00.000000002Z&until=2026-01-27T11:00:00Z')).toEqual(['bjE=']);
    const first = await get(`${BASE}/events?limit=3`);
    const next = await get(`${BASE}/events?limit=3&cursor=${String(first.json().nextCursor)}`);
    expect((next.json().events as { eventId: string }[]).map((e) => e.eventId)).toEqual(['ajE=']);
    expect(next.json().nextCursor).toBeUndefined();
  });

  it('serves the metadata ingest wrote', async () => {
    const r = await get(`${BASE}/metadata`);
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ namespace: NS, cluster: CLUSTER, clusterId: NS, session: S1 });
    expect((await get(`${BASE}/metadata`, { 'If-None-Match': String(r.headers.etag) })).status).toBe(304);
  });
});

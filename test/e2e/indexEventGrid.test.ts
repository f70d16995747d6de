/**
 * The indexer with the Event Grid source (INDEXER_TRIGGER_SOURCE=EventGrid) in the local host, whose
 * synthetic source fires like BlobCreated: once per append blob (at first sight), never per append.
 * Sessions, nodes and files are still indexed; bytes lag until a reconcile makes them exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../helpers/host.js';
import { eventually } from '../helpers/storage.js';

let host: RunningHost;

beforeAll(async () => {
  host = await startHost({ env: { INDEXER_TRIGGER_SOURCE: 'EventGrid' } });
}, 60_000);

afterAll(async () => {
  await host?.stop();
});

const S = 'session_2026-06-01_12-00-00_000001';
const BASE = `/api/v1/logs/grid/rc-grid/${S}/head`;

async function put(path: string, body: string): Promise<void> {
  const res = await fetch(`${host.baseUrl}${path}`, {
    method: 'PUT',
    body,
    headers: { 'Content-Type': 'text/plain' },
  });
  expect(res.status, await res.text()).toBe(200);
}

async function session(): Promise<{ files: number; bytes: number; nodes: string[] } | undefined> {
  const res = await fetch(`${host.baseUrl}/api/v1/clusters/grid/rc-grid/sessions`);
  if (res.status !== 200) return undefined;
  return ((await res.json()) as { sessions: { files: number; bytes: number; nodes: string[] }[] })
    .sessions[0];
}

describe('indexer with the Event Grid source (once per append blob)', () => {
  it('lists new sessions and files without per-append events; reconcile makes bytes exact', async () => {
    await put(`${BASE}/a.log?offset=0`, 'hello\n');
    const rows = await eventually(
      async () => {
        const r = (await (await fetch(`${host.baseUrl}/api/clusters`)).json()) as { sessionName: string }[];
        return r.some((x) => x.sessionName === S) ? r : undefined;
      },
      15_000,
      'the session in GET /api/clusters',
    );
    expect(rows.filter((r) => r.sessionName === S)).toHaveLength(1);
    // The session can show up through its metadata.json before a.log itself was indexed: wait for the
    // file, so that its first sighting is known to be at 6 bytes, before any append.
    await eventually(
      async () => ((await session())?.files === 1 ? true : undefined),
      15_000,
      'a.log indexed',
    );

    for (let i = 1; i <= 5; i++) await put(`${BASE}/a.log?offset=${6 * i}`, 'again\n');
    await put(`${BASE}/b.log?offset=0`, 'bee\n');
    const listed = await eventually(
      async () => ((await session())?.files === 2 ? session() : undefined),
      15_000,
      'b.log indexed',
    );
    expect(listed).toMatchObject({ files: 2, nodes: ['head'] });
    // a.log was indexed once, at first sight (6 bytes, before the appends); its appends raised nothing.
    const runs = host
      .output()
      .split('\n')
      .filter((l) => l.includes("Executing 'Functions.indexLogBlob'"));
    expect(runs.filter((l) => l.endsWith('a.log', l.indexOf("', Id=")))).toHaveLength(1);
    expect(listed?.bytes).toBe(6 + 4);

    const r = await fetch(`${host.baseUrl}/api/v1/admin/reindex`, { method: 'POST' });
    expect(r.status).toBe(200);
    expect(await session()).toMatchObject({ files: 2, bytes: 36 + 4 });
  });
});

describe('the reconcile timer (INDEX_RECONCILE_SCHEDULE)', () => {
  let timed: RunningHost;

  beforeAll(async () => {
    timed = await startHost({
      env: {
        INDEXER_TRIGGER_SOURCE: 'EventGrid',
        INDEX_RECONCILE_SCHEDULE: '*/2 * * * * *',
        // startHost turns the timer off by default; this test is about it running.
        'AzureWebJobs.reconcileIndex.Disabled': 'false',
      },
    });
  }, 60_000);

  afterAll(async () => {
    await timed?.stop();
  });

  it('makes byte counts exact by itself, without anyone calling reindex', async () => {
    const T = 'session_2026-06-02_12-00-00_000001';
    const path = `/api/v1/logs/grid/rc-timed/${T}/head/a.log`;
    const append = async (i: number) => {
      const res = await fetch(`${timed.baseUrl}${path}?offset=${6 * i}`, {
        method: 'PUT',
        body: 'hello\n',
        headers: { 'Content-Type': 'text/plain' },
      });
      expect(res.status, await res.text()).toBe(200);
    };
    const listedBytes = async () => {
      const res = await fetch(`${timed.baseUrl}/api/v1/clusters/grid/rc-timed/sessions`);
      if (res.status !== 200) return undefined;
      return ((await res.json()) as { sessions: { bytes: number; files: number }[] }).sessions[0];
    };
    await append(0);
    await eventually(
      async () => ((await listedBytes())?.files === 1 ? true : undefined),
      15_000,
      'a.log indexed',
    );
    const reconciles = () => timed.output().match(/reconciled the index from \d+ blobs/g)?.length ?? 0;
    const before = reconciles();
    for (let i = 1; i < 4; i++) await append(i);
    // With the Event Grid source the appends raise nothing; only a reconcile brings bytes to 24.
    await eventually(
      async () => ((await listedBytes())?.bytes === 24 ? true : undefined),
      20_000,
      'the session listed with 24 bytes',
    );
    expect(reconciles()).toBeGreaterThan(before);
    expect(timed.output()).not.toMatch(/POST \/api\/v1\/admin\/reindex/);
  });
});

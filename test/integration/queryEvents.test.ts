import { describe, expect, it } from 'vitest';
import { storeEvents } from '../../src/core/ingest/events.js';
import { queryEvents } from '../../src/core/query/events.js';
import { parseRfc3339Nanos } from '../../src/core/query/timestamp.js';
import { getEvents } from '../../src/functions/getEvents.js';
import type { BlobStore } from '../../src/storage/blobStore.js';
import {
  call,
  CLUSTER,
  NS,
  REF,
  sessionParams,
  useFreshContainer,
  writeEvents,
  writeLog,
  writeMetadata,
} from './queryFixtures.js';

type Ev = { eventId: string; eventType: string; timestamp: string; [k: string]: unknown };
const ev = (eventId: string, timestamp: string, eventType = 'TASK_DEFINITION_EVENT', extra = {}): Ev => ({
  eventId,
  eventType,
  timestamp,
  sessionName: 'session_2026-01-27_10-52-59_373533_1',
  ...extra,
});

const events = async (query: Record<string, string> = {}) => {
  const r = await call(getEvents, sessionParams(), query);
  return { ...r, body: r.status === 200 ? (r.json() as { events: Ev[]; nextCursor?: string }) : undefined };
};
const ids = (r: { body?: { events: Ev[] } | undefined }) => r.body?.events.map((e) => e.eventId);

async function seed() {
  const store = useFreshContainer();
  // Out of order across files and nodes; two events 1 ns apart; one duplicate (at-least-once ingest).
  await writeEvents(store, 'head-1', [
    ev('n3', '2026-01-27T10:53:00.000000002Z', 'NODE_DEFINITION_EVENT'),
    ev('n1', '2026-01-27T10:53:00.000000001Z', 'NODE_DEFINITION_EVENT'),
  ]);
  await writeEvents(store, 'worker-2', [ev('w1', '2026-01-27T10:52:59.5Z', 'NODE_LIFECYCLE_EVENT')]);
  await writeEvents(
    store,
    'head-1',
    [
      ev('j1', '2026-01-27T11:00:00Z', 'DRIVER_JOB_DEFINITION_EVENT', {
        driverJobDefinitionEvent: { jobId: 'AgAAAA==' },
      }),
      ev('j2', '2026-01-27T12:00:00+01:00', 'DRIVER_JOB_LIFECYCLE_EVENT', {
        driverJobLifecycleEvent: { jobId: 'AgAAAA==' },
      }),
    ],
    '02000000',
  );
  await writeEvents(
    store,
    'head-1',
    [ev('j9', '2026-01-27T10:00:00Z', 'DRIVER_JOB_DEFINITION_EVENT')],
    '03000000',
  );
  await writeEvents(store, 'head-1', [
    { ...ev('n1', '2026-01-27T10:53:00.000000001Z', 'NODE_DEFINITION_EVENT'), copy: 2 },
  ]);
  return store;
}

const ALL = ['j9', 'w1', 'n1', 'n3', 'j1', 'j2'];

describe('session events (handler against Azurite)', () => {
  it('merges node and job event files, dedupes by eventId, orders by timestamp to the nanosecond', async () => {
    await seed();
    const r = await events();
    expect(r.status).toBe(200);
    expect(ids(r)).toEqual(ALL);
    expect(r.body?.nextCursor).toBeUndefined();
    // The first copy written is the one kept, as stored.
    expect(r.body?.events.find((e) => e.eventId === 'n1')).not.toHaveProperty('copy');
    expect(r.body?.events.find((e) => e.eventId === 'j1')).toMatchObject({
      driverJobDefinitionEvent: { jobId: 'AgAAAA==' },
    });
  });

  it('filters by node, type, jobId and time', async () => {
    await seed();
    expect(ids(await events({ node: 'worker-2' }))).toEqual(['w1']);
    expect(ids(await events({ node: 'head-1' }))).toEqual(['j9', 'n1', 'n3', 'j1', 'j2']);
    expect(ids(await events({ type: 'NODE_DEFINITION_EVENT' }))).toEqual(['n1', 'n3']);
    expect(ids(await events({ type: 'NODE_LIFECYCLE_EVENT,DRIVER_JOB_LIFECYCLE_EVENT' }))).toEqual([
      'w1',
      'j2',
    ]);
    expect(ids(await events({ jobId: '02000000' }))).toEqual(['j1', 'j2']);
    expect(ids(await events({ jobId: 'ff' }))).toEqual([]);
    // since is inclusive, until exclusive, both exact to the nanosecond.
    expect(ids(await events({ since: '2026-01-27T10:53:00.000000002Z' }))).toEqual(['n3', 'j1', 'j2']);
    expect(ids(await events({ until: '2026-01-27T10:53:00.000000002Z' }))).toEqual(['j9', 'w1', 'n1']);
    expect(
      ids(await events({ since: '2026-01-27T12:00:00+01:00', until: '2026-01-27T11:00:00.000000001Z' })),
    ).toEqual(['j1', 'j2']);
  });

  it('pages with limit and a cursor that survives new events', async () => {
    const store = await seed();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await events({ limit: '2', ...(cursor !== undefined && { cursor }) });
      expect(r.status).toBe(200);
      seen.push(...(ids(r) ?? []));
      cursor = r.body?.nextCursor;
      if (pages === 0) {
        // An event older than the page edge arrives: it does not shift later pages.
        await writeEvents(store, 'head-1', [ev('late', '2026-01-27T09:00:00Z')]);
      }
      pages++;
    } while (cursor !== undefined);
    expect(seen).toEqual(ALL);
    expect(pages).toBe(3);
  });

  it('rejects bad values with 400 naming them', async () => {
    await seed();
    const first = await events({ limit: '1' });
    for (const [query, field] of [
      [{ limit: '0' }, 'limit'],
      [{ limit: '1001' }, 'limit'],
      [{ since: 'yesterday' }, 'since'],
      [{ until: '2026-13-01T00:00:00Z' }, 'until'],
      [{ since: '2026-01-27T11:00:00Z', until: '2026-01-27T10:00:00Z' }, 'until'],
      [{ jobId: 'AgAAAA==' }, 'jobId'],
      [{ jobId: '../x' }, 'jobId'],
      [{ node: '../etc/passwd' }, 'node'],
      [{ node: '..' }, 'node'],
      [{ type: 'a b' }, 'type'],
      [{ cursor: 'garbage' }, 'cursor'],
      [{ cursor: first.body?.nextCursor ?? '', node: 'head-1' }, 'cursor'],
    ] as const) {
      const r = await events(query);
      expect(r.status, JSON.stringify(query)).toBe(400);
      expect(r.json()).toMatchObject({ error: 'invalid_parameter', field });
    }
  });

  it('answers [] for a session without events and 404 for an unknown one', async () => {
    const store = useFreshContainer();
    expect((await events()).json().error).toBe('session_not_found');
    await writeMetadata(store, { clusterId: 'default' });
    await writeLog(store, 'head-1', 'a', ['a']);
    expect((await events()).body).toEqual({ events: [] });
  });
});

describe('session events at scale: a page reads the files that overlap it', () => {
  const BATCHES = 40;
  const PER = 25;
  const t0 = Date.UTC(2026, 0, 27, 11, 0, 0);
  const at = (ms: number, ns: number) =>
    `${new Date(t0 + ms).toISOString().slice(0, 19)}.${String(ms % 1000).padStart(3, '0')}${String(ns).padStart(6, '0')}Z`;

  /** The store, counting the event files read. */
  function counting(store: BlobStore): { store: BlobStore; reads: () => number } {
    let n = 0;
    const wrapped = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'readText')
          return (name: string) => {
            n += 1;
            return target.readText(name);
          };
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    return { store: wrapped, reads: () => n };
  }

  it('pages through 1,000 ingested events in order, reading a few files per page', async () => {
    const store = useFreshContainer();
    const all: Ev[] = [];
    // Batch b holds events of the 100 s after b × 100 s, shuffled; ingest records each file's span.
    for (let b = 0; b < BATCHES; b++) {
      const batch = Array.from({ length: PER }, (_, i) =>
        ev(`e${b}-${i}`, at(b * 100_000 + ((i * 7919) % 100_000), i), 'TASK_LIFECYCLE_EVENT'),
      );
      all.push(...batch);
      const r = await storeEvents(
        store,
        { namespace: NS, cluster: CLUSTER, clusterId: NS, node: 'head-1' },
        batch,
        45_000,
      );
      expect(r.accepted).toBe(PER);
    }
    // A file written without a span (by hand, or by an older version) is read for every page.
    const loose = [
      ev('loose-1', at(50, 0)),
      ev('loose-2', at(2_000_000, 0)),
      ev('loose-3', at(3_999_999, 5)),
    ];
    await writeEvents(store, 'worker-1', loose);
    all.push(...loose);
    const key = (e: Ev) => `${String(parseRfc3339Nanos(e.timestamp)).padStart(24, '0')}|${e.eventId}`;
    const expected = [...all].sort((a, b) => (key(a) < key(b) ? -1 : 1)).map((e) => e.eventId);

    const { store: counted, reads } = counting(store);
    const s = { namespace: NS, ...REF };
    const got: string[] = [];
    const perPage: number[] = [];
    let cursor: string | undefined;
    do {
      const before = reads();
      const page = await queryEvents(counted, s, { limit: 50, ...(cursor !== undefined && { cursor }) });
      perPage.push(reads() - before);
      got.push(...page.events.map((e) => String(e.eventId)));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(got).toEqual(expected);
    // 41 files; reading them all for each of 21 pages would be 861 reads. Spans barely overlap, so a
    // page reads one batch of 8 (docs/query.md says so): 156 reads in all.
    expect(perPage).toHaveLength(21);
    expect(Math.max(...perPage)).toBe(8);
    expect(perPage.reduce((a, b) => a + b, 0)).toBe(156);

    // A time window reads only the files that can hold it (and the one without a span).
    const before = reads();
    const window = await queryEvents(counted, s, {
      limit: 1000,
      since: parseRfc3339Nanos(at(1_000_000, 0)) ?? 0n,
      until: parseRfc3339Nanos(at(1_200_000, 0)) ?? 0n,
    });
    expect(window.events).toHaveLength(2 * PER);
    expect(reads() - before).toBe(3); // the two files of the window and the one without a span

    // A page keeps only a window of the next files to read, not every file of the session: with
    // windows far smaller than the 41 files (each further listing four times larger), the pages are the same,
    // and a page still reads only about the files it needs: a window's edge can split a read batch, so
    // at most two batches of 8, never the session's 41.
    for (const firstWindow of [1, 2, 3, 5, 16]) {
      const paged: string[] = [];
      let windowReads = 0;
      cursor = undefined;
      do {
        const start = reads();
        const page = await queryEvents(
          counted,
          s,
          { limit: 50, ...(cursor !== undefined && { cursor }) },
          firstWindow,
        );
        windowReads = Math.max(windowReads, reads() - start);
        paged.push(...page.events.map((e) => String(e.eventId)));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      expect(paged, `first window ${firstWindow}`).toEqual(expected);
      expect(windowReads, `first window ${firstWindow}`).toBeLessThanOrEqual(16);
    }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { getEventsHandler } from '../../src/functions/getEvents.js';
import {
  call,
  sessionParams,
  useEnv,
  useFreshContainer,
  writeEvents,
  writeLog,
  writeMetadata,
} from './queryFixtures.js';

afterEach(() => useEnv({}));

type Ev = { eventId: string; eventType: string; timestamp: string; [k: string]: unknown };
const ev = (eventId: string, timestamp: string, eventType = 'TASK_DEFINITION_EVENT', extra = {}): Ev => ({
  eventId,
  eventType,
  timestamp,
  sessionName: 'session_2026-01-27_10-52-59_373533_1',
  ...extra,
});

const events = async (query: Record<string, string> = {}) => {
  const r = await call(getEventsHandler, sessionParams(), query);
  return { ...r, body: r.status === 200 ? (r.json() as { events: Ev[]; nextCursor?: string }) : undefined };
};
const ids = (r: { body?: { events: Ev[] } }) => r.body?.events.map((e) => e.eventId);

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

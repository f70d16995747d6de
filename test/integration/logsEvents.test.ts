import { beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../../src/core/errors.js';
import { listEventTable, type EventTablePage } from '../../src/core/logs/eventTable.js';
import type { AzureBlobStore } from '../../src/storage/azureBlobStore.js';
import { freshStore } from '../helpers/storage.js';
import {
  EVENT_GCS,
  EVENT_JOBS,
  EVENT_RAYLET,
  HEAD,
  ingestFile,
  ingestRaySession,
  SESSION_REF,
} from './logsFixtures.js';

let store: AzureBlobStore;
beforeAll(async () => {
  store = freshStore('logsev');
  await ingestRaySession(store);
}, 180_000);

const ids = (p: EventTablePage) => p.events.map((e) => e.event.eventId);

describe('the event table from logs/<node>/events/event_*.log', () => {
  it("reads every event line of every node, camelCased as Ray's dashboard answers, grouped by job", async () => {
    const page = await listEventTable(store, SESSION_REF, {});
    expect(page.nextCursor).toBeUndefined();
    expect(ids(page).sort()).toEqual(
      [...EVENT_JOBS, ...EVENT_GCS, ...EVENT_RAYLET].map((e) => e.event_id).sort(),
    );
    const failed = page.events.find((e) => e.event.eventId === EVENT_JOBS[1]?.event_id);
    expect(failed).toEqual({
      job: '01000000',
      event: {
        eventId: EVENT_JOBS[1]?.event_id,
        sourceType: 'JOBS',
        sourceHostname: HEAD,
        sourcePid: 312,
        severity: 'ERROR',
        label: '',
        message: 'Job raysubmit_aaa failed.\nTraceback: boom',
        timestamp: '1769511290',
        customFields: { submissionId: 'raysubmit_aaa', jobId: '01000000' },
      },
    });
    // The C++ reporter's keys: time_stamp → timeStamp, host_name → hostName (the dashboard reads both forms).
    const gcs = page.events.find((e) => e.event.eventId === EVENT_GCS[0]?.event_id);
    expect(gcs?.job).toBe('global');
    expect(gcs?.event).toMatchObject({ timeStamp: '2026-01-27 10:53:10.123456', hostName: HEAD, pid: '100' });
    // The last line of event_RAYLET.log has no newline and is still read.
    expect(ids(page)).toContain(EVENT_RAYLET[39]?.event_id);
  });

  it('filters by job_id (global = events without one)', async () => {
    const job2 = await listEventTable(store, SESSION_REF, { jobId: '02000000' });
    expect(ids(job2)).toEqual(EVENT_RAYLET.filter((_, i) => i % 2 === 0).map((e) => e.event_id));
    const global = await listEventTable(store, SESSION_REF, { jobId: 'global' });
    expect(ids(global).sort()).toEqual(
      [...EVENT_GCS, ...EVENT_RAYLET.filter((_, i) => i % 2 === 1)].map((e) => e.event_id).sort(),
    );
  });

  it('pages with a cursor: the pages add up to the whole table, each event once', async () => {
    const all = ids(await listEventTable(store, SESSION_REF, {}));
    const seen: unknown[] = [];
    let cursor: string | undefined;
    do {
      const p = await listEventTable(store, SESSION_REF, { limit: 7, ...(cursor && { cursor }) });
      expect(p.events.length).toBeLessThanOrEqual(7);
      seen.push(...ids(p));
      cursor = p.nextCursor;
    } while (cursor !== undefined);
    expect(seen).toEqual(all);
  });

  it('stops at the byte budget with partial and a cursor that continues exactly', async () => {
    const all = ids(await listEventTable(store, SESSION_REF, {}));
    const seen: unknown[] = [];
    let cursor: string | undefined;
    let partials = 0;
    do {
      const p = await listEventTable(store, SESSION_REF, { ...(cursor && { cursor }) }, { maxBytes: 1 });
      if (p.partial === true) partials++;
      seen.push(...ids(p));
      cursor = p.nextCursor;
    } while (cursor !== undefined);
    expect(seen).toEqual(all);
    expect(partials).toBeGreaterThan(1);
  });

  it('refuses a bad limit or a cursor of another query (400 naming the field)', async () => {
    const p = await listEventTable(store, SESSION_REF, { limit: 1 });
    for (const [q, field] of [
      [{ limit: 0 }, 'limit'],
      [{ limit: 10_001 }, 'limit'],
      [{ cursor: 'x' }, 'cursor'],
      [{ jobId: '01000000', cursor: p.nextCursor }, 'cursor'],
    ] as const) {
      const err = await listEventTable(store, SESSION_REF, q).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(HttpError);
      expect((err as HttpError).extra.field).toBe(field);
    }
  });

  it('answers an empty table for a session without event files and 404 for a missing session', async () => {
    const other = freshStore('logsev2');
    await ingestFile(other, HEAD, 'raylet.out', 'x\n');
    expect(await listEventTable(other, SESSION_REF, {})).toEqual({ events: [] });
    const err = await listEventTable(
      other,
      { ...SESSION_REF, session: 'session_2020-01-01_00-00-00_000000_1' },
      {},
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as HttpError).code).toBe('session_not_found');
  });
});

import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { storeEvents } from '../../src/core/ingest/events.js';
import { StorageError } from '../../src/storage/errors.js';
import { metadataBlob } from '../../src/core/layout.js';
import { parseRfc3339Nanos } from '../../src/core/query/timestamp.js';
import { postEvents } from '../../src/functions/postEvents.js';
import type { BlobStore } from '../../src/storage/blobStore.js';
import { reopen } from '../helpers/storage.js';
import { allBlobs, call, postRequest, restartApp, SESSION, useFreshApp } from './ingestSupport.js';

const query = { namespace: 'default', cluster: 'raycluster-kuberay', node: 'head-1' };
const PREFIX = `log/raycluster-kuberay_default/${SESSION}/`;

/** A Ray event as the aggregator posts it (protobuf JSON mapping). */
function rayEvent(opts: { jobId?: string; session?: string } = {}): Record<string, unknown> {
  const job = opts.jobId ?? '';
  return {
    eventId: randomBytes(18).toString('base64'),
    sourceType: job === '' ? 'GCS' : 'JOBS',
    eventType: job === '' ? 'NODE_LIFECYCLE_EVENT' : 'DRIVER_JOB_LIFECYCLE_EVENT',
    timestamp: '2026-01-27T10:53:01.123456789Z',
    severity: 'INFO',
    message: '',
    sessionName: opts.session ?? SESSION,
    ...(job === ''
      ? { nodeLifecycleEvent: { nodeId: 'AQID', stateTransitions: [] } }
      : { driverJobLifecycleEvent: { jobId: job, stateTransitions: [] } }),
  };
}

const post = (body: unknown, headers: Record<string, string> = {}) =>
  call(postEvents, postRequest('v1/events', body, { query, headers }));

/** Every stored event, with the blob it is in. */
async function storedEvents(store: BlobStore): Promise<{ blob: string; event: Record<string, unknown> }[]> {
  const out: { blob: string; event: Record<string, unknown> }[] = [];
  for (const blob of await allBlobs(store)) {
    if (!blob.includes('_events/')) continue;
    const doc = await store.readText(blob);
    for (const event of JSON.parse(doc?.text ?? '[]') as Record<string, unknown>[]) out.push({ blob, event });
  }
  return out;
}

describe('Ray events (handler against Azurite)', () => {
  it('stores 97 of 100 events with 3 malformed ones reported, and a resend adds nothing', async () => {
    const store = useFreshApp();
    const events: unknown[] = Array.from({ length: 100 }, () => rayEvent());
    events[10] = { ...rayEvent(), timestamp: 'yesterday' };
    events[50] = { ...rayEvent(), eventId: undefined };
    events[99] = 'not an event';
    const r = await post(events);
    expect(r).toMatchObject({ status: 200, body: { accepted: 97, duplicates: 0, rejected: 3 } });
    const errors = r.body.errors as { index: number; eventId?: string; error: string; message: string }[];
    expect(errors.map((e) => e.index)).toEqual([10, 50, 99]);
    expect(errors[0]).toMatchObject({
      eventId: (events[10] as { eventId: string }).eventId,
      error: 'invalid_event',
    });
    expect(errors[0]?.message).toMatch(/timestamp/);
    expect(errors[1]?.message).toMatch(/eventId/);
    const stored = await storedEvents(store);
    expect(stored).toHaveLength(97);
    const blobsBefore = await allBlobs(store);

    const again = await post(events);
    expect(again).toMatchObject({ status: 200, body: { accepted: 0, duplicates: 97, rejected: 3 } });
    // A new process knows the ids too: they are recorded durably, not only in memory.
    restartApp();
    const third = await post(events);
    expect(third.body).toMatchObject({ accepted: 0, duplicates: 97 });
    expect(await allBlobs(store)).toEqual(blobsBefore);
  });

  it('puts node events under node_events and job events under job_events/<jobId hex>', async () => {
    const store = useFreshApp();
    const node = rayEvent();
    const jobA = rayEvent({ jobId: 'AgAAAA==' });
    const jobB = rayEvent({ jobId: 'AwAAAA==' });
    const badJob = rayEvent({ jobId: '!!notbase64' });
    const r = await post([node, jobA, jobB, badJob]);
    expect(r.body).toMatchObject({ accepted: 3, rejected: 1 });
    expect((r.body.errors as { index: number; message: string }[])[0]).toMatchObject({ index: 3 });
    const stored = await storedEvents(store);
    const where = (e: Record<string, unknown>) =>
      stored.find((s) => s.event.eventId === e.eventId)?.blob ?? '';
    expect(where(node)).toMatch(new RegExp(`^${PREFIX}node_events/head-1-\\d{8}T\\d{9}Z-[a-z0-9]+\\.json$`));
    expect(where(jobA)).toMatch(
      new RegExp(`^${PREFIX}job_events/02000000/head-1-\\d{8}T\\d{9}Z-[a-z0-9]+\\.json$`),
    );
    expect(where(jobB)).toMatch(new RegExp(`^${PREFIX}job_events/03000000/head-1-`));
    expect(stored.find((s) => s.event.eventId === node.eventId)?.event).toEqual(node);
    const props = await store.properties(where(jobA));
    expect(props?.metadata).toMatchObject({
      namespace: 'default',
      cluster: 'raycluster-kuberay',
      clusterid: 'default',
    });
    // The span of the file's event times, for the events route to skip files outside a page.
    const nanos = String(parseRfc3339Nanos(String(jobA.timestamp))).padStart(24, '0');
    expect(props?.metadata).toMatchObject({ mintime: nanos, maxtime: nanos });
    const meta = await store.readText(metadataBlob('default', 'raycluster-kuberay', SESSION));
    expect(JSON.parse(meta?.text ?? '{}')).toMatchObject({
      namespace: 'default',
      cluster: 'raycluster-kuberay',
      clusterId: 'default',
      session: SESSION,
      createTime: '2026-01-27T10:52:59Z',
      createTimeStamp: 1769511179,
    });
  });

  it('groups events by their own session and accepts gzip', async () => {
    const store = useFreshApp();
    const other = 'session_2026-01-28_00-00-00_000001';
    const body = [rayEvent(), rayEvent({ session: other })];
    const r = await call(
      postEvents,
      postRequest('v1/events', null, {
        query,
        raw: gzipSync(JSON.stringify(body)),
        headers: { 'content-encoding': 'gzip' },
      }),
    );
    expect(r.body).toMatchObject({ accepted: 2 });
    const blobs = (await storedEvents(store)).map((s) => s.blob);
    expect(blobs.some((b) => b.includes(`/${SESSION}/node_events/`))).toBe(true);
    expect(blobs.some((b) => b.includes(`/${other}/node_events/`))).toBe(true);
  });

  it('loses nothing with 50 concurrent batches, some of them resends', async () => {
    const store = useFreshApp();
    const batches = Array.from({ length: 40 }, (_, i) =>
      Array.from({ length: 25 }, () => rayEvent(i % 4 === 0 ? { jobId: 'AQAAAA==' } : {})),
    );
    const resends = batches.slice(0, 10);
    const replies = await Promise.all([...batches, ...resends].map((b) => post(b)));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    const accepted = replies.reduce((n, r) => n + Number(r.body.accepted), 0);
    const duplicates = replies.reduce((n, r) => n + Number(r.body.duplicates), 0);
    expect(accepted).toBe(1000);
    expect(duplicates).toBe(250);
    const ids = (await storedEvents(store)).map((s) => s.event.eventId);
    expect(ids).toHaveLength(1000);
    expect(new Set(ids)).toEqual(new Set(batches.flat().map((e) => e.eventId)));
  });

  it('counts an eventId repeated inside one batch once', async () => {
    const store = useFreshApp();
    const e = rayEvent();
    const r = await post([e, e, rayEvent()]);
    expect(r.body).toMatchObject({ accepted: 2, duplicates: 1, rejected: 0 });
    expect(await storedEvents(store)).toHaveLength(2);
  });

  it('answers an empty array 200 with nothing stored', async () => {
    const store = useFreshApp();
    expect((await post([])).body).toEqual({ accepted: 0, duplicates: 0, rejected: 0, errors: [] });
    expect(await allBlobs(store)).toEqual([]);
  });

  it('loses nothing when the process fails between storing events and recording their ids', async () => {
    const store = useFreshApp();
    const target = {
      namespace: 'default',
      cluster: 'raycluster-kuberay',
      clusterId: 'default',
      node: 'head-1',
    };
    // Storage fails for the seen log only: the event files are written, their ids never recorded.
    const failing = new Proxy(store, {
      get(t, prop, receiver) {
        if (prop === 'appendAt' || prop === 'createAppendBlob')
          return (name: string) =>
            name.startsWith('index/')
              ? Promise.reject(new StorageError('unavailable', 'storage went away', 5))
              : Promise.reject(new Error(`unexpected write to ${name}`));
        return Reflect.get(t, prop, receiver) as unknown;
      },
    });
    const events = Array.from({ length: 10 }, () => rayEvent());
    await expect(storeEvents(failing, target, events, 45_000)).rejects.toThrow('storage went away');
    expect(await storedEvents(store)).toHaveLength(10);
    // A new process gets the resend: the events are stored again (the query side dedupes), none lost.
    const resend = await storeEvents(reopen(store), target, events, 45_000);
    expect(resend).toMatchObject({ accepted: 10, duplicates: 0 });
    const ids = (await storedEvents(store)).map((e) => e.event.eventId);
    expect(new Set(ids)).toEqual(new Set(events.map((e) => e.eventId)));
    // Once recorded, a further resend adds nothing.
    expect(await storeEvents(reopen(store), target, events, 45_000)).toMatchObject({
      accepted: 0,
      duplicates: 10,
    });
  });
});

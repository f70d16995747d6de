/**
 * Regression (issue 12, defect 5): one event with a field nested 5,000 deep made JSON.stringify throw
 * "Maximum call stack size exceeded" while its file was written: the whole batch answered 500 and the
 * valid events beside it were not stored. Ray's publisher retries a failed batch forever, so that
 * node's event stream stalled for good. A batch whose `metadata` was nested 100,000 deep did the same.
 * Now such an event is rejected on its own (MAX_JSON_DEPTH, docs/ingest.md) and the rest are stored.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/core/ingest/jsonDepth.js';
import { postBatch } from '../../src/functions/postBatch.js';
import { postEvents } from '../../src/functions/postEvents.js';
import { allBlobs, call, postRequest, SESSION, useFreshApp } from './ingestSupport.js';

const query = { namespace: 'default', cluster: 'raycluster-kuberay', node: 'head-1' };

function rayEvent(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventId: randomBytes(18).toString('base64'),
    sourceType: 'GCS',
    eventType: 'NODE_LIFECYCLE_EVENT',
    timestamp: '2026-01-27T10:53:01.123456789Z',
    sessionName: SESSION,
    ...extra,
  };
}

/** JSON text of an object nested `depth` deep ({"a":{"a":…}}), built as text (stringify would overflow). */
function nestedText(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

describe('deeply nested JSON in ingest (defect 5)', () => {
  it('rejects only the event nested 5,000 deep and stores the others', async () => {
    const store = useFreshApp();
    const before = rayEvent();
    const after = rayEvent();
    const body = `[${JSON.stringify(before)},${JSON.stringify(rayEvent()).slice(0, -1)},"deep":${nestedText(5_000)}},${JSON.stringify(after)}]`;
    const r = await call(postEvents, postRequest('v1/events', undefined, { query, raw: body }));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ accepted: 2, duplicates: 0, rejected: 1 });
    const errors = r.body.errors as { index: number; error: string; message: string }[];
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ index: 1, error: 'invalid_event' });
    expect(errors[0]?.message).toContain(`nested deeper than ${MAX_JSON_DEPTH}`);
    const files = (await allBlobs(store)).filter((b) => b.includes('node_events/'));
    expect(files).toHaveLength(1);
    const stored = JSON.parse((await store.readText(files[0] ?? ''))?.text ?? '[]') as { eventId: string }[];
    expect(stored.map((e) => e.eventId).sort()).toEqual([before.eventId, after.eventId].sort());
  });

  it(`accepts an event nested exactly ${MAX_JSON_DEPTH} deep`, async () => {
    useFreshApp();
    // The event object itself is level 1; its field adds MAX_JSON_DEPTH - 1 more.
    const body = `[${JSON.stringify(rayEvent()).slice(0, -1)},"deep":${nestedText(MAX_JSON_DEPTH - 1)}}]`;
    const r = await call(postEvents, postRequest('v1/events', undefined, { query, raw: body }));
    expect(r.body).toMatchObject({ accepted: 1, rejected: 0 });
  });

  it('answers a batch whose metadata is nested 100,000 deep 400 naming metadata, writing nothing', async () => {
    const store = useFreshApp();
    const envelope = JSON.stringify({
      namespace: 'default',
      cluster: 'raycluster-kuberay',
      session: SESSION,
      node: 'head-1',
      chunks: [{ file: 'raylet.out', offset: 0, data: 'line\n' }],
      events: [rayEvent()],
    });
    const body = `${envelope.slice(0, -1)},"metadata":${nestedText(100_000)}}`;
    const r = await call(postBatch, postRequest('v1/batch', undefined, { raw: body }));
    expect(r).toMatchObject({ status: 400, body: { error: 'invalid_parameter', field: 'metadata' } });
    expect(await allBlobs(store)).toEqual([]);
  });
});

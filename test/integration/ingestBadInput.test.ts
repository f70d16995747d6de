import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { appendLog } from '../../src/functions/appendLog.js';
import { postBatch } from '../../src/functions/postBatch.js';
import { postEvents } from '../../src/functions/postEvents.js';
import type { BlobStore } from '../../src/storage/blobStore.js';
import { StorageError } from '../../src/storage/errors.js';
import { unreachableStore } from '../helpers/storage.js';
import { allBlobs, call, postRequest, putRequest, SESSION, useApp, useFreshApp } from './ingestSupport.js';

const rayEvent = () => ({
  eventId: 'AAECAwQFBgcICQoLDA0ODxAREhMU',
  eventType: 'NODE_DEFINITION_EVENT',
  timestamp: '2026-01-27T10:53:00Z',
  sessionName: SESSION,
});

/** Invalid values for each name of docs/api.md's table (after the host's one percent-decoding). */
const INVALID: Record<string, string[]> = {
  namespace: ['Default', 'a_b', '-a', 'a'.repeat(64), 'a%2fb', 'a.b'],
  cluster: ['Ray', 'ray_cluster', 'ray..x', `${'a'.repeat(254)}`, '-ray', 'a%41'],
  session: [
    'session_2026-13-01_00-00-00_000000',
    'session_x',
    'sess',
    'session_2026-01-27_10-52-59_37353',
    '..',
  ],
  node: ['..', '.', 'a/b', 'a%2fb', 'n'.repeat(129), 'a b'],
  file: ['../x', 'a/../b', './a', 'a//b', '/abs', 'a\\b', 'a%2fb', 'a\u0001b', 'x'.repeat(513)],
};

async function expectNothingWritten(store: BlobStore): Promise<void> {
  expect(await allBlobs(store)).toEqual([]);
}

describe('append: bad input is answered with its status and writes nothing', () => {
  for (const [field, values] of Object.entries(INVALID)) {
    it(`rejects every invalid ${field} in the path with 400 naming it`, async () => {
      const store = useFreshApp();
      for (const value of values) {
        const r = await call(appendLog, putRequest({ offset: 0, body: 'x', params: { [field]: value } }));
        expect(r.status, `${field}=${JSON.stringify(value)}`).toBe(400);
        expect(r.body).toMatchObject({ error: 'invalid_parameter', field });
      }
      await expectNothingWritten(store);
    });
  }

  it('rejects an invalid clusterId in the query with 400 naming it', async () => {
    const store = useFreshApp();
    for (const clusterId of ['..', '.', 'a/b', 'x'.repeat(65), '']) {
      const r = await call(appendLog, putRequest({ offset: 0, body: 'x', query: { clusterId } }));
      expect(r.status, clusterId).toBe(400);
      expect(r.body).toMatchObject({ error: 'invalid_parameter', field: 'clusterId' });
    }
    await expectNothingWritten(store);
  });

  it('rejects negative, non-numeric, huge and missing offsets', async () => {
    const store = useFreshApp();
    for (const offset of ['-1', 'abc', '1e3', '1.5', '', '99999999999999999999', String(2 ** 53)]) {
      const r = await call(appendLog, putRequest({ offset, body: 'x' }));
      expect(r.status, offset).toBe(400);
      expect(r.body).toMatchObject({ error: 'invalid_parameter', field: 'offset' });
    }
    const missing = await call(appendLog, putRequest({ body: 'x' }));
    expect(missing).toMatchObject({ status: 400, body: { error: 'invalid_parameter', field: 'offset' } });
    await expectNothingWritten(store);
  });

  it('answers a wrong content type or encoding 415', async () => {
    const store = useFreshApp();
    const bad: Record<string, string>[] = [
      { 'content-type': 'application/json' },
      { 'content-type': 'multipart/form-data; boundary=x' },
      { 'content-encoding': 'br' },
      { 'content-encoding': 'deflate' },
      { 'content-encoding': 'gzip, gzip' },
    ];
    for (const headers of bad) {
      const r = await call(appendLog, putRequest({ offset: 0, body: 'x', headers }));
      expect(r.status, JSON.stringify(headers)).toBe(415);
    }
    await expectNothingWritten(store);
    const plain = await call(
      appendLog,
      putRequest({ offset: 0, body: 'ok', headers: { 'content-type': 'text/plain; charset=utf-8' } }),
    );
    expect(plain.status).toBe(200);
  });

  it('answers a body over the limit 413 before reading it, and a corrupt gzip 400', async () => {
    const store = useFreshApp({ maxBodyBytes: 1000 });
    const big = await call(
      appendLog,
      putRequest({ offset: 0, body: 'x'.repeat(1001), headers: { 'content-length': '1001' } }),
    );
    expect(big).toMatchObject({ status: 413, body: { error: 'body_too_large' } });
    const chunked = await call(appendLog, putRequest({ offset: 0, body: 'x'.repeat(1001) }));
    expect(chunked).toMatchObject({ status: 413, body: { error: 'body_too_large' } });
    const corrupt = await call(
      appendLog,
      putRequest({
        offset: 0,
        body: Buffer.from('not gzip at all'),
        headers: { 'content-encoding': 'gzip' },
      }),
    );
    expect(corrupt).toMatchObject({ status: 400, body: { error: 'invalid_body' } });
    await expectNothingWritten(store);
    const ok = await call(
      appendLog,
      putRequest({ offset: 0, body: gzipSync('x'.repeat(1000)), headers: { 'content-encoding': 'gzip' } }),
    );
    expect(ok.status).toBe(200);
  });
});

describe('events and batch: bad input', () => {
  const query = { namespace: 'default', cluster: 'raycluster-kuberay', node: 'head-1' };

  it('answers a body that is not a JSON array 400 invalid_body', async () => {
    const store = useFreshApp();
    for (const raw of ['{"a":1}', 'not json', '', '   ', '"text"', 'null', '[1,2']) {
      const r = await call(postEvents, postRequest('v1/events', null, { query, raw }));
      expect(r.status, raw).toBe(400);
      expect(r.body.error).toBe('invalid_body');
    }
    await expectNothingWritten(store);
  });

  it('answers missing or invalid query names 400 naming them, and a wrong content type 415', async () => {
    const store = useFreshApp();
    for (const [field, q] of [
      ['namespace', { cluster: 'c', node: 'n' }],
      ['cluster', { namespace: 'default', node: 'n' }],
      ['node', { namespace: 'default', cluster: 'c' }],
      ['namespace', { ...query, namespace: 'Bad' }],
      ['cluster', { ...query, cluster: 'a_b' }],
      ['clusterId', { ...query, clusterId: '..' }],
      ['node', { ...query, node: '..' }],
    ] as const) {
      const r = await call(postEvents, postRequest('v1/events', [], { query: q }));
      expect(r.status, JSON.stringify(q)).toBe(400);
      expect(r.body).toMatchObject({ error: 'invalid_parameter', field });
    }
    const type = await call(
      postEvents,
      postRequest('v1/events', [], { query, headers: { 'content-type': 'text/xml' } }),
    );
    expect(type.status).toBe(415);
    await expectNothingWritten(store);
  });

  it('answers an invalid batch envelope 400 naming the key, writing nothing', async () => {
    const store = useFreshApp();
    const good = { namespace: 'default', cluster: 'raycluster-kuberay', session: SESSION, node: 'head-1' };
    const cases: [unknown, string][] = [
      [{ ...good, namespace: undefined }, 'namespace'],
      [{ ...good, cluster: 7 }, 'cluster'],
      [{ ...good, session: 'session_bad' }, 'session'],
      [{ ...good, node: '..' }, 'node'],
      [{ ...good, clusterId: '..' }, 'clusterId'],
      [{ ...good, clusterId: 5 }, 'clusterId'],
      [{ ...good, chunks: {} }, 'chunks'],
      [{ ...good, events: 'x' }, 'events'],
      [{ ...good, metadata: [] }, 'metadata'],
      [{ ...good, metadata: 'x' }, 'metadata'],
    ];
    for (const [body, field] of cases) {
      const r = await call(postBatch, postRequest('v1/batch', body));
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body).toMatchObject({ error: 'invalid_parameter', field });
    }
    for (const raw of ['[]', 'nope', '', '42']) {
      const r = await call(postBatch, postRequest('v1/batch', null, { raw }));
      expect(r).toMatchObject({ status: 400, body: { error: 'invalid_body' } });
    }
    await expectNothingWritten(store);
  });
});

describe('storage failures are answered 429/503 with Retry-After, never as a client error', () => {
  it('answers 503 with Retry-After when storage is unreachable', async () => {
    useApp(unreachableStore());
    const append = await call(appendLog, putRequest({ offset: 0, body: 'x' }));
    expect(append.status).toBe(503);
    expect(append.body.error).toBe('storage_unavailable');
    expect(Number(append.headers['retry-after'])).toBeGreaterThan(0);
    const events = await call(
      postEvents,
      postRequest('v1/events', [rayEvent()], {
        query: { namespace: 'default', cluster: 'raycluster-kuberay', node: 'head-1' },
      }),
    );
    expect(events.status).toBe(503);
    expect(events.headers['retry-after']).toBeDefined();
  });

  it('fails a whole batch with 429 when storage throttles (every item is safe to resend)', async () => {
    const store = useFreshApp();
    const throttling = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'appendAt' || prop === 'createAppendBlob')
          return () => Promise.reject(new StorageError('throttled', 'append: storage is throttling', 2));
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    // The real registered handler, built with the throttling store.
    useApp(throttling);
    const r = await call(
      postBatch,
      postRequest('v1/batch', {
        namespace: 'default',
        cluster: 'raycluster-kuberay',
        session: SESSION,
        node: 'head-1',
        chunks: [{ file: 'a.log', offset: 0, data: 'x' }],
      }),
    );
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('2');
  });
});

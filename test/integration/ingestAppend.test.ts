import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { appendLog } from '../../src/functions/appendLog.js';
import { heldBack } from '../../src/core/ingest/holdBack.js';
import { appendLog as appendToLog } from '../../src/core/ingest/logs.js';
import { logBlob } from '../../src/core/layout.js';
import { StorageError } from '../../src/storage/errors.js';
import { seededRandom } from '../helpers/random.js';
import { eventually } from '../helpers/storage.js';
import {
  allBlobs,
  allBlobsWithUncommitted,
  call,
  putRequest,
  restartApp,
  readLog,
  streamedPutRequest,
  target,
  useFreshApp,
} from './ingestSupport.js';

const put = (opts: Parameters<typeof putRequest>[0]) => call(appendLog, putRequest(opts));
const ref = { cluster: target.cluster, clusterId: target.clusterId, session: target.session };

describe('log append rules (handler against Azurite)', () => {
  it('appends a sequence of chunks and answers Next-Offset each time', async () => {
    const store = useFreshApp();
    const a = await put({ offset: 0, body: 'hello ' });
    expect(a).toMatchObject({ status: 200, body: { status: 'appended', offset: 0, nextOffset: 6 } });
    expect(a.headers['next-offset']).toBe('6');
    const b = await put({ offset: 6, body: 'world\n' });
    expect(b).toMatchObject({ status: 200, body: { status: 'appended', offset: 6, nextOffset: 12 } });
    expect(b.headers['next-offset']).toBe('12');
    expect((await readLog(store))?.toString()).toBe('hello world\n');
  });

  it('answers the same request sent twice as a duplicate and writes nothing', async () => {
    const store = useFreshApp();
    await put({ offset: 0, body: 'abc' });
    await put({ offset: 3, body: 'def' });
    const before = await store.properties(logBlob(ref, 'head-1', 'raylet.out'));
    const again = await put({ offset: 3, body: 'def' });
    expect(again).toMatchObject({ status: 200, body: { status: 'duplicate', offset: 3, nextOffset: 6 } });
    expect(again.headers['next-offset']).toBe('6');
    const after = await store.properties(logBlob(ref, 'head-1', 'raylet.out'));
    expect(after?.etag).toBe(before?.etag);
    expect((await readLog(store))?.toString()).toBe('abcdef');
  });

  it('appends only the missing suffix of an overlapping chunk', async () => {
    const store = useFreshApp();
    await put({ offset: 0, body: '0123456789' });
    const r = await put({ offset: 5, body: '56789abcde' });
    expect(r).toMatchObject({ status: 200, body: { status: 'appended', offset: 5, nextOffset: 15 } });
    expect((await readLog(store))?.toString()).toBe('0123456789abcde');
  });

  it('answers a gap with 409 offset_gap and the expected offset, writing nothing', async () => {
    const store = useFreshApp();
    await put({ offset: 0, body: '0123456789' });
    const r = await put({ offset: 12, body: 'xyz' });
    expect(r).toMatchObject({ status: 409, body: { error: 'offset_gap', expectedOffset: 10 } });
    expect(r.headers['next-offset']).toBe('10');
    expect((await readLog(store))?.toString()).toBe('0123456789');
  });

  it('answers differing overlap with 409 offset_conflict, writing nothing', async () => {
    const store = useFreshApp();
    await put({ offset: 0, body: '0123456789' });
    const r = await put({ offset: 8, body: '8Xabc' });
    expect(r).toMatchObject({ status: 409, body: { error: 'offset_conflict', expectedOffset: 10 } });
    expect(r.headers['next-offset']).toBe('10');
    expect((await readLog(store))?.toString()).toBe('0123456789');
  });

  it("reports the true length when another process appended behind this one's back", async () => {
    const store = useFreshApp();
    await put({ offset: 0, body: '0123456789' });
    // Another instance appends: this process's cached length (10) is now stale.
    const blob = logBlob(ref, 'head-1', 'raylet.out');
    expect((await store.appendAt(blob, 10, Buffer.from('abcdefghij'))).ok).toBe(true);
    const dup = await put({ offset: 2, body: '234' });
    expect(dup).toMatchObject({ status: 200, body: { status: 'duplicate', nextOffset: 20 } });
    const conflict = await put({ offset: 5, body: '5X' });
    expect(conflict).toMatchObject({ status: 409, body: { error: 'offset_conflict', expectedOffset: 20 } });
    expect(conflict.headers['next-offset']).toBe('20');
    const stale = await put({ offset: 10, body: 'abcdefghijKLM' });
    expect(stale).toMatchObject({ status: 200, body: { status: 'appended', nextOffset: 23 } });
    expect((await readLog(store))?.toString()).toBe('0123456789abcdefghijKLM');
  });

  it('leaves no blob behind when a request on a new file is rejected', async () => {
    const store = useFreshApp();
    const r = await put({ offset: 5, body: 'abc' });
    expect(r).toMatchObject({ status: 409, body: { error: 'offset_gap', expectedOffset: 0 } });
    expect(await allBlobs(store)).toEqual([]);
  });

  it('creates an empty file from an empty body at offset 0', async () => {
    const store = useFreshApp();
    const r = await put({ offset: 0 });
    expect(r).toMatchObject({ status: 200, body: { status: 'appended', offset: 0, nextOffset: 0 } });
    expect((await readLog(store))?.byteLength).toBe(0);
    expect((await store.properties(logBlob(ref, 'head-1', 'raylet.out')))?.metadata).toMatchObject({
      namespace: 'default',
      cluster: 'raycluster-kuberay',
      clusterid: 'default',
      node: 'head-1',
      startoffset: '0',
    });
  });

  it('completes a request that died midway exactly when it is retried', async () => {
    const store = useFreshApp();
    const MiB = 1024 * 1024;
    const source = randomBytes(6 * MiB);
    // A body of known length streams straight into the log: the first 4 MiB piece is stored, then
    // the client goes away.
    const cut = await call(
      appendLog,
      streamedPutRequest({
        offset: 0,
        chunks: [source.subarray(0, 5 * MiB)],
        headers: { 'content-length': String(source.byteLength) },
        failWith: new Error('the client went away'),
        // ...once the first piece is in the blob (the body is read ahead of what is stored).
        failAfter: () =>
          eventually(async () =>
            (await store.properties(logBlob(ref, 'head-1', 'raylet.out')))?.size === 4 * MiB
              ? true
              : undefined,
          ),
      }),
    );
    expect(cut).toMatchObject({ status: 400, body: { error: 'invalid_body' } });
    expect(cut.headers['next-offset']).toBe(String(4 * MiB));
    expect((await readLog(store))?.equals(source.subarray(0, 4 * MiB))).toBe(true);
    const retry = await put({ offset: 0, body: source });
    expect(retry).toMatchObject({ status: 200, body: { status: 'appended', nextOffset: source.byteLength } });
    expect((await readLog(store))?.equals(source)).toBe(true);
  });

  it('writes nothing for a body of unknown length that fails after several pieces', async () => {
    const store = useFreshApp();
    const source = randomBytes(9 * 1024 * 1024);
    const gz = gzipSync(source);
    const cut = await put({
      offset: 0,
      body: gz.subarray(0, gz.byteLength - 1000),
      headers: { 'content-encoding': 'gzip' },
    });
    expect(cut).toMatchObject({ status: 400, body: { error: 'invalid_body' } });
    expect(cut.headers['next-offset']).toBe('0');
    // No log blob, and no scratch blob, not even uncommitted blocks.
    expect(await allBlobsWithUncommitted(store)).toEqual([]);
    const chunked = await call(
      appendLog,
      streamedPutRequest({
        offset: 0,
        chunks: [source.subarray(0, 5 * 1024 * 1024)],
        failWith: new Error('the client went away'),
      }),
    );
    expect(chunked.status).toBe(400);
    expect(await allBlobsWithUncommitted(store)).toEqual([]);
    // The check above would see uncommitted blocks had any been left behind.
    await store.stageBlock('probe', Buffer.from('00000000').toString('base64'), Buffer.from('x'));
    expect(await allBlobs(store)).toEqual([]);
    expect(await allBlobsWithUncommitted(store)).toEqual(['probe']);
  });

  it('drops the staged blocks when storage fails while a body is held back, and writes nothing', async () => {
    const store = useFreshApp();
    let staged = 0;
    const failing = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'stageBlock')
          return (name: string, id: string, data: Uint8Array) => {
            staged += 1;
            if (staged === 2) return Promise.reject(new StorageError('throttled', 'server busy', 5));
            return target.stageBlock(name, id, data);
          };
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const source = randomBytes(9 * 1024 * 1024);
    const chunks = [source.subarray(0, 5_000_000), source.subarray(5_000_000)];
    await expect(appendToLog(failing, target, 0, heldBack(failing, chunks), 45_000)).rejects.toThrow(
      StorageError,
    );
    expect(staged).toBe(2);
    expect(await allBlobsWithUncommitted(store)).toEqual([]);
    // The same request again completes.
    const again = await appendToLog(store, target, 0, heldBack(store, chunks), 45_000);
    expect(again).toMatchObject({ status: 'appended', nextOffset: source.byteLength });
    expect((await readLog(store))?.equals(source)).toBe(true);
  });

  it('stores a body of unknown length of several pieces whole, leaving no scratch blob', async () => {
    const store = useFreshApp();
    const source = randomBytes(9 * 1024 * 1024 + 123);
    const chunks = Array.from({ length: 10 }, (_, i) => source.subarray(i * 1_000_000, (i + 1) * 1_000_000));
    const r = await call(appendLog, streamedPutRequest({ offset: 0, chunks }));
    expect(r).toMatchObject({ status: 200, body: { status: 'appended', nextOffset: source.byteLength } });
    expect((await readLog(store))?.equals(source)).toBe(true);
    const gz = await put({
      offset: source.byteLength,
      body: gzipSync(source),
      headers: { 'content-encoding': 'gzip' },
    });
    expect(gz.body).toMatchObject({ status: 'appended', nextOffset: 2 * source.byteLength });
    expect((await readLog(store))?.equals(Buffer.concat([source, source]))).toBe(true);
    expect((await allBlobsWithUncommitted(store)).filter((n) => n.startsWith('index/scratch/'))).toEqual([]);
  });

  it('stores gzip bodies decompressed, counting offsets after decompression', async () => {
    const store = useFreshApp();
    const text = 'line of a log\n'.repeat(1000);
    const a = await put({ offset: 0, body: gzipSync(text), headers: { 'content-encoding': 'gzip' } });
    expect(a).toMatchObject({ status: 200, body: { status: 'appended', nextOffset: text.length } });
    const b = await put({
      offset: text.length,
      body: gzipSync('end\n'),
      headers: { 'content-encoding': 'GZIP' },
    });
    expect(b.body.nextOffset).toBe(text.length + 4);
    expect((await readLog(store))?.toString()).toBe(`${text}end\n`);
  });

  it('answers a gzip bomb 413 and writes nothing past the limit', async () => {
    const store = useFreshApp({ maxBodyBytes: 1024 * 1024 });
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.byteLength).toBeLessThan(1024 * 1024);
    const r = await put({ offset: 0, body: bomb, headers: { 'content-encoding': 'gzip' } });
    expect(r).toMatchObject({ status: 413, body: { error: 'body_too_large' } });
    expect(r.headers['next-offset']).toBe('0');
    // The limit is below one 4 MiB piece, so not even the first piece was stored.
    expect(await allBlobs(store)).toEqual([]);
  });

  it('writes nothing for a bomb past a large limit (several pieces within it), and a retry is safe', async () => {
    const store = useFreshApp({ maxBodyBytes: 10 * 1024 * 1024 });
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 'a'));
    const r = await put({ offset: 0, body: bomb, headers: { 'content-encoding': 'gzip' } });
    expect(r).toMatchObject({ status: 413, body: { error: 'body_too_large' } });
    expect(r.headers['next-offset']).toBe('0');
    expect(await allBlobsWithUncommitted(store)).toEqual([]);
    const again = await put({ offset: 0, body: bomb, headers: { 'content-encoding': 'gzip' } });
    expect(again.status).toBe(413);
    expect(await allBlobsWithUncommitted(store)).toEqual([]);
  });

  it('ends byte-identical to the source with 20 concurrent writers sending overlapping chunks', async () => {
    const store = useFreshApp();
    const random = seededRandom();
    const source = random.bytes(512 * 1024);
    const writer = async () => {
      let pos = 0;
      let requests = 0;
      while (pos < source.byteLength) {
        const start = Math.max(0, pos - random.int(4096));
        const end = Math.min(source.byteLength, start + 1 + random.int(48 * 1024));
        const r = await put({ offset: start, body: source.subarray(start, end) });
        requests += 1;
        if (r.status === 200) pos = Math.max(pos, Number(r.body.nextOffset));
        else if (r.status === 409 && r.body.error === 'offset_gap') pos = Number(r.body.expectedOffset);
        else throw new Error(`unexpected answer ${r.status} ${JSON.stringify(r.body)}`);
        // Now and then jump back to resend an old range, as a restarted collector would.
        if (random() < 0.1) pos = random.int(pos);
      }
      return requests;
    };
    const counts = await Promise.all(Array.from({ length: 20 }, writer));
    expect(counts.every((n) => n > 0)).toBe(true);
    expect((await readLog(store))?.equals(source)).toBe(true);
  });
});

describe('log segments past the block limit (LOG_SEGMENT_MAX_BLOCKS lowered)', () => {
  it('Azurite rejects appends to a sealed append blob', async () => {
    const store = useFreshApp();
    await store.createAppendBlob('s.log', 'text/plain');
    expect((await store.appendAt('s.log', 0, Buffer.from('ab'))).ok).toBe(true);
    expect(await store.seal('s.log')).toBe(true);
    expect(await store.seal('s.log')).toBe(true);
    expect(await store.appendAt('s.log', 2, Buffer.from('cd'))).toEqual({ ok: false, reason: 'sealed' });
    expect(await store.properties('s.log')).toMatchObject({ size: 2, sealed: true });
  });

  it('rolls over to new segments and still reads as one file', async () => {
    const store = useFreshApp({ segmentMaxBlocks: 3 });
    const parts = Array.from({ length: 10 }, (_, i) => `chunk ${i}\n`);
    let at = 0;
    for (const p of parts) {
      const r = await put({ offset: at, body: p });
      expect(r).toMatchObject({ status: 200, body: { status: 'appended' } });
      at += p.length;
    }
    expect((await readLog(store, target, 3))?.toString()).toBe(parts.join(''));
    const seg0 = await store.properties(logBlob(ref, 'head-1', 'raylet.out', 0));
    const seg1 = await store.properties(logBlob(ref, 'head-1', 'raylet.out', 1));
    expect(seg0).toMatchObject({ sealed: true, committedBlockCount: 3 });
    expect(seg1?.metadata).toMatchObject({
      startoffset: String(seg0?.size),
      segment: '1',
      namespace: 'default',
    });
    // A duplicate spanning segments is recognised; a conflicting one is not.
    expect((await put({ offset: 0, body: parts.join('') })).body.status).toBe('duplicate');
    expect((await put({ offset: 2, body: 'X' })).body.error).toBe('offset_conflict');
    // A fresh process (no cached tail) continues at the right place.
    restartApp();
    const next = await put({ offset: at, body: 'tail\n' });
    expect(next.body).toMatchObject({ status: 'appended', nextOffset: at + 5 });
    expect((await readLog(store, target, 3))?.toString()).toBe(`${parts.join('')}tail\n`);
  });

  it('stays byte-identical with concurrent writers across rollovers', async () => {
    const store = useFreshApp({ segmentMaxBlocks: 2 });
    const random = seededRandom();
    const source = random.bytes(64 * 1024);
    const writer = async () => {
      let pos = 0;
      while (pos < source.byteLength) {
        const end = Math.min(source.byteLength, pos + 1 + random.int(4096));
        const r = await put({ offset: pos, body: source.subarray(pos, end) });
        if (r.status === 200) pos = Number(r.body.nextOffset);
        else if (r.status === 409 && r.body.error === 'offset_gap') pos = Number(r.body.expectedOffset);
        else throw new Error(`unexpected answer ${r.status} ${JSON.stringify(r.body)}`);
      }
    };
    await Promise.all(Array.from({ length: 5 }, writer));
    expect((await readLog(store, target, 2))?.equals(source)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { readLogFile } from '../../src/functions/readLogFile.js';
import type { AzureBlobStore } from '../../src/storage/azureBlobStore.js';
import { unreachableStore } from '../helpers/storage.js';
import {
  call,
  NS,
  sessionParams,
  SESSION,
  useFreshContainer,
  useStore,
  writeLog,
  writeMetadata,
} from './queryFixtures.js';

const read = (
  file: string,
  query: Record<string, string> = {},
  headers: Record<string, string> = {},
  node = 'head-1',
) => call(readLogFile, sessionParams({ node, file }), query, headers);

const LINES = Array.from({ length: 50 }, (_, i) => `line ${i} ${'é'.repeat(i % 5)}`);
const TEXT = `${LINES.join('\n')}\n`;

async function seeded(): Promise<AzureBlobStore> {
  const store = useFreshContainer();
  await writeLog(store, 'head-1', 'raylet.out', [TEXT]);
  return store;
}

describe('reading a log file (handler against Azurite)', () => {
  it('streams the whole file with its ETag, type and nosniff', async () => {
    await seeded();
    const r = await read('raylet.out');
    expect(r.status).toBe(200);
    expect(r.text).toBe(TEXT);
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['content-length']).toBe(String(Buffer.byteLength(TEXT)));
    expect(r.headers.etag).toMatch(/^".+"$/);
    expect(r.headers['content-disposition']).toBeUndefined();
  });

  it('serves .json files as application/json', async () => {
    const store = useFreshContainer();
    await writeLog(store, 'head-1', 'events/info.json', ['{"a":1}']);
    const r = await read('events/info.json');
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.json()).toEqual({ a: 1 });
  });

  it('answers Range a-b, a- and -n with 206 and Content-Range', async () => {
    await seeded();
    const size = Buffer.byteLength(TEXT);
    const bytes = Buffer.from(TEXT);
    for (const [h, start, end] of [
      ['bytes=0-9', 0, 10],
      ['bytes=5-', 5, size],
      ['bytes=-7', size - 7, size],
      ['bytes=3-999999', 3, size],
    ] as const) {
      const r = await read('raylet.out', {}, { Range: h });
      expect(r.status, h).toBe(206);
      expect(r.headers['content-range']).toBe(`bytes ${start}-${end - 1}/${size}`);
      expect(r.bytes.equals(bytes.subarray(start, end)), h).toBe(true);
    }
  });

  it('answers an unsatisfiable Range with 416 and Content-Range bytes */size', async () => {
    await seeded();
    const size = Buffer.byteLength(TEXT);
    for (const h of [`bytes=${size}-`, 'bytes=-0', 'bytes=9-3', 'bytes=0-1,4-5']) {
      const r = await read('raylet.out', {}, { Range: h });
      expect(r.status, h).toBe(416);
      expect(r.headers['content-range']).toBe(`bytes */${size}`);
      expect(r.json().error).toBe('range_not_satisfiable');
    }
  });

  it("honours a Range only while If-Range still names the file's ETag", async () => {
    await seeded();
    const etag = (await read('raylet.out')).headers.etag ?? '';
    const same = await read('raylet.out', {}, { Range: 'bytes=0-3', 'If-Range': etag });
    expect([same.status, same.text]).toEqual([206, TEXT.slice(0, 4)]);
    const stale = await read('raylet.out', {}, { Range: 'bytes=0-3', 'If-Range': '"stale"' });
    expect([stale.status, stale.text]).toEqual([200, TEXT]);
  });

  it('answers ?offset=&length= with 206 like the equivalent Range', async () => {
    await seeded();
    const bytes = Buffer.from(TEXT);
    const r = await read('raylet.out', { offset: '4', length: '6' });
    expect(r.status).toBe(206);
    expect(r.bytes.equals(bytes.subarray(4, 10))).toBe(true);
    expect(r.headers['content-range']).toBe(`bytes 4-9/${bytes.length}`);
    const toEnd = await read('raylet.out', { offset: '100' });
    expect(toEnd.bytes.equals(bytes.subarray(100))).toBe(true);
    expect((await read('raylet.out', { offset: String(bytes.length) })).status).toBe(416);
  });

  it('returns exactly the last N lines for ?tail=N', async () => {
    await seeded();
    expect((await read('raylet.out', { tail: '3' })).text).toBe(`${LINES.slice(-3).join('\n')}\n`);
    expect((await read('raylet.out', { tail: '1' })).text).toBe(`${LINES.at(-1)}\n`);
    expect((await read('raylet.out', { tail: '500' })).text).toBe(TEXT);
    const none = await read('raylet.out', { tail: '0' });
    expect(none.status).toBe(200);
    expect(none.text).toBe('');
    // The file's one ETag stands for every representation of it, the empty tail included.
    const whole = await read('raylet.out');
    expect(whole.headers.etag).toMatch(/^"[^"]+"$/);
    expect(none.headers.etag).toBe(whole.headers.etag);
  });

  it('tails more than it keeps in memory by streaming the tail again (5 MiB tail)', async () => {
    const store = useFreshContainer();
    const lines = Array.from(
      { length: 110_000 },
      (_, i) => `${String(i).padStart(8, '0')} ${'x'.repeat(40)}`,
    );
    await writeLog(store, 'head-1', 'long.log', [`${lines.join('\n')}\n`]);
    const r = await read('long.log', { tail: '100000' });
    expect(r.bytes.length).toBeGreaterThan(4 * 1024 * 1024);
    expect(r.text).toBe(`${lines.slice(-100_000).join('\n')}\n`);
    expect(r.headers['content-length']).toBe(String(r.bytes.length));
  });

  it('tails an empty file and a file without a final newline', async () => {
    const store = useFreshContainer();
    await writeLog(store, 'head-1', 'empty.log', ['']);
    await writeLog(store, 'head-1', 'open.log', ['a\r\nb\r\nlast']);
    expect((await read('empty.log', { tail: '5' })).text).toBe('');
    expect((await read('empty.log')).status).toBe(200);
    expect((await read('open.log', { tail: '1' })).text).toBe('last');
    expect((await read('open.log', { tail: '2' })).text).toBe('b\r\nlast');
  });

  it('answers 304 to a matching If-None-Match, and 200 after the file changed', async () => {
    const store = await seeded();
    const first = await read('raylet.out');
    const again = await read('raylet.out', {}, { 'If-None-Match': first.headers.etag ?? '' });
    expect(again.status).toBe(304);
    expect(again.bytes.length).toBe(0);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(
      (await read('raylet.out', { tail: '2' }, { 'If-None-Match': `"x", ${first.headers.etag}` })).status,
    ).toBe(304);
    await store.appendAt(
      'log/raycluster-kuberay_default/session_2026-01-27_10-52-59_373533_1/logs/head-1/raylet.out',
      Buffer.byteLength(TEXT),
      Buffer.from('more\n'),
    );
    const changed = await read('raylet.out', {}, { 'If-None-Match': first.headers.etag ?? '' });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(first.headers.etag);
    expect(changed.text.endsWith('more\n')).toBe(true);
  });

  it('serves ?download=1 as an attachment named by RFC 6266', async () => {
    const store = useFreshContainer();
    await writeLog(store, 'head-1', 'dir/wörker "1".log', ['x']);
    const r = await read('dir/wörker "1".log', { download: '1' });
    expect(r.headers['content-disposition']).toBe(
      `attachment; filename="w_rker _1_.log"; filename*=UTF-8''w%C3%B6rker%20%221%22.log`,
    );
    expect(
      (await read('dir/wörker "1".log', { download: '0' })).headers['content-disposition'],
    ).toBeUndefined();
  });

  it('reads a file that spans several segments as one file', async () => {
    const store = useFreshContainer();
    const parts = ['alpha 1\nalpha 2\nal', 'pha 3\nbeta 1\n', 'beta 2\ngamma'];
    await writeLog(store, 'head-1', 'big.log', parts);
    const all = parts.join('');
    const whole = await read('big.log');
    expect(whole.text).toBe(all);
    expect(whole.headers['content-length']).toBe(String(all.length));
    const across = await read('big.log', {}, { Range: 'bytes=10-30' });
    expect(across.text).toBe(all.slice(10, 31));
    expect(across.headers['content-range']).toBe(`bytes 10-30/${all.length}`);
    expect((await read('big.log', { tail: '3' })).text).toBe('beta 1\nbeta 2\ngamma');
    expect((await read('big.log', { tail: '4' })).text).toBe('alpha 3\nbeta 1\nbeta 2\ngamma');
    // The ETag covers every segment: appending to the last one changes it.
    await store.appendAt(
      'log/raycluster-kuberay_default/session_2026-01-27_10-52-59_373533_1/logs/head-1/big.log%seg-000002',
      parts[2]?.length ?? 0,
      Buffer.from('!'),
    );
    const after = await read('big.log');
    expect(after.text).toBe(`${all}!`);
    expect(after.headers.etag).not.toBe(whole.headers.etag);
  });

  it('finds the clusterId in metadata.json, or takes ?clusterId=', async () => {
    const store = useFreshContainer();
    const ref = { cluster: 'raycluster-kuberay', clusterId: 'c-42', session: SESSION };
    await writeLog(store, 'head-1', 'a.log', ['from c-42'], ref);
    await writeMetadata(store, { clusterId: 'c-42' });
    expect((await read('a.log')).text).toBe('from c-42');
    expect(
      (
        await call(readLogFile, sessionParams({ node: 'head-1', file: 'a.log' }), {
          clusterId: 'c-42',
        })
      ).text,
    ).toBe('from c-42');
    const other = await call(readLogFile, sessionParams({ node: 'head-1', file: 'a.log' }), {
      clusterId: NS,
    });
    expect(other.status).toBe(404);
  });

  it('answers 404 file_not_found in a known session and session_not_found otherwise', async () => {
    await seeded();
    const noFile = await read('nope.log');
    expect(noFile.status).toBe(404);
    expect(noFile.json().error).toBe('file_not_found');
    const noNode = await read('raylet.out', {}, {}, 'worker-9');
    expect(noNode.json().error).toBe('file_not_found');
    const noSession = await call(
      readLogFile,
      sessionParams({ session: 'session_2020-01-01_00-00-00_000000', node: 'head-1', file: 'raylet.out' }),
    );
    expect(noSession.status).toBe(404);
    expect(noSession.json().error).toBe('session_not_found');
    const noCluster = await call(
      readLogFile,
      sessionParams({ cluster: 'other', node: 'head-1', file: 'raylet.out' }),
    );
    expect(noCluster.json().error).toBe('session_not_found');
  });

  it('rejects bad parameters with 400 naming them', async () => {
    await seeded();
    for (const [query, field] of [
      [{ tail: '-1' }, 'tail'],
      [{ tail: '100001' }, 'tail'],
      [{ tail: 'ten' }, 'tail'],
      [{ offset: '-5' }, 'offset'],
      [{ offset: '1.5' }, 'offset'],
      [{ length: '0' }, 'length'],
      [{ tail: '5', offset: '1' }, 'tail'],
      [{ download: 'yes' }, 'download'],
      [{ clusterId: '..' }, 'clusterId'],
    ] as const) {
      const r = await read('raylet.out', query);
      expect(r.status, JSON.stringify(query)).toBe(400);
      expect(r.json(), JSON.stringify(query)).toMatchObject({ error: 'invalid_parameter', field });
    }
  });

  it('answers 503, not 404, when storage is unreachable', async () => {
    useStore(unreachableStore());
    const r = await read('raylet.out');
    expect(r.status).toBe(503);
    expect(r.json().error).toBe('storage_unavailable');
    expect(r.headers['retry-after']).toBe('5'); // no hint from storage: the app's default
  });
});

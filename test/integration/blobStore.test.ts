import { BlobServiceClient } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { AzureBlobStore } from '../../src/storage/azureBlobStore.js';
import { StorageError } from '../../src/storage/errors.js';
import { azuriteService, freshStore } from '../helpers/storage.js';

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

describe('AzureBlobStore against Azurite', () => {
  it('creates the container on first use', async () => {
    const store = freshStore();
    const container = azuriteService().getContainerClient(store.container);
    expect(await container.exists()).toBe(false);
    expect(await store.putIfAbsent('a.txt', 'hello', 'text/plain')).toBe(true);
    expect(await container.exists()).toBe(true);
  });

  it('recreates a container deleted underneath it', async () => {
    const store = freshStore();
    await store.put('a.txt', 'x', 'text/plain');
    await azuriteService().getContainerClient(store.container).delete();
    expect(await store.createAppendBlob('b.log', 'text/plain')).toBe(true);
    expect((await store.properties('b.log'))?.size).toBe(0);
  });

  it('appends only at the expected position', async () => {
    const store = freshStore();
    expect(await store.createAppendBlob('f.log', 'text/plain')).toBe(true);
    expect(await store.createAppendBlob('f.log', 'text/plain')).toBe(false);
    const a = await store.appendAt('f.log', 0, Buffer.from('abc'));
    expect(a).toMatchObject({ ok: true, length: 3, committedBlockCount: 1 });
    expect(await store.appendAt('f.log', 0, Buffer.from('zzz'))).toEqual({ ok: false, reason: 'position' });
    expect(await store.appendAt('f.log', 5, Buffer.from('zzz'))).toEqual({ ok: false, reason: 'position' });
    expect(await store.appendAt('f.log', 3, Buffer.from('def'))).toMatchObject({
      ok: true,
      length: 6,
      committedBlockCount: 2,
    });
    expect(await store.appendAt('missing.log', 0, Buffer.from('x'))).toEqual({
      ok: false,
      reason: 'missing',
    });
    const props = await store.properties('f.log');
    expect(props).toMatchObject({
      size: 6,
      blobType: 'AppendBlob',
      committedBlockCount: 2,
      contentType: 'text/plain',
    });
  });

  it('lets exactly one of two concurrent appends at the same position win', async () => {
    const store = freshStore();
    await store.createAppendBlob('race.log', 'text/plain');
    for (let round = 0; round < 10; round++) {
      const at = round * 4;
      const results = await Promise.all([
        store.appendAt('race.log', at, Buffer.from(`A${round}--`.slice(0, 4))),
        store.appendAt('race.log', at, Buffer.from(`B${round}--`.slice(0, 4))),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
    }
    expect((await store.properties('race.log'))?.size).toBe(40);
  });

  it('streams ranges, including a range at the end of the blob', async () => {
    const store = freshStore();
    await store.put('r.txt', '0123456789', 'text/plain');
    const mid = await store.read('r.txt', 2, 3);
    expect(mid && (await text(mid.body))).toBe('234');
    expect(mid?.props.size).toBe(10);
    const tail = await store.read('r.txt', 7);
    expect(tail && (await text(tail.body))).toBe('789');
    const last = await store.read('r.txt', 9, 5);
    expect(last && (await text(last.body))).toBe('9');
    const past = await store.read('r.txt', 10);
    expect(past?.count).toBe(0);
    expect(past && (await text(past.body))).toBe('');
    expect(await store.read('nope.txt')).toBeNull();
  });

  it('lists across several pages, flat and with a delimiter', async () => {
    const store = freshStore();
    const names = Array.from({ length: 23 }, (_, i) => `d/${String(i).padStart(2, '0')}.txt`);
    await Promise.all(names.map((n) => store.put(n, n, 'text/plain')));
    await store.put('d/sub/x.txt', 'x', 'text/plain');
    await store.put('other.txt', 'o', 'text/plain');
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.list({ prefix: 'd/', pageSize: 10, ...(cursor && { cursor }) });
      seen.push(...page.blobs.map((b) => b.name));
      expect(page.blobs.every((b) => b.etag !== '' && b.lastModified.getTime() > 0)).toBe(true);
      cursor = page.cursor;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual([...names, 'd/sub/x.txt']);
    const dirPage = await store.list({ prefix: 'd/', delimiter: '/', pageSize: 100 });
    expect(dirPage.prefixes).toEqual(['d/sub/']);
    expect(dirPage.blobs).toHaveLength(23);
    expect(dirPage.cursor).toBeUndefined();
  });

  it('lists an absent container as empty (nothing was ever stored)', async () => {
    expect(await freshStore().list({ prefix: '', pageSize: 10 })).toEqual({ blobs: [], prefixes: [] });
  });

  it('puts only if absent', async () => {
    const store = freshStore();
    expect(await store.putIfAbsent('m.json', '{"a":1}', 'application/json')).toBe(true);
    expect(await store.putIfAbsent('m.json', '{"a":2}', 'application/json')).toBe(false);
    expect((await store.readText('m.json'))?.text).toBe('{"a":1}');
  });

  it('writes a version only over the version it names, with metadata, and answers the new ETag', async () => {
    const store = freshStore();
    const first = await store.putVersioned('v.json', '1', 'application/json', null, { k: 'one' });
    expect(first).toMatch(/\S/);
    expect(await store.putVersioned('v.json', '2', 'application/json', null)).toBeNull();
    const second = await store.putVersioned('v.json', '2', 'application/json', first, { k: 'two' });
    expect(second).not.toBe(first);
    expect(await store.putVersioned('v.json', '3', 'application/json', first ?? '')).toBeNull();
    expect(await store.readText('v.json')).toEqual({ text: '2', etag: second });
    expect((await store.properties('v.json'))?.metadata).toEqual({ k: 'two' });
    await store.delete('v.json');
    expect(await store.putVersioned('v.json', '4', 'application/json', second ?? '')).toBeNull();
  });

  it('detects a read-modify-write conflict by ETag', async () => {
    const store = freshStore();
    await store.put('c.json', '1', 'application/json');
    const before = await store.readText('c.json');
    await store.put('c.json', '2', 'application/json');
    expect(await store.putIfMatch('c.json', '3', 'application/json', before?.etag ?? '')).toBe(false);
    expect((await store.readText('c.json'))?.text).toBe('2');
  });

  it('loses no update when many writers update at once', async () => {
    const store = freshStore();
    const n = 20;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        store.update(
          'counter.json',
          (cur) => JSON.stringify([...(cur === null ? [] : (JSON.parse(cur) as number[])), i]),
          'application/json',
        ),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results.some((r) => r.attempts > 1)).toBe(true);
    const final = JSON.parse((await store.readText('counter.json'))?.text ?? '[]') as number[];
    expect(final.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('leaves a blob alone when the change returns null', async () => {
    const store = freshStore();
    await store.put('u.json', 'same', 'application/json');
    const r = await store.update('u.json', () => null, 'application/json');
    expect(r).toMatchObject({ written: false, text: 'same' });
  });

  it('deletes', async () => {
    const store = freshStore();
    await store.put('x', 'x', 'text/plain');
    expect(await store.delete('x')).toBe(true);
    expect(await store.delete('x')).toBe(false);
    expect(await store.properties('x')).toBeNull();
  });

  it('deletes many in batches (of 32), each only at its ETag, leaving changed and absent ones', async () => {
    const store = freshStore();
    const etags: string[] = [];
    for (let i = 0; i < 300; i++)
      etags.push(await store.put(`m/${String(i).padStart(3, '0')}`, '', 'text/plain'));
    const changed = await store.put('m/007', 'changed', 'text/plain'); // after its ETag was taken
    const items = etags.map((etag, i) => ({ name: `m/${String(i).padStart(3, '0')}`, etag }));
    items.push({ name: 'm/absent', etag: changed });
    items.push({ name: 'm/299', etag: etags[299] as string }); // twice: the second finds it gone
    expect(await store.deleteMany(items)).toBe(299);
    const left = await store.list({ prefix: 'm/', pageSize: 1000 });
    expect(left.blobs.map((b) => b.name)).toEqual(['m/007']);
    expect(await store.deleteMany([])).toBe(0);
  });
});

describe('storage failures surface as typed errors, never as empty or absent', () => {
  const key = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

  it('reports an unreachable account as unavailable', async () => {
    const dead = BlobServiceClient.fromConnectionString(
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${key};BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;`,
      { retryOptions: { maxTries: 1 } },
    );
    const store = new AzureBlobStore(dead, 'dead-container');
    const attempts = [
      store.list({ prefix: '', pageSize: 10 }),
      store.properties('x'),
      store.read('x'),
      store.readText('x'),
      store.putIfAbsent('x', 'x', 'text/plain'),
    ];
    for (const a of attempts) {
      const err = await a.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StorageError);
      expect((err as StorageError).kind).toBe('unavailable');
    }
  });

  it('reports a wrong key as an auth failure', async () => {
    const { blobEndpoint } = (await import('vitest')).inject('azurite');
    const wrong = BlobServiceClient.fromConnectionString(
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${Buffer.from('not-the-key').toString('base64')};BlobEndpoint=${blobEndpoint};`,
      { retryOptions: { maxTries: 1 } },
    );
    const store = new AzureBlobStore(wrong, 'auth-test');
    const err = await store.list({ prefix: '', pageSize: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).kind).toBe('auth');
  });
});

describe('AzureBlobStore leases (single-writer steps)', () => {
  it('gives a lock blob to one holder at a time, renews it, and lets it go', async () => {
    const store = freshStore();
    const first = await store.acquireLease('locks/a', 15);
    expect(first).toEqual(expect.any(String));
    expect(await store.acquireLease('locks/a', 15)).toBeNull();
    expect(await store.renewLease('locks/a', first as string)).toBe(true);
    expect(await store.renewLease('locks/a', '00000000-0000-0000-0000-000000000000')).toBe(false);
    await store.releaseLease('locks/a', first as string);
    await store.releaseLease('locks/a', first as string);
    const second = await store.acquireLease('locks/a', 15);
    expect(second).toEqual(expect.any(String));
    expect(second).not.toBe(first);
  });

  it('lets exactly one of many concurrent contenders take a lease', async () => {
    const store = freshStore();
    const ids = await Promise.all(Array.from({ length: 8 }, () => store.acquireLease('locks/b', 15)));
    expect(ids.filter((id) => id !== null)).toHaveLength(1);
  });

  it('refuses a duration Azure does not take', async () => {
    await expect(freshStore().acquireLease('locks/c', 5)).rejects.toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { BlobTriggerListener, blobNameFromUrl } from './blobTrigger.js';
import { parseBlobPath } from './blobPath.js';
import type { ContainerClient, HostStorage } from './hostStorage.js';
import type { LoadedApp } from './loader.js';
import type { RegisteredFunction } from './coreApi.js';
import { Semaphore } from './semaphore.js';

interface Item {
  name: string;
  properties: { etag: string; lastModified: Date; contentLength: number };
}

/** A container whose listing answers `pageSize` items a call, recording each call. */
function fakeContainer(items: Item[]) {
  const calls: { at: number; cursor?: string; pageSize: number }[] = [];
  const data = {
    url: 'http://127.0.0.1:1/acct/data',
    accountName: 'acct',
    listBlobsFlat: () => ({
      byPage: ({ maxPageSize, continuationToken }: { maxPageSize: number; continuationToken?: string }) => ({
        next: () => {
          calls.push({
            at: Date.now(),
            pageSize: maxPageSize,
            ...(continuationToken !== undefined && { cursor: continuationToken }),
          });
          const from = continuationToken === undefined ? 0 : Number(continuationToken);
          const to = Math.min(items.length, from + maxPageSize);
          const more = to < items.length ? String(to) : undefined;
          return Promise.resolve({
            done: false,
            value: {
              segment: { blobItems: items.slice(from, to) },
              ...(more !== undefined && { continuationToken: more }),
            },
          });
        },
      }),
    }),
    getBlobClient: () => ({ url: '' }),
  };
  return { data: data as unknown as ContainerClient, calls };
}

/** Host storage whose scan-info blob lives in memory; receipt checks are counted. */
function fakeHost(scanInfo: { text?: string }) {
  const receiptChecks: string[] = [];
  const host = {
    receipts: {
      getBlockBlobClient: (name: string) =>
        name.startsWith('blobscaninfo/')
          ? {
              downloadToBuffer: () =>
                scanInfo.text === undefined
                  ? Promise.reject(Object.assign(new Error('absent'), { statusCode: 404 }))
                  : Promise.resolve(Buffer.from(scanInfo.text)),
              upload: (text: string) => {
                scanInfo.text = text;
                return Promise.resolve({});
              },
            }
          : {},
      getBlobClient: (name: string) => ({
        exists: () => {
          receiptChecks.push(name);
          return Promise.resolve(false);
        },
      }),
      listBlobsFlat: () => ({ [Symbol.asyncIterator]: async function* () {} }),
    },
    poisonQueue: () => Promise.reject(new Error('unused')),
  };
  return { host: host as unknown as HostStorage, receiptChecks };
}

const item = (i: number, modified: number): Item => ({
  name: `log/b${String(i).padStart(3, '0')}`,
  properties: { etag: `e${i}`, lastModified: new Date(modified), contentLength: 1 },
});

function listener(data: ContainerClient, host: HostStorage, idleScanMs: number) {
  const fn = { id: 'f', metadata: { name: 'f', bindings: {} } } as unknown as RegisteredFunction;
  return new BlobTriggerListener({} as LoadedApp, fn, 'blob', parseBlobPath('data/log/{name}'), data, host, {
    hostId: 'h',
    maxDequeueCount: 5,
    pollMs: 10,
    idleScanMs,
    scanPageSize: 5,
    timeoutMs: undefined,
    eventGrid: false,
    maxContentBytes: 0,
    slots: new Semaphore(0), // nothing runs: the test looks at what is queued
    log: () => {},
  });
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('the polling source scans in bounded pages, slows down when idle, and keeps a watermark', () => {
  it('lists one page per poll from where the last stopped, then waits the idle interval after a pass that found nothing', async () => {
    const { data, calls } = fakeContainer(Array.from({ length: 12 }, (_, i) => item(i, 1000 + i)));
    const { host } = fakeHost({});
    const l = listener(data, host, 300);
    l.start();
    try {
      await until(() => calls.length >= 6, 'two passes');
      expect(calls.map((c) => [c.pageSize, c.cursor])).toEqual([
        [5, undefined],
        [5, '5'],
        [5, '10'],
        [5, undefined],
        [5, '5'],
        [5, '10'],
      ]);
      expect(l.queued).toHaveLength(12); // each blob once, however often it was listed
      await until(() => calls.length >= 7, 'the third pass');
      // The second pass found nothing new: its last page and the next one are the idle interval apart.
      expect((calls[6]?.at ?? 0) - (calls[5]?.at ?? 0)).toBeGreaterThanOrEqual(280);
      expect((calls[4]?.at ?? 0) - (calls[3]?.at ?? 0)).toBeLessThan(280);
    } finally {
      await l.stop();
    }
  });

  it('after a restart, takes blobs older than the watermark as done and checks receipts only for newer ones', async () => {
    const items = Array.from({ length: 8 }, (_, i) => item(i, 1000 + i));
    const scanInfo: { text?: string } = {};
    const first = fakeContainer(items);
    const a = listener(first.data, fakeHost(scanInfo).host, 10_000);
    a.start();
    await until(() => first.calls.length >= 2, 'the first pass');
    await a.stop();
    // Everything was queued and nothing ran, so no watermark may be recorded yet.
    expect(scanInfo.text).toBeUndefined();
    scanInfo.text = JSON.stringify({ LatestScan: new Date(1005).toISOString() });
    const second = fakeContainer(items);
    const restarted = fakeHost(scanInfo);
    const b = listener(second.data, restarted.host, 10_000);
    b.start();
    try {
      await until(() => second.calls.length >= 2, 'the pass after the restart');
      expect(restarted.receiptChecks.map((r) => r.split('/').pop())).toEqual(['b005', 'b006', 'b007']);
      expect(b.queued).toEqual(['log/b005', 'log/b006', 'log/b007']);
    } finally {
      await b.stop();
    }
  });
});

describe('blobNameFromUrl', () => {
  const container = 'http://127.0.0.1:10000/devstoreaccount1/data';
  it('names the blob of a write in the container, decoded, and nothing for other containers', () => {
    expect(blobNameFromUrl(container, `${container}/log/c%20one/s1/raylet.out`)).toBe(
      'log/c one/s1/raylet.out',
    );
    expect(blobNameFromUrl(container, `${container}/log/a.log?comp=appendblock`)).toBe('log/a.log');
    expect(blobNameFromUrl(`${container}/`, `${container}/meta/.hidden#x`)).toBe('meta/.hidden');
    expect(blobNameFromUrl(container, 'http://127.0.0.1:10000/devstoreaccount1/Data/x')).toBe('x');
    expect(blobNameFromUrl(container, 'http://127.0.0.1:10000/devstoreaccount1/data2/x')).toBeUndefined();
    expect(blobNameFromUrl(container, container)).toBeUndefined();
    expect(blobNameFromUrl(container, `${container}/`)).toBeUndefined();
    expect(blobNameFromUrl(container, `${container}/log/a%2Fb%25c`)).toBe('log/a/b%c');
    expect(blobNameFromUrl(container, `${container}/log/bad%E0%A4%A`)).toBeUndefined();
    expect(
      blobNameFromUrl(
        'https://acct.blob.core.windows.net/data',
        'https://acct.blob.core.windows.net/data/log/x',
      ),
    ).toBe('log/x');
  });
});

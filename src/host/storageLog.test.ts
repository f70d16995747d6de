import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onStorageWrite, type StorageWrite } from './storageLog.js';

/** A server that answers every request with the status named by its `x-status` header (default 201). */
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(Number(req.headers['x-status'] ?? 201)).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function request(method: string, path: string, headers: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method, headers }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('onStorageWrite', () => {
  it('reports each successful blob write of the process with its path as sent and its operation', async () => {
    const seen: StorageWrite[] = [];
    const stop = onStorageWrite((w) => seen.push(w));
    try {
      await request('PUT', '/devstoreaccount1/data/log/a%20b.log?comp=appendblock&x=1');
      await request('PUT', '/devstoreaccount1/data/meta/s.json');
      await request('PUT', '/devstoreaccount1/data/meta/t.json', { 'x-ms-copy-source': `${base}/x` });
      await request('PUT', '/devstoreaccount1/data/meta/s.json?comp=blocklist');
      await request('PUT', '/devstoreaccount1/data/meta/s.json?timeout=30&comp=metadata');
      await request('PUT', '/devstoreaccount1/data/meta/s.json?comp=properties');
      // Not writes of a blob's content: container operations, leases, staged blocks, reads, failures.
      await request('PUT', '/devstoreaccount1/data?restype=container');
      await request('PUT', '/devstoreaccount1/data/log/a.log?comp=lease');
      await request('PUT', '/devstoreaccount1/data/meta/s.json?comp=block&blockid=QQ%3D%3D');
      await request('GET', '/devstoreaccount1/data/log/a.log');
      await request('PUT', '/devstoreaccount1/data/log/a.log?comp=appendblock', { 'x-status': '412' });
    } finally {
      stop();
    }
    await request('PUT', '/devstoreaccount1/data/log/after-unsubscribe.log');
    expect(seen).toEqual([
      { path: '/devstoreaccount1/data/log/a%20b.log', op: 'AppendBlock' },
      { path: '/devstoreaccount1/data/meta/s.json', op: 'PutBlob' },
      { path: '/devstoreaccount1/data/meta/t.json', op: 'CopyBlob' },
      { path: '/devstoreaccount1/data/meta/s.json', op: 'PutBlockList' },
      { path: '/devstoreaccount1/data/meta/s.json', op: 'SetBlobMetadata' },
      { path: '/devstoreaccount1/data/meta/s.json', op: 'SetBlobProperties' },
    ]);
  });
});

/**
 * Regression (issue 12, defect 4): a storage error while a file read streams. It used to become a bare
 * 500 with an empty body when storage failed before the first byte, and a silently short 200 could
 * not be told from a whole file when it failed later. Now: before the first byte, the documented
 * 503 with Retry-After; after the headers went out, the connection is cut, so the client sees a
 * truncated body (and its Content-Length unmet), never a short 200 it could take for the file.
 */
import http, { type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, throughProxy, type FaultProxy } from '../helpers/faultProxy.js';
import { startHost, type RunningHost } from '../helpers/host.js';
import { request } from '../helpers/http.js';
import { azuriteConnectionString } from '../helpers/storage.js';

const SESSION = 'session_2026-03-02_09-00-00_000001_1';
const LOG = `/api/v1/logs/ns/reads/${SESSION}/head-1/raylet.out`;
const FILE = `/api/v1/clusters/ns/reads/sessions/${SESSION}/logs/head-1/raylet.out?clusterId=ns`;
/** 8 MiB of distinct lines. */
const BODY = Buffer.from(
  Array.from({ length: 160_000 }, (_, i) => `line ${String(i).padStart(6, '0')} ${'x'.repeat(40)}\n`).join(
    '',
  ),
).subarray(0, 8 * 1024 * 1024);

/** Downloads of the log blob (GET without `comp=`), the only requests that get faults here. */
const isDownload = (req: IncomingMessage) =>
  req.method === 'GET' && (req.url ?? '').includes('raylet.out') && !(req.url ?? '').includes('comp=');

/** GET that records the status and the bytes received (`seen` = [status, bytes]) even when it fails. */
function rawGet(
  baseUrl: string,
  path: string,
  seen: number[],
): Promise<{ status: number; bytes: number; contentLength: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${baseUrl}${path}`, { agent: false }, (res) => {
      seen[0] = res.statusCode ?? 0;
      seen[1] = 0;
      res.on('data', (d: Buffer) => (seen[1] = (seen[1] ?? 0) + d.length));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          bytes: seen[1] ?? 0,
          contentLength: res.headers['content-length'],
        }),
      );
    });
    req.on('error', reject);
  });
}

let proxy: FaultProxy;
let host: RunningHost;

beforeAll(async () => {
  const cs = azuriteConnectionString();
  proxy = await startFaultProxy(/BlobEndpoint=(http:\/\/[^/]+)/.exec(cs)?.[1] ?? '');
  const proxied = throughProxy(cs, proxy);
  host = await startHost({ env: { AZURE_STORAGE_CONNECTION_STRING: proxied, HistoryStorage: proxied } });
  const put = await request(host.baseUrl, `${LOG}?offset=0`, { method: 'PUT', body: BODY });
  expect(put.status, put.text).toBe(200);
});

afterAll(async () => {
  await host?.stop();
  await proxy?.close();
});

describe('storage errors during a file read (defect 4)', () => {
  it('answers 503 with Retry-After when storage fails before the first byte', async () => {
    proxy.setSchedule({ seed: 1, rates: { status500: 1 }, applies: isDownload });
    try {
      for (const path of [FILE, `${FILE}&tail=5`, `${FILE}&offset=10&length=100`]) {
        const r = await request(host.baseUrl, path);
        expect({ path, status: r.status, error: r.json().error }).toEqual({
          path,
          status: 503,
          error: 'storage_unavailable',
        });
        expect(r.headers['retry-after']).toMatch(/^\d+$/);
      }
    } finally {
      proxy.setSchedule(null);
    }
  });

  it('cuts the connection when storage fails after the headers went out', async () => {
    // Every download is cut after 1 MiB: the read route has sent its 200 and the first chunks (of
    // 512 KiB) when storage fails for good (a cut response is not resumed by the SDK).
    proxy.setSchedule({
      seed: 2,
      rates: { resetMidResponse: 1 },
      applies: isDownload,
      cutAfterBytes: 1024 * 1024,
    });
    try {
      const received: number[] = [];
      const outcome = await rawGet(host.baseUrl, FILE, received).then(
        (r) => ({ status: r.status, bytes: r.bytes, contentLength: r.contentLength }),
        (err: Error) => ({ cut: err.message }),
      );
      expect(outcome).toMatchObject({
        cut: expect.stringMatching(/aborted|socket hang up|ECONNRESET/) as unknown,
      });
      // Bytes did arrive under a 200 before the cut: this is the after-the-headers case.
      expect(received[0]).toBe(200);
      expect(received[1]).toBeGreaterThan(0);
      expect(received[1]).toBeLessThan(BODY.length);
    } finally {
      proxy.setSchedule(null);
    }
    const whole = await request(host.baseUrl, FILE);
    expect(whole.status).toBe(200);
    expect(whole.bytes.equals(BODY)).toBe(true);
  });
});

/**
 * A big log read by a slow client, with the local host behaving as Azure does: the request forwarded
 * to the library's proxy over loopback and the host's own back-pressure gate off, so the library
 * writes the response without waiting for the client (library issue #294). The app's own gate
 * (src/http/streamBody.ts) must keep the worker's memory flat anyway, and stop reading storage when
 * the client goes away.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../helpers/host.js';
import { request } from '../helpers/http.js';
import { eventually } from '../helpers/storage.js';

const MiB = 1024 * 1024;
const SIZE_MIB = 192;
const NS = 'default';
const CLUSTER = 'raycluster-kuberay';
const SESSION = 'session_2026-01-27_10-52-59_373533_1';
const LOG = `/api/v1/clusters/${NS}/${CLUSTER}/sessions/${SESSION}/logs/head-1/big.log`;

let host: RunningHost;

/** Resident and peak resident memory of a process, in bytes (Linux /proc). */
function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/**
 * Reads the log at about `mibPerSecond` (pausing the socket between 4 MiB steps), or until `stopAt`
 * bytes, when it disconnects. Resolves with the bytes read.
 */
function slowRead(mibPerSecond: number, stopAt = Infinity): Promise<number> {
  const base = new URL(host.baseUrl);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const req = http.get({ host: base.hostname, port: base.port, path: LOG, agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => {
        bytes += d.length;
        if (bytes >= stopAt) {
          req.destroy();
          resolve(bytes);
          return;
        }
        const due = started + (bytes / MiB / mibPerSecond) * 1000;
        if (due > Date.now()) {
          res.pause();
          setTimeout(() => res.resume(), due - Date.now());
        }
      });
      res.on('end', () => resolve(bytes));
      res.on('error', reject);
    });
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
  });
}

beforeAll(async () => {
  host = await startHost({
    env: { LOCAL_HOST_STREAM_BACKPRESSURE: 'false', LOCAL_HOST_HTTP_TRANSPORT: 'loopback' },
  });
  // The log is ingested, 8 MiB per request.
  const chunk = Buffer.alloc(8 * MiB, 'log line\n');
  for (let at = 0; at < SIZE_MIB * MiB; at += chunk.length) {
    const r = await request(
      host.baseUrl,
      `/api/v1/logs/${NS}/${CLUSTER}/${SESSION}/head-1/big.log?offset=${at}`,
      { method: 'PUT', body: chunk, headers: { 'Content-Type': 'text/plain' } },
    );
    expect(r.status, r.text).toBe(200);
  }
  // Warm up the read path so lazy start-up allocations are not counted as growth.
  expect((await request(host.baseUrl, `${LOG}?tail=1`)).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await host?.stop();
});

describe('a big file read by a slow client, with the library writing without back-pressure', () => {
  it(`keeps the worker's memory flat while a ${SIZE_MIB} MiB log is read at 48 MiB/s`, async () => {
    const before = memory(host.pid);
    const bytes = await slowRead(48);
    const growth = memory(host.pid).hwm - before.rss;
    expect(bytes).toBe(SIZE_MIB * MiB);
    // Without the app's gate the worker holds most of the file: storage is read at several hundred MiB/s.
    expect(growth).toBeLessThan(64 * MiB);
  });

  it('stops reading storage when the client goes away', async () => {
    const read = await slowRead(48, 16 * MiB);
    expect(read).toBeGreaterThanOrEqual(16 * MiB);
    const gone = await eventually(() =>
      Promise.resolve(/the client went away after (\d+) bytes of big\.log/.exec(host.output())?.[1]),
    );
    // It read little past what the client took (the socket buffers some), not the whole file.
    expect(Number(gone)).toBeLessThan(64 * MiB);
  });
});

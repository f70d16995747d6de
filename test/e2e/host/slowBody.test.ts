/**
 * Regression (issue 12, defect 6): a client trickling its body at 1 byte every few seconds was never
 * cut: it held a request (and on Azure, an instance) for as long as it liked. The Functions host's
 * Kestrel cuts a body that arrives slower than 240 bytes/s after a 5 s grace period
 * (MinRequestBodyDataRate); the local host now does the same (LOCAL_HOST_MIN_BODY_RATE,
 * LOCAL_HOST_BODY_RATE_GRACE_MS; the grace is shortened here to keep the test short).
 */
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startHost, type RunningHost } from '../../helpers/host.js';
import { request } from '../../helpers/http.js';

const GRACE_MS = 1_000;
const ROUTES_APP = path.join(REPO_ROOT, 'test', 'fixtures', 'routes-app');
const BUFFERED_APP = path.join(REPO_ROOT, 'test', 'fixtures', 'buffered-app');

interface Trickled {
  /** What the server answered (status line and all), as text. */
  answer: string;
  /** True when the server closed the connection. */
  closed: boolean;
  ms: number;
}

/** Sends a chunked body one `piece` every `everyMs` until the server answers or `giveUpMs` passes. */
function trickle(
  baseUrl: string,
  path: string,
  piece: string,
  everyMs: number,
  giveUpMs: number,
): Promise<Trickled> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const started = Date.now();
    const sock = net.connect(Number(port), hostname);
    let answer = '';
    let closed = false;
    const finish = () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      sock.destroy();
      resolve({ answer, closed, ms: Date.now() - started });
    };
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => (answer += d));
    sock.on('close', () => {
      closed = true;
      finish();
    });
    sock.on('error', () => undefined);
    sock.write(
      `POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n`,
    );
    const timer = setInterval(() => {
      if (!sock.destroyed) sock.write(`${piece.length.toString(16)}\r\n${piece}\r\n`);
    }, everyMs);
    const giveUp = setTimeout(finish, giveUpMs);
  });
}

const env = (transport: string) => ({
  LOCAL_HOST_BODY_RATE_GRACE_MS: String(GRACE_MS),
  LOCAL_HOST_HTTP_TRANSPORT: transport,
});

describe.each(['inprocess', 'loopback'])('a client trickling its body (%s transport)', (transport) => {
  let host: RunningHost;
  beforeAll(async () => {
    host = await startHost({ appDir: ROUTES_APP, env: env(transport) });
  });
  afterAll(async () => host?.stop());

  it('is answered 408 and cut once the grace period is over', async () => {
    const r = await trickle(host.baseUrl, '/api/count', 'x', 200, 20_000);
    expect(r.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(r.answer).toContain('"error":"request_body_too_slow"');
    expect(r.closed).toBe(true);
    expect(r.ms).toBeLessThan(GRACE_MS + 10_000);
  });

  it('does not cut a body that is slow but above the rate', async () => {
    // 2 KiB every 200 ms (10 KiB/s) for 3 s: longer than the grace period, well above 240 bytes/s.
    const piece = 'y'.repeat(2048);
    const r = await trickle(host.baseUrl, '/api/count', piece, 200, 3_000);
    expect(r.answer).toBe(''); // no answer yet: the body has not ended
    expect(r.closed).toBe(false);
    expect((await request(host.baseUrl, '/api/count', { method: 'POST', body: 'z' })).status).toBe(200);
  });
});

describe('a client trickling its body (buffered mode)', () => {
  let host: RunningHost;
  beforeAll(async () => {
    host = await startHost({ appDir: BUFFERED_APP, env: env('inprocess') });
  });
  afterAll(async () => host?.stop());

  it('is answered 408 and cut', async () => {
    const r = await trickle(host.baseUrl, '/api/echo/a/b', 'x', 200, 20_000);
    expect(r.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(r.closed).toBe(true);
  });
});

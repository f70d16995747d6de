import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { FatalError, IngestClient, type ClientOptions } from './client.js';

const S = 'session_2026-01-27_10-52-59_373533_1';
type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;
let close: (() => void) | undefined;

afterEach(() => close?.());

async function serve(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks), res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  close = () => server.close();
  const addr = server.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}/api`;
}

function client(endpoint: string, over: Partial<ClientOptions> = {}): IngestClient {
  return new IngestClient({
    endpoint,
    key: 'k1',
    namespace: 'default',
    cluster: 'rc',
    clusterId: 'default',
    node: 'head-1',
    policy: { baseMs: 10, maxMs: 50, random: () => 0.5 },
    ...over,
  });
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));

describe('IngestClient', () => {
  it('PUTs gzip bytes at the offset with the key, to the route of docs/api.md', async () => {
    let seen: { url?: string | undefined; key?: string; body?: string } = {};
    const url = await serve((req, body, res) => {
      seen = {
        url: req.url,
        key: req.headers['x-functions-key'] as string,
        body: gunzipSync(body).toString(),
      };
      json(res, 200, { status: 'appended', offset: 5, nextOffset: 10 });
    });
    const r = await client(url).append(S, {
      file: 'events/event GCS.log',
      offset: 5,
      data: Buffer.from('hello'),
    });
    expect(r).toEqual({ kind: 'ok', status: 'appended', nextOffset: 10 });
    expect(seen).toEqual({
      url: `/api/v1/logs/default/rc/${S}/head-1/events/event%20GCS.log?offset=5&clusterId=default`,
      key: 'k1',
      body: 'hello',
    });
  });

  it('retries 503 no sooner than Retry-After, then returns the answer', async () => {
    const times: number[] = [];
    const url = await serve((_req, _body, res) => {
      times.push(Date.now());
      if (times.length < 3) json(res, 503, { error: 'storage_unavailable' }, { 'Retry-After': '1' });
      else json(res, 409, { error: 'offset_gap', expectedOffset: 3 });
    });
    const reasons: string[] = [];
    const r = await client(url, { onRetry: (reason) => reasons.push(reason) }).append(S, {
      file: 'a.log',
      offset: 9,
      data: Buffer.from('x'),
    });
    expect(r).toEqual({ kind: 'gap', expectedOffset: 3 });
    expect(times).toHaveLength(3);
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(990);
    expect(reasons).toEqual(['HTTP 503 storage_unavailable', 'HTTP 503 storage_unavailable']);
  });

  it('a 4xx for a file is a rejection, not a retry; 401 and 404 are fatal with clear messages', async () => {
    let status = 400;
    let calls = 0;
    const url = await serve((_req, _body, res) => {
      calls++;
      json(res, status, {
        error: status === 400 ? 'invalid_parameter' : 'x',
        message: 'file is bad',
        field: 'file',
      });
    });
    const c = client(url);
    const chunk = { file: 'a.log', offset: 0, data: Buffer.from('x') };
    expect(await c.append(S, chunk)).toMatchObject({
      kind: 'rejected',
      status: 400,
      error: 'invalid_parameter',
    });
    expect(calls).toBe(1);
    status = 401;
    await expect(c.append(S, chunk)).rejects.toThrow(/refused the function key \(401\): check --key/);
    status = 404;
    await expect(c.append(S, chunk)).rejects.toThrow(
      /does not answer like the Ray history ingest API \(HTTP 404\)/,
    );
  });

  it('with a retry timeout, gives up with the last reason', async () => {
    const url = await serve((_req, _body, res) => json(res, 500, { error: 'internal' }));
    const run = client(url, { retryTimeoutMs: 200 }).append(S, {
      file: 'a.log',
      offset: 0,
      data: Buffer.from('x'),
    });
    await expect(run).rejects.toThrow(FatalError);
    await expect(
      client(url, { retryTimeoutMs: 200 }).append(S, { file: 'a.log', offset: 0, data: Buffer.from('x') }),
    ).rejects.toThrow(/gave up after \d+ attempts .*HTTP 500 internal/);
  });

  it('times out a request that gets no answer, retries it, and reports the timeout', async () => {
    let seen = 0;
    const url = await serve(() => {
      seen += 1; // never answers
    });
    const run = client(url, { requestTimeoutMs: 100, retryTimeoutMs: 400 }).append(S, {
      file: 'a.log',
      offset: 0,
      data: Buffer.from('x'),
    });
    await expect(run).rejects.toThrow(/gave up after \d+ attempts .*the request timed out/);
    expect(seen).toBeGreaterThan(1);
  });

  it('posts a batch of base64 chunks and maps each item result in order', async () => {
    let envelope: Record<string, unknown> = {};
    const url = await serve((_req, body, res) => {
      envelope = JSON.parse(gunzipSync(body).toString()) as Record<string, unknown>;
      json(res, 200, {
        chunks: [
          { file: 'a', status: 'duplicate', offset: 0, nextOffset: 9 },
          { file: 'b', error: 'offset_conflict', message: 'differs', expectedOffset: 4 },
        ],
      });
    });
    const r = await client(url).batch(S, [
      { file: 'a', offset: 0, data: Buffer.from([0, 255]) },
      { file: 'b', offset: 2, data: Buffer.from('zz') },
    ]);
    expect(r).toEqual([
      { kind: 'ok', status: 'duplicate', nextOffset: 9 },
      { kind: 'conflict', expectedOffset: 4 },
    ]);
    expect(envelope).toMatchObject({
      namespace: 'default',
      cluster: 'rc',
      clusterId: 'default',
      session: S,
      node: 'head-1',
      chunks: [
        { file: 'a', offset: 0, data: 'AP8=', encoding: 'base64' },
        { file: 'b', offset: 2, data: 'eno=', encoding: 'base64' },
      ],
    });
  });
});

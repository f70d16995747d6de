/**
 * Runs an HTTP-triggered function for one request, in either of the two shapes the worker protocol
 * has: streaming (the library's HTTP proxy gets the request forwarded, body and all, and streams the
 * answer back) or buffered (the body travels inside the invocation request and the answer inside the
 * response).
 */
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { Transform, pipeline, type TransformCallback } from 'node:stream';
import { ReadableStream } from 'node:stream/web';
import { gateResponse, startingResponse } from './backpressure.js';
import { answerSlowBody, watchBodyRate, type BodyRate } from './bodyRate.js';
import type { InvocationLog } from './invoke.js';
import { invoke } from './invoke.js';
import type { LoadedApp } from './loader.js';
import type { HttpRoute } from './router.js';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
]);

const proxyAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export interface HttpInvocation {
  app: LoadedApp;
  route: HttpRoute;
  params: Record<string, string>;
  req: IncomingMessage;
  res: ServerResponse;
  maxBodyBytes: number;
  /** The slowest body waited for (408 and a closed connection below it). */
  bodyRate: BodyRate;
  timeoutMs: number | undefined;
  log: InvocationLog;
}

/** Headers without hop-by-hop ones (and those the Connection header names). */
export function endToEndHeaders(
  headers: http.IncomingHttpHeaders,
  drop: string[] = [],
): Record<string, string | string[]> {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h !== ''),
  );
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || HOP_BY_HOP.has(k) || named.has(k) || drop.includes(k)) continue;
    out[k] = v;
  }
  return out;
}

class BodyTooLarge extends Error {}

/** Counts bytes as they pass and fails the stream once more than `limit` went through. */
class ByteLimit extends Transform {
  seen = 0;
  constructor(readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) done(new BodyTooLarge(`request body exceeds ${this.limit} bytes`));
    else done(null, chunk);
  }
}

/**
 * The request body as a web stream, chunks passed as they are, counted against the body limit. The
 * library's Request takes a web stream as it is; handed a Node stream it wraps it in one that copies
 * every chunk, and so does `Readable.toWeb` (to detach pooled buffers; socket reads are not pooled).
 * Past the limit the stream fails and `tooLarge` runs; the rest of the body is drained, not destroyed
 * (that would reset the connection before the client got its answer), and so is a cancelled body.
 */
function webBody(req: IncomingMessage, limit: number, tooLarge: () => void): ReadableStream<Uint8Array> {
  let seen = 0;
  let over = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const fail = (err: Error) => {
          if (over) return;
          over = true;
          controller.error(err);
          req.resume();
        };
        req.on('data', (chunk: Buffer) => {
          if (over) return;
          seen += chunk.length;
          if (seen > limit) {
            fail(new BodyTooLarge(`request body exceeds ${limit} bytes`));
            tooLarge();
            return;
          }
          controller.enqueue(chunk);
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once('end', () => {
          if (!over) controller.close();
          over = true;
        });
        req.once('error', fail);
        req.once('close', () => {
          if (!req.readableEnded) fail(new Error('the client closed the connection before the body ended'));
        });
      },
      pull() {
        req.resume();
      },
      cancel() {
        over = true;
        req.resume();
      },
    },
    { highWaterMark: 4 },
  );
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(',') : v;
  }
  return out;
}

function queryObject(search: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of new Set(search.keys())) out[key] = search.getAll(key).join(',');
  return out;
}

function fail(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (body === undefined) res.writeHead(status, { 'Content-Length': '0' }).end();
  else res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function tooLarge(res: ServerResponse, limit: number): void {
  fail(res, 413, {
    error: 'request_too_large',
    message: `the request body is larger than the host's limit of ${limit} bytes (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT)`,
  });
}

function requestUrl(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
}

/** What the library's proxy reads of a request: headers, url, method, and the body to iterate. */
type ProxyRequest = Pick<IncomingMessage, 'headers' | 'url' | 'method'>;

/**
 * The response the library's proxy writes to (`setHeader`, `statusCode`, `write`, `end`): it passes
 * everything to the client's response until the host has answered by itself (413, 500, 204), and
 * keeps the invocation-id header to itself, as the Functions host does.
 */
class ProxyResponse {
  statusCode = 200;
  constructor(
    private readonly res: ServerResponse,
    private readonly live: () => boolean,
  ) {}
  setHeader(name: string, value: number | string | readonly string[]): this {
    if (name.toLowerCase() === 'x-ms-invocation-id') {
      if (typeof value === 'string') startingResponse(value);
    } else if (this.live()) this.res.setHeader(name, value);
    return this;
  }
  private start(): void {
    if (!this.res.headersSent) this.res.statusCode = this.statusCode;
  }
  write(chunk: Uint8Array): boolean {
    if (!this.live()) return false;
    this.start();
    return this.res.write(chunk);
  }
  end(): void {
    if (!this.live()) return;
    this.start();
    this.res.end();
  }
  // What a ServerResponse offers for back-pressure, which an app may use (as this one does).
  get writableNeedDrain(): boolean {
    return this.res.writableNeedDrain;
  }
  get destroyed(): boolean {
    return this.res.destroyed || !this.live();
  }
  once(event: 'drain' | 'close', listener: () => void): this {
    this.res.once(event, listener);
    return this;
  }
  off(event: 'drain' | 'close', listener: () => void): this {
    this.res.off(event, listener);
    return this;
  }
  /** Cuts the client's connection (an app whose body failed after the headers went out). */
  destroy(): this {
    if (this.live()) this.res.destroy();
    return this;
  }
}

/**
 * Streaming mode: the request goes to the library's proxy while the invocation runs. When the host
 * holds the proxy's server (it started in this process), the request is handed to it in process;
 * otherwise it is forwarded over loopback HTTP, as the Functions host does.
 */
export async function invokeStreaming(
  inv: HttpInvocation,
  httpUri: string,
  proxyServer: http.Server | undefined,
): Promise<void> {
  return proxyServer === undefined ? forwardStreaming(inv, httpUri) : handOffStreaming(inv, proxyServer);
}

/** Hands the request to the library's proxy server in process: no second HTTP hop over loopback. */
async function handOffStreaming(inv: HttpInvocation, proxyServer: http.Server): Promise<void> {
  const { req, res } = inv;
  const invocationId = randomUUID();
  let answered = false; // by the host itself
  const live = () => !answered && !res.destroyed;
  const answer = (handle: () => void) => {
    if (answered) return;
    answered = true;
    if (res.headersSent) res.destroy();
    else handle();
  };
  const body =
    req.method === 'GET' || req.method === 'HEAD'
      ? undefined
      : webBody(req, inv.maxBodyBytes, () => answer(() => tooLarge(res, inv.maxBodyBytes)));
  if (body !== undefined)
    watchBodyRate(req, inv.bodyRate, () => answer(() => answerSlowBody(res, inv.bodyRate)));
  const proxyReq: ProxyRequest = Object.assign(body ?? {}, {
    headers: {
      ...req.headers,
      'x-ms-invocation-id': invocationId,
      'x-forwarded-host': req.headers.host ?? '127.0.0.1',
      'x-forwarded-proto': 'http',
    },
    url: req.url,
    method: req.method,
  });
  gateResponse(invocationId, res);
  proxyServer.emit('request', proxyReq, new ProxyResponse(res, live));
  const outcome = await runInvocation(inv, invocationId);
  if (outcome.error !== undefined) {
    logFailure(inv, invocationId, outcome.error);
    answer(() => fail(res, 500));
  } else if ((outcome.result === undefined || outcome.result === null) && !res.headersSent) {
    answer(() => fail(res, 204));
  }
}

function runInvocation(inv: HttpInvocation, invocationId: string) {
  const url = requestUrl(inv.req);
  const triggerMetadata = {
    Headers: { json: JSON.stringify(flatHeaders(inv.req)) },
    Query: { json: JSON.stringify(queryObject(url.searchParams)) },
    ...Object.fromEntries(Object.entries(inv.params).map(([k, v]) => [k, { string: v }])),
  };
  return invoke(
    inv.app,
    inv.route.fn,
    invocationId,
    { inputData: [{ name: inv.route.bindingName, data: { http: {} } }], triggerMetadata },
    inv.log,
    inv.timeoutMs,
  );
}

/** Forwards the request to the library's proxy over loopback HTTP while the invocation runs. */
async function forwardStreaming(inv: HttpInvocation, httpUri: string): Promise<void> {
  const { req, res } = inv;
  const invocationId = randomUUID();
  const target = new URL(httpUri);
  const bodyless = req.method === 'GET' || req.method === 'HEAD';
  const proxyReq = http.request({
    host: target.hostname === 'localhost' ? '127.0.0.1' : target.hostname,
    port: target.port,
    method: req.method,
    path: req.url,
    agent: proxyAgent,
    headers: {
      ...endToEndHeaders(req.headers),
      'x-ms-invocation-id': invocationId,
      'x-forwarded-host': req.headers.host ?? '127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-for': req.socket.remoteAddress ?? '',
    },
  });
  let answered = false;
  const abort = (handle: () => void) => {
    if (answered) return;
    answered = true;
    proxyReq.destroy();
    handle();
  };
  proxyReq.on('response', (proxyRes) => {
    if (answered) return proxyRes.resume();
    answered = true;
    res.writeHead(proxyRes.statusCode ?? 500, endToEndHeaders(proxyRes.headers, ['x-ms-invocation-id']));
    pipeline(proxyRes, res, () => undefined);
  });
  proxyReq.on('error', (err) =>
    abort(() => {
      inv.log('error', 'system', `proxy forward for invocation ${invocationId} failed: ${err.message}`);
      fail(res, 500);
    }),
  );
  res.on('close', () => {
    if (!res.writableFinished) proxyReq.destroy();
  });
  if (bodyless) proxyReq.end();
  else {
    watchBodyRate(req, inv.bodyRate, () => abort(() => answerSlowBody(res, inv.bodyRate)));
    const limit = new ByteLimit(inv.maxBodyBytes);
    pipeline(req, limit, proxyReq, (err) => {
      if (err instanceof BodyTooLarge) abort(() => tooLarge(res, inv.maxBodyBytes));
    });
  }
  const outcome = await runInvocation(inv, invocationId);
  if (outcome.error !== undefined) {
    // The library never answers the proxied request when the handler throws (L issue #324); on
    // Azure the client hangs. Locally the client gets a 500 instead (a documented divergence).
    logFailure(inv, invocationId, outcome.error);
    abort(() => fail(res, 500));
  } else if (outcome.result === undefined || outcome.result === null) {
    abort(() => fail(res, 204));
  }
}

function logFailure(inv: HttpInvocation, invocationId: string, error: unknown): void {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  inv.log(
    'error',
    'system',
    `Executed 'Functions.${inv.route.fn.metadata.name}' (Failed, Id=${invocationId}): ${text}`,
  );
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLarge(`request body exceeds ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

interface RpcCookie {
  name: string;
  value: string;
  domain?: { value?: string };
  path?: { value?: string };
  expires?: { value?: { seconds?: number; nanos?: number } };
  secure?: { value?: boolean };
  httpOnly?: { value?: boolean };
  sameSite?: string;
  maxAge?: { value?: number };
}

/** Serialises a protocol cookie into a Set-Cookie value. */
export function setCookie(c: RpcCookie): string {
  const parts = [`${c.name}=${c.value}`];
  if (c.domain?.value) parts.push(`Domain=${c.domain.value}`);
  if (c.path?.value) parts.push(`Path=${c.path.value}`);
  const secs = c.expires?.value?.seconds;
  if (secs !== undefined) parts.push(`Expires=${new Date(Number(secs) * 1000).toUTCString()}`);
  if (c.maxAge?.value !== undefined) parts.push(`Max-Age=${Math.floor(c.maxAge.value)}`);
  if (c.secure?.value) parts.push('Secure');
  if (c.httpOnly?.value) parts.push('HttpOnly');
  const sameSite = { lax: 'Lax', strict: 'Strict', explicitNone: 'None' }[c.sameSite ?? ''];
  if (sameSite !== undefined) parts.push(`SameSite=${sameSite}`);
  return parts.join('; ');
}

/** Buffered mode (the app did not enable streaming): shape (a1) of the protocol. */
export async function invokeBuffered(inv: HttpInvocation): Promise<void> {
  const { req, res, route } = inv;
  const invocationId = randomUUID();
  let body: Buffer;
  let slow = false;
  try {
    if (req.method === 'GET' || req.method === 'HEAD') body = Buffer.alloc(0);
    else {
      // The body is read whole as it comes (an async iterator: never "flowing"), so all time counts.
      watchBodyRate(
        req,
        inv.bodyRate,
        () => {
          slow = true;
          answerSlowBody(res, inv.bodyRate);
        },
        () => true,
      );
      body = await readBody(req, inv.maxBodyBytes);
    }
  } catch (err) {
    if (slow) return; // answered 408 and cut
    if (err instanceof BodyTooLarge) return tooLarge(res, inv.maxBodyBytes);
    throw err;
  }
  const url = requestUrl(req);
  const nullable = (o: Record<string, string>) =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, { value: v }]));
  const httpData: Record<string, unknown> = {
    method: req.method,
    url: url.toString(),
    nullableHeaders: nullable(flatHeaders(req)),
    nullableQuery: nullable(queryObject(url.searchParams)),
    nullableParams: nullable(inv.params),
    identities: [],
    ...(body.length > 0 && { body: { bytes: new Uint8Array(body) } }),
  };
  const outcome = await invoke(
    inv.app,
    route.fn,
    invocationId,
    { inputData: [{ name: route.bindingName, data: { http: httpData } }], triggerMetadata: {} },
    inv.log,
    inv.timeoutMs,
  );
  if (outcome.error !== undefined) {
    logFailure(inv, invocationId, outcome.error);
    return fail(res, 500);
  }
  const out = outcome.response?.returnValue?.http as
    | {
        statusCode?: string;
        headers?: Record<string, string>;
        cookies?: RpcCookie[];
        body?: { bytes?: Uint8Array; string?: string };
      }
    | undefined;
  if (out === undefined) return fail(res, 204);
  const payload =
    out.body?.bytes !== undefined ? Buffer.from(out.body.bytes) : Buffer.from(out.body?.string ?? '');
  const headers: Record<string, string | string[]> = { ...(out.headers ?? {}) };
  if (out.cookies !== undefined && out.cookies.length > 0) headers['set-cookie'] = out.cookies.map(setCookie);
  headers['content-length'] = String(payload.length);
  res.writeHead(Number(out.statusCode ?? '200'), headers).end(req.method === 'HEAD' ? undefined : payload);
}

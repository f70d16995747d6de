/**
 * The local host's HTTP front end: rejects raw dot segments, answers CORS, serves the admin API,
 * routes to functions (first match by function name), checks keys, enforces the body limit and
 * runs the invocation.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { answerSlowBody, watchBodyRate } from './bodyRate.js';
import type { LogCategory, LogLevel } from './coreApi.js';
import type { HostConfig } from './hostConfig.js';
import type { HostJson } from './hostJson.js';
import { invokeBuffered, invokeStreaming } from './httpInvoke.js';
import type { LoadedApp } from './loader.js';
import { decodePathSegment } from './routeTemplate.js';
import { findRoute, type AuthLevel, type RouteTable } from './router.js';

export interface CorsSettings {
  origins: string[];
  credentials: boolean;
}

/** Control of the non-HTTP triggers; each returns false when there is no such function. */
export interface TriggerControl {
  /** POST /admin/functions/{name} with {"input":"container/blob"}. */
  run(name: string, input: unknown): boolean;
  /** POST /runtime/webhooks/blobs?functionName=Host.Functions.{name}: BlobCreated events. */
  blobCreated(name: string, blobUrls: string[]): boolean;
}

export interface HostServerOptions {
  app: LoadedApp | undefined;
  /** Why the app did not load, when it did not: every function route then answers 503 with it. */
  loadError?: string;
  table: RouteTable;
  hostJson: HostJson;
  config: HostConfig;
  cors: CorsSettings;
  log: (level: LogLevel, category: LogCategory, message: string) => void;
  triggers?: TriggerControl;
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status, { 'Content-Length': '0' }).end();
    return;
  }
  const text = JSON.stringify(body);
  res
    .writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
    })
    .end(text);
}

/** The key a request presents: the x-functions-key header wins over ?code=. */
function presentedKey(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers['x-functions-key'];
  if (typeof header === 'string' && header !== '') return header;
  return url.searchParams.get('code') ?? undefined;
}

const digest = (key: string) => createHash('sha256').update(key, 'utf8').digest();

/**
 * True when two keys are equal, in time that depends on neither where they differ nor their lengths
 * (both are hashed to 32 bytes, then compared with timingSafeEqual): `===` would leak a key's prefix.
 */
function sameKey(presented: Buffer, key: string): boolean {
  return timingSafeEqual(presented, digest(key));
}

/** True when the request may call something of this auth level. */
export function authorized(level: AuthLevel, key: string | undefined, config: HostConfig): boolean {
  if (!config.auth || level === 'anonymous') return true;
  if (key === undefined) return false;
  const presented = digest(key);
  // Every key is compared (no early exit), so the answer's time does not tell which one matched.
  const master = sameKey(presented, config.keys.master);
  const fn = config.keys.function.map((k) => sameKey(presented, k)).some(Boolean);
  return master || (level === 'function' && fn);
}

/** Adds CORS headers; answers a preflight. Returns true when the request is fully answered. */
function handleCors(req: IncomingMessage, res: ServerResponse, cors: CorsSettings): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || cors.origins.length === 0) return false;
  const any = cors.origins.includes('*');
  if (!any && !cors.origins.some((o) => o.toLowerCase() === origin.toLowerCase())) return false;
  res.setHeader('Access-Control-Allow-Origin', any && !cors.credentials ? '*' : origin);
  res.setHeader('Vary', 'Origin');
  if (cors.credentials) res.setHeader('Access-Control-Allow-Credentials', 'true');
  const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  if (!preflight) return false;
  res.setHeader('Access-Control-Allow-Methods', String(req.headers['access-control-request-method']));
  const allowHeaders = req.headers['access-control-request-headers'];
  if (allowHeaders !== undefined) res.setHeader('Access-Control-Allow-Headers', allowHeaders);
  send(res, 204);
  return true;
}

async function readSmallJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req as AsyncIterable<Buffer>) {
    text += chunk.toString('utf8');
    if (text.length > 1 << 20) throw new Error('body too large');
  }
  return text === '' ? {} : (JSON.parse(text) as unknown);
}

async function handleAdmin(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  opts: HostServerOptions,
): Promise<void> {
  if (!authorized('admin', presentedKey(req, url), opts.config)) return send(res, 401);
  const segments = url.pathname.split('/').filter((s) => s !== '');
  if (req.method === 'GET' && segments.join('/').toLowerCase() === 'admin/host/status') {
    return send(res, 200, {
      state: opts.loadError === undefined ? 'Running' : 'Error',
      ...(opts.loadError !== undefined && { errors: [opts.loadError] }),
      functions: [...(opts.app?.registry.functions.keys() ?? [])],
    });
  }
  if (req.method === 'POST' && segments.length === 3 && segments[1]?.toLowerCase() === 'functions') {
    let body: unknown;
    try {
      body = await readSmallJson(req);
    } catch {
      return send(res, 400, {
        error: 'invalid_body',
        message: 'expected a JSON object like {"input":"container/blob"}',
      });
    }
    const input = typeof body === 'object' && body !== null ? (body as { input?: unknown }).input : undefined;
    const ran = opts.triggers?.run(decodePathSegment(segments[2] ?? ''), input) ?? false;
    return send(res, ran ? 202 : 404);
  }
  send(res, 404);
}

interface GridEvent {
  eventType?: unknown;
  type?: unknown;
  subject?: unknown;
  data?: { url?: unknown; validationCode?: unknown };
}

/** The Event Grid webhook of the blob extension (EventGrid and CloudEvents schemas). */
async function handleBlobWebhook(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  opts: HostServerOptions,
): Promise<void> {
  if (req.method !== 'POST') return send(res, 404);
  if (!authorized('admin', presentedKey(req, url), opts.config)) return send(res, 401);
  let body: unknown;
  try {
    body = await readSmallJson(req);
  } catch {
    return send(res, 400, { error: 'invalid_body', message: 'expected a JSON array of Event Grid events' });
  }
  const events = (Array.isArray(body) ? body : [body]) as GridEvent[];
  const kind = (e: GridEvent) => {
    const t = e.eventType ?? e.type;
    return typeof t === 'string' ? t : '';
  };
  const validation = events.find((e) => kind(e) === 'Microsoft.EventGrid.SubscriptionValidationEvent');
  if (validation !== undefined)
    return send(res, 200, { validationResponse: validation.data?.validationCode });
  const name = (url.searchParams.get('functionName') ?? '').replace(/^Host\.Functions\./i, '');
  const urls = events
    .filter((e) => kind(e) === 'Microsoft.Storage.BlobCreated' && typeof e.data?.url === 'string')
    .map((e) => String(e.data?.url));
  return send(res, opts.triggers?.blobCreated(name, urls) === true ? 202 : 404);
}

/**
 * A transfer coding the host does not apply (anything but `chunked` alone): Node removes the chunking
 * and passes the rest on undecoded, so `gzip, chunked` would reach the app as bytes it takes for the
 * body itself. RFC 9112 §6.1: answer 501, as for any transfer coding not understood.
 */
function unsupportedTransferCoding(req: IncomingMessage): string | undefined {
  const te = req.headers['transfer-encoding'];
  if (te === undefined) return undefined;
  const codings = te
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '');
  return codings.length === 1 && codings[0] === 'chunked' ? undefined : te;
}

async function dispatch(req: IncomingMessage, res: ServerResponse, opts: HostServerOptions): Promise<void> {
  // Absolute-form (`PUT http://host/path HTTP/1.1`), which servers must accept: route by its path.
  if (/^https?:\/\//i.test(req.url ?? '')) {
    const absolute = new URL(req.url ?? '/');
    req.url = `${absolute.pathname}${absolute.search}`;
  }
  const coding = unsupportedTransferCoding(req);
  if (coding !== undefined) {
    res.shouldKeepAlive = false;
    send(res, 501, {
      error: 'unsupported_transfer_encoding',
      message: `Transfer-Encoding ${JSON.stringify(coding.slice(0, 80))} is not supported (use chunked, and Content-Encoding for gzip)`,
    });
    res.once('finish', () => req.socket.destroy());
    return;
  }
  const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
  const rawSegments = rawPath.split('/').slice(1);
  if (rawSegments.some((s) => s === '.' || s === '..')) {
    return send(res, 400, {
      error: 'invalid_path',
      message: 'dot segments ("/../", "/./") are not allowed in the URL path',
    });
  }
  if (handleCors(req, res, opts.cors)) return;
  const url = new URL(req.url ?? '/', 'http://local');
  const hostOwn = /^\/admin(\/|$)/i.test(rawPath) || /^\/runtime\/webhooks\/blobs\/?$/i.test(rawPath);
  if (hostOwn) watchBodyRate(req, opts.config.bodyRate, () => answerSlowBody(res, opts.config.bodyRate));
  if (/^\/admin(\/|$)/i.test(rawPath)) return handleAdmin(req, res, url, opts);
  if (/^\/runtime\/webhooks\/blobs\/?$/i.test(rawPath)) return handleBlobWebhook(req, res, url, opts);
  if (opts.app === undefined) {
    return send(res, 503, {
      error: 'app_load_failed',
      message: opts.loadError ?? 'the function app did not load',
    });
  }
  if (rawSegments.length > 1 && rawSegments[rawSegments.length - 1] === '') rawSegments.pop();
  const found = findRoute(opts.table, req.method ?? 'GET', rawSegments.map(decodePathSegment));
  if (found === undefined) return send(res, 404);
  if (!authorized(found.route.authLevel, presentedKey(req, url), opts.config)) return send(res, 401);
  const limit = opts.config.maxRequestBodyBytes;
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    return send(res, 413, {
      error: 'request_too_large',
      message: `the request body is larger than the host's limit of ${limit} bytes (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT)`,
    });
  }
  const name = found.route.fn.metadata.name;
  const log = (level: LogLevel, category: LogCategory, message: string) =>
    opts.log(level, category, category === 'user' ? `[${name}] ${message}` : message);
  const inv = {
    app: opts.app,
    route: found.route,
    params: found.params,
    req,
    res,
    maxBodyBytes: limit,
    bodyRate: opts.config.bodyRate,
    timeoutMs: opts.hostJson.functionTimeoutMs,
    log,
  };
  const started = Date.now();
  await (opts.app.httpUri === undefined
    ? invokeBuffered(inv)
    : invokeStreaming(
        inv,
        opts.app.httpUri,
        opts.config.httpTransport === 'inprocess' ? opts.app.proxyServer : undefined,
      ));
  opts.log(
    'information',
    'system',
    `${req.method} ${rawPath} -> '${name}' ${res.statusCode} (${Date.now() - started} ms)`,
  );
}

/** Creates the host's HTTP server (not yet listening). */
export function createHostServer(opts: HostServerOptions): http.Server {
  const server = http.createServer((req, res) => {
    dispatch(req, res, opts).catch((err: unknown) => {
      opts.log('error', 'system', `request ${req.method} ${req.url} failed in the host: ${String(err)}`);
      if (!res.headersSent) send(res, 500);
      else res.destroy();
    });
  });
  server.requestTimeout = 0;
  server.keepAliveTimeout = 30_000;
  return server;
}

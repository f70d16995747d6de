/**
 * The app's handlers in tests: built from explicit dependencies (a store on the run's Azurite, or a
 * failing one) exactly as the app builds the handlers it registers — no environment is touched — and
 * called the way the host calls them.
 */
import { HttpRequest, InvocationContext, type HttpHandler, type HttpResponseInit } from '@azure/functions';
import type { Deps } from '../../src/app/deps.js';
import type { HttpFunction } from '../../src/http/route.js';
import type { BlobStore } from '../../src/storage/blobStore.js';
import { loadConfig, type AppConfig } from '../../src/storage/config.js';
import { azuriteConnectionString, freshStore } from './storage.js';

/** Dependencies for a test: a fresh container of the run's Azurite unless `store` is given, default settings. */
export function testDeps(
  opts: { store?: BlobStore; settings?: Partial<AppConfig>; clock?: () => Date } = {},
): Deps {
  const store = opts.store ?? freshStore();
  const settings = {
    ...loadConfig({
      AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(),
      AZURE_STORAGE_CONTAINER: store.container,
    }),
    ...opts.settings,
  };
  return { store, settings, clock: opts.clock ?? (() => new Date()) };
}

/** The handler the app registers for `fn`, built from `deps`. */
export function handlerOf(fn: HttpFunction, deps: Deps): HttpHandler {
  return fn.make(deps);
}

/** A handler's answer, with its body read whole. */
export interface Answer {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  bytes: Buffer;
  text: string;
  /** The body parsed as a JSON object ({} when empty or not JSON). */
  body: Record<string, unknown>;
  json: () => Record<string, unknown>;
  /** Cookies the handler sets (the host writes them as Set-Cookie). */
  cookies: { name: string; value: string; maxAge?: number; path?: string }[];
}

async function bytesOf(body: HttpResponseInit['body']): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const c of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

function parsed(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Calls a handler with a request, as the host would. */
export async function send(handler: HttpHandler, req: HttpRequest): Promise<Answer> {
  const res = (await handler(req, new InvocationContext({ functionName: 'test' }))) as HttpResponseInit;
  const bytes = await bytesOf(res.body);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries((res.headers ?? {}) as Record<string, string>))
    headers[k.toLowerCase()] = v;
  const text = bytes.toString('utf8');
  return {
    status: res.status ?? 200,
    headers,
    bytes,
    text,
    body: parsed(text),
    json: () => JSON.parse(text) as Record<string, unknown>,
    cookies: (res.cookies ?? []).map(({ name, value, maxAge, path }) => ({
      name,
      value,
      ...(maxAge !== undefined && { maxAge }),
      ...(path !== undefined && { path }),
    })),
  };
}

/** A GET with route parameters, query and headers, as the host routes it. */
export function getRequest(
  params: Record<string, string>,
  query: Record<string, string> = {},
  headers: Record<string, string> = {},
): HttpRequest {
  const qs = new URLSearchParams(query).toString();
  return new HttpRequest({
    method: 'GET',
    url: `http://localhost/api/test${qs === '' ? '' : `?${qs}`}`,
    params,
    query,
    headers,
  });
}

/** Calls a handler with a GET (route params, query, headers). */
export function call(
  handler: HttpHandler,
  params: Record<string, string> = {},
  query: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<Answer> {
  return send(handler, getRequest(params, query, headers));
}

/**
 * Request bodies as streams: content-type and content-encoding checks (415), the size limit counted
 * after decompression (413), gzip decompressed on the fly with node:zlib.
 */
import { Readable } from 'node:stream';
import type { ReadableStreamDefaultReader } from 'node:stream/web';
import { createGunzip } from 'node:zlib';
import type { HttpRequest } from '@azure/functions';
import { HttpError } from '../core/errors.js';

/** A request body stream, as the library gives it. */
type Body = NonNullable<HttpRequest['body']>;

/** Media types of raw log bytes. */
export const RAW_TYPES = ['application/octet-stream', 'text/plain'] as const;
/** Media types of JSON bodies. */
export const JSON_TYPES = ['application/json'] as const;

export interface BodyRules {
  /** Accepted media types (parameters such as `charset` are ignored); an absent Content-Type is accepted. */
  types: readonly string[];
  /** Largest body in bytes, counted after decompression. */
  maxBytes: number;
}

function tooLarge(maxBytes: number, what: string): HttpError {
  return new HttpError(413, 'body_too_large', `${what} is larger than the limit of ${maxBytes} bytes`, {
    limit: maxBytes,
  });
}

/** Validates the headers of a body; returns whether it is gzip. Throws 415 or 413. */
export function checkBodyHeaders(req: HttpRequest, rules: BodyRules): { gzip: boolean } {
  const type = req.headers.get('content-type');
  if (type !== null) {
    const media = type.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!rules.types.includes(media)) {
      throw new HttpError(
        415,
        'unsupported_media_type',
        `Content-Type ${JSON.stringify(type.slice(0, 80))} is not accepted here (use ${rules.types.join(' or ')})`,
      );
    }
  }
  const encoding = (req.headers.get('content-encoding') ?? '').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity' && encoding !== 'gzip') {
    throw new HttpError(
      415,
      'unsupported_encoding',
      `Content-Encoding ${JSON.stringify(encoding.slice(0, 80))} is not supported (use gzip or none)`,
    );
  }
  const length = req.headers.get('content-length');
  if (length !== null && /^\d+$/.test(length.trim()) && Number(length) > rules.maxBytes) {
    throw tooLarge(rules.maxBytes, `the body (Content-Length ${length.trim()})`);
  }
  return { gzip: encoding === 'gzip' };
}

/**
 * The request body, decompressed, as a stream of chunks. Throws (while iterating) 413 as soon as
 * more than `maxBytes` arrived after decompression, and 400 `invalid_body` for a corrupt gzip
 * stream or a body cut off. Stopping early releases the underlying streams.
 */
export async function* bodyChunks(req: HttpRequest, rules: BodyRules): AsyncGenerator<Uint8Array> {
  const { gzip } = checkBodyHeaders(req, rules);
  if (req.body === null) return;
  let total = 0;
  const counted = (bytes: Uint8Array) => {
    total += bytes.byteLength;
    if (total > rules.maxBytes) throw tooLarge(rules.maxBytes, gzip ? 'the decompressed body' : 'the body');
    return bytes;
  };
  try {
    if (gzip) yield* gunzipped(req.body, counted);
    else yield* read(req.body, counted);
  } catch (err) {
    if (err instanceof HttpError) throw err;
    const why = err instanceof Error ? err.message : String(err);
    throw new HttpError(400, 'invalid_body', `the body could not be read${gzip ? ' as gzip' : ''}: ${why}`);
  }
}

/**
 * The chunks of a web stream, read directly (no Node stream in between: one promise per chunk).
 * Stopping early drains the rest rather than cancelling: cancelling the request resets the connection
 * the Functions host forwards requests over, failing the next request on it.
 */
async function* read(body: Body, each: (b: Uint8Array) => Uint8Array) {
  const reader = body.getReader();
  let done = false;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        return;
      }
      yield each(next.value as Uint8Array);
    }
  } finally {
    if (!done) void drain(reader);
  }
}

async function drain(reader: ReadableStreamDefaultReader): Promise<void> {
  try {
    while (!(await reader.read()).done);
  } catch {
    /* the body failed: nothing left to drain */
  }
}

/** The decompressed chunks of a gzip web stream. */
async function* gunzipped(body: Body, each: (b: Uint8Array) => Uint8Array) {
  const raw = Readable.fromWeb(body);
  const gunzip = createGunzip();
  raw.on('error', (err) => gunzip.destroy(err));
  raw.pipe(gunzip);
  try {
    for await (const chunk of gunzip.iterator({ destroyOnReturn: false })) yield each(chunk as Buffer);
  } finally {
    gunzip.destroy();
    // Drain rather than destroy what the client still sends (see `read`).
    raw.unpipe();
    raw.on('error', () => undefined).resume();
  }
}

/**
 * Reads and discards a body that will not be used (a request rejected before its body was read),
 * so that the client gets the answer instead of a reset connection.
 */
export function discardBody(req: HttpRequest): void {
  if (req.body === null || req.bodyUsed || req.body.locked) return;
  Readable.fromWeb(req.body)
    .on('error', () => undefined)
    .resume();
}

/**
 * Wraps a handler so that a request it rejects before reading the body still has its body
 * consumed (see `discardBody`).
 */
export function discardingBodyOnError<A extends unknown[], R>(
  handler: (req: HttpRequest, ...rest: A) => Promise<R>,
): (req: HttpRequest, ...rest: A) => Promise<R> {
  return async (req, ...rest) => {
    try {
      return await handler(req, ...rest);
    } catch (err) {
      discardBody(req);
      throw err;
    }
  };
}

/** Reads a JSON body whole (small by contract) and parses it; 400 `invalid_body` when it is not JSON. */
export async function jsonBody(req: HttpRequest, rules: BodyRules): Promise<unknown> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of bodyChunks(req, rules)) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new HttpError(400, 'invalid_body', 'the body is empty; expected JSON');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpError(
      400,
      'invalid_body',
      `the body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

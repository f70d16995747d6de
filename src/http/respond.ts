/** The one place where errors become responses, and the small helpers every function uses. */
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { HttpError } from '../core/errors.js';
import { ConfigError } from '../storage/config.js';
import { CLIENT_TIMEOUT } from '../storage/deadlines.js';
import { StorageError } from '../storage/errors.js';

/** A JSON response. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return {
    status,
    body: JSON.stringify(body),
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
      ...headers,
    },
  };
}

/** Maps a storage failure to the status a client can act on (never "not found" or "empty"). */
export function storageErrorToHttp(err: StorageError): HttpError {
  const retry = { 'Retry-After': String(err.retryAfterSeconds ?? 5) };
  switch (err.kind) {
    case 'throttled':
      return new HttpError(429, 'storage_throttled', err.message, {}, retry);
    case 'unavailable':
      // A call cut by its client-side deadline (storage/deadlines.ts) is told apart from a refusal.
      return new HttpError(
        503,
        err.code === CLIENT_TIMEOUT ? 'storage_timeout' : 'storage_unavailable',
        err.message,
        {},
        retry,
      );
    case 'conflict':
      return new HttpError(503, 'storage_contended', err.message, {}, retry);
    case 'auth':
      return new HttpError(503, 'storage_auth_failed', err.message, {}, retry);
    default:
      return new HttpError(502, 'storage_error', err.message);
  }
}

/** Turns anything thrown into a JSON error response; unexpected errors are logged and answered 500. */
export function errorResponse(err: unknown, context: InvocationContext): HttpResponseInit {
  const mapped =
    err instanceof HttpError
      ? err
      : err instanceof StorageError
        ? storageErrorToHttp(err)
        : err instanceof ConfigError
          ? new HttpError(500, 'misconfigured', `the app is misconfigured: ${err.message}`)
          : undefined;
  if (mapped === undefined) {
    context.error(`invocation ${context.invocationId} failed:`, err);
    return json(500, { error: 'internal', message: `internal error (invocation ${context.invocationId})` });
  }
  if (mapped.status >= 500) context.warn(`${mapped.code}: ${mapped.message}`);
  return json(
    mapped.status,
    { error: mapped.code, message: mapped.message, ...mapped.extra },
    mapped.headers,
  );
}

/** Wraps a handler so that every error takes the one path above. */
export function http(
  handler: (req: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>,
): HttpHandler {
  return async (req, context) => {
    try {
      return await handler(req, context);
    } catch (err) {
      return errorResponse(err, context);
    }
  };
}

/** HTTP to the app's API: the key, and every failure turned into an ApiError that says what happened. */
import type { ErrorBody } from './types';
import { functionKey, keyRefused } from './auth';

/** A failed request: the status (0 when the app did not answer), the API's error code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Headers every API request carries. */
export function authHeaders(): Record<string, string> {
  const key = functionKey.get();
  return key === null ? {} : { 'x-functions-key': key };
}

async function errorOf(res: Response): Promise<ApiError> {
  if (res.status === 401) {
    keyRefused();
    const had = functionKey.get() !== null;
    return new ApiError(
      401,
      'unauthorized',
      had ? 'The function key was refused.' : 'A function key is needed.',
    );
  }
  let body: Partial<ErrorBody> = {};
  try {
    body = (await res.json()) as Partial<ErrorBody>;
  } catch {
    // not JSON (a proxy's page, an empty 404): the status says it
  }
  const message =
    typeof body.message === 'string' && body.message !== ''
      ? body.message
      : `${res.status} ${res.statusText || 'error'} from ${new URL(res.url).pathname}`;
  return new ApiError(
    res.status,
    typeof body.error === 'string' ? body.error : `http_${res.status}`,
    message,
    body.field,
  );
}

export interface FetchOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Statuses answered without an error besides 2xx (e.g. 304, 416). */
  accept?: number[];
}

/** Fetches an API path; throws ApiError for anything but 2xx and `accept`. */
export async function apiFetch(path: string, opts: FetchOptions = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, {
      headers: { ...authHeaders(), ...opts.headers },
      cache: 'no-store',
      ...(opts.signal !== undefined && { signal: opts.signal }),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(
      0,
      'unreachable',
      `The app did not answer (${err instanceof Error ? err.message : String(err)}).`,
    );
  }
  if (res.ok || opts.accept?.includes(res.status) === true) return res;
  throw await errorOf(res);
}

/** GETs JSON from an API path. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await apiFetch(path, {
    headers: { Accept: 'application/json' },
    ...(signal !== undefined && { signal }),
  });
  return (await res.json()) as T;
}

/**
 * Typed storage failures. Only this module looks inside the SDK's RestError; everything above it
 * sees one of these, so a throttle or an outage can never be mistaken for "not found" or "empty".
 */
import { CLIENT_TIMEOUT } from './deadlines.js';

export type StorageFailure = 'auth' | 'throttled' | 'unavailable' | 'conflict' | 'precondition' | 'other';

export class StorageError extends Error {
  constructor(
    readonly kind: StorageFailure,
    message: string,
    /** Seconds the service asked us to wait (429/503), when it said. */
    readonly retryAfterSeconds?: number,
    /** The service's error code, e.g. `AppendPositionConditionNotMet`. */
    readonly code?: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'REQUEST_SEND_ERROR',
  'ECONNABORTED',
]);

interface RestErrorLike {
  name?: string;
  message?: string;
  code?: string;
  statusCode?: number;
  details?: { errorCode?: string };
  response?: { headers?: { get(name: string): string | undefined } };
}

function restError(err: unknown): RestErrorLike | undefined {
  return typeof err === 'object' && err !== null ? err : undefined;
}

/** The service's error code (`BlobNotFound`, `ConditionNotMet`, …) when there is one. */
export function serviceCode(err: unknown): string | undefined {
  const e = restError(err);
  return e?.details?.errorCode ?? e?.response?.headers?.get('x-ms-error-code') ?? e?.code;
}

/** True for a 404 from the service: the only failure callers may treat as "absent". */
export function isNotFound(err: unknown): boolean {
  return restError(err)?.statusCode === 404;
}

function retryAfter(err: RestErrorLike): number | undefined {
  const raw = err.response?.headers?.get('retry-after');
  if (raw === undefined) return undefined;
  const secs = Number(raw);
  if (Number.isFinite(secs) && secs >= 0) return Math.ceil(secs);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Turns anything the SDK threw into a StorageError (404s are handled by callers before this). */
export function toStorageError(err: unknown, what: string): StorageError {
  if (err instanceof StorageError) return err;
  const e = restError(err) ?? {};
  const status = e.statusCode;
  const code = serviceCode(err);
  if (e.name === 'AbortError') {
    // Our own deadline (deadlines.ts) cut the call: the service accepted it but did not answer.
    return new StorageError(
      'unavailable',
      `${what}: storage did not answer before the client deadline`,
      5,
      CLIENT_TIMEOUT,
    );
  }
  if (status === undefined || (code !== undefined && NETWORK_CODES.has(code))) {
    return new StorageError(
      'unavailable',
      `${what}: storage is unreachable (${code ?? e.message ?? 'no answer'})`,
      5,
      code,
    );
  }
  if (status === 401 || status === 403) {
    return new StorageError(
      'auth',
      `${what}: storage refused our credentials (${code ?? status})`,
      undefined,
      code,
      status,
    );
  }
  if (status === 429 || (status === 503 && code === 'ServerBusy')) {
    return new StorageError(
      'throttled',
      `${what}: storage is throttling (${code ?? status})`,
      retryAfter(e) ?? 1,
      code,
      status,
    );
  }
  if (status === 501) {
    // Not a passing failure: this storage cannot do the operation at all (Azurite with its blob
    // metadata in SQL has no append blobs). Retrying would never help, so no Retry-After.
    return new StorageError(
      'other',
      `${what}: storage does not implement this operation (${code ?? status}); ` +
        'if it is Azurite, use its default (in-memory or disk) metadata store, not a SQL one',
      undefined,
      code,
      status,
    );
  }
  if (status >= 500) {
    return new StorageError(
      'unavailable',
      `${what}: storage failed (${code ?? status})`,
      retryAfter(e) ?? 5,
      code,
      status,
    );
  }
  if (status === 409)
    return new StorageError('conflict', `${what}: ${code ?? 'conflict'}`, undefined, code, status);
  if (status === 412)
    return new StorageError(
      'precondition',
      `${what}: ${code ?? 'condition not met'}`,
      undefined,
      code,
      status,
    );
  return new StorageError(
    'other',
    `${what}: storage answered ${status} ${code ?? ''}`.trim(),
    undefined,
    code,
    status,
  );
}

/**
 * What a failed blob batch (the batch request itself, not a sub-request) means: `gone` when the
 * container is (nothing left to delete), `refused` when the account takes no batches (a 4xx other
 * than auth, throttling and 404, or a 501: some hierarchical-namespace accounts, some emulators) —
 * then its blobs are deleted one by one — else the failure itself, to be thrown.
 */
export function batchFailure(err: unknown, what: string): 'gone' | 'refused' | StorageError {
  if (isNotFound(err)) return 'gone';
  const e = toStorageError(err, what);
  return e.kind === 'other' ? 'refused' : e;
}

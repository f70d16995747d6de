import { describe, expect, it } from 'vitest';
import { batchFailure, isNotFound, StorageError, toStorageError } from './errors.js';

function restError(statusCode: number | undefined, code?: string, headers: Record<string, string> = {}) {
  return {
    name: 'RestError',
    message: 'boom',
    statusCode,
    code,
    details: code === undefined ? undefined : { errorCode: code },
    response: { headers: { get: (h: string) => headers[h.toLowerCase()] } },
  };
}

describe('toStorageError', () => {
  it('keeps the Retry-After of a throttle', () => {
    const e = toStorageError(restError(503, 'ServerBusy', { 'retry-after': '7' }), 'append');
    expect(e).toMatchObject({ kind: 'throttled', retryAfterSeconds: 7, status: 503 });
    expect(toStorageError(restError(429, undefined, {}), 'x')).toMatchObject({
      kind: 'throttled',
      retryAfterSeconds: 1,
    });
  });
  it('maps auth failures', () => {
    expect(toStorageError(restError(403, 'AuthenticationFailed'), 'x').kind).toBe('auth');
    expect(toStorageError(restError(401), 'x').kind).toBe('auth');
  });
  it('maps network errors and 5xx to unavailable', () => {
    expect(toStorageError(restError(undefined, 'ECONNREFUSED'), 'x').kind).toBe('unavailable');
    expect(toStorageError(new Error('socket hang up'), 'x').kind).toBe('unavailable');
    expect(toStorageError(restError(500, 'InternalError'), 'x').kind).toBe('unavailable');
  });
  it('maps 501 (an operation this storage lacks) to a failure that is not retried', () => {
    const e = toStorageError(restError(501, 'APINotImplemented'), 'append to f');
    expect(e).toMatchObject({ kind: 'other', status: 501, code: 'APINotImplemented' });
    expect(e.retryAfterSeconds).toBeUndefined();
    expect(e.message).toBe(
      'append to f: storage does not implement this operation (APINotImplemented); ' +
        'if it is Azurite, use its default (in-memory or disk) metadata store, not a SQL one',
    );
  });
  it('maps a call cut by its client-side deadline to unavailable with code ClientTimeout', () => {
    const aborted = Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
    expect(toStorageError(aborted, 'read x')).toMatchObject({
      kind: 'unavailable',
      code: 'ClientTimeout',
      retryAfterSeconds: 5,
    });
  });
  it('treats only a 404 as absent', () => {
    expect(isNotFound(restError(404, 'BlobNotFound'))).toBe(true);
    expect(isNotFound(restError(403))).toBe(false);
    expect(isNotFound(new Error('x'))).toBe(false);
  });
});

describe('batchFailure', () => {
  it('tells a gone container and an account without batches from failures to throw', () => {
    expect(batchFailure(restError(404, 'ContainerNotFound'), 'x')).toBe('gone');
    expect(batchFailure(restError(400, 'FeatureNotSupported'), 'x')).toBe('refused');
    expect(batchFailure(restError(501, 'APINotImplemented'), 'x')).toBe('refused');
    for (const [status, kind] of [
      [403, 'auth'],
      [503, 'unavailable'],
      [429, 'throttled'],
    ] as const) {
      const f = batchFailure(restError(status), 'delete 32 blobs in a batch');
      expect(f).toBeInstanceOf(StorageError);
      expect(f).toMatchObject({ kind, status });
    }
  });
});

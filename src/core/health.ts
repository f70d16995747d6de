import type { BlobStore } from '../storage/blobStore.js';
import { toStorageError } from '../storage/errors.js';

export type Health = { status: 'ok' } | { status: 'unavailable'; reason: string };

/** Asks storage to answer within `timeoutMs` (default 5 s); never hangs longer. */
export async function checkHealth(store: BlobStore, timeoutMs = 5_000): Promise<Health> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    await store.ping(signal);
    return { status: 'ok' };
  } catch (err) {
    const reason = signal.aborted
      ? `storage did not answer within ${timeoutMs} ms`
      : toStorageError(err, 'storage').message;
    return { status: 'unavailable', reason };
  }
}

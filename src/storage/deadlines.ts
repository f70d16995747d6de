/**
 * Client-side deadlines of storage calls. The SDK's `tryTimeoutInMs` only asks the service to give
 * up (a `timeout` query parameter); a service that accepts the connection and never answers (a hung
 * front end, a paused Azurite) leaves the call waiting forever, and with it the HTTP request that
 * made it — on Azure, an instance held until `functionTimeout`. Every call therefore carries an
 * abort signal. Documented in docs/reliability.md ("Deadlines").
 */
import { Readable } from 'node:stream';

export interface StorageDeadlines {
  /**
   * A small operation: properties, one list page, create, seal, delete, lease, commit a block list,
   * a conditional write of a small document, the headers of a download. Default 10 s.
   */
  operationMs: number;
  /** What an upload (append block, stage block, write) gets on top, per MiB of its body. Default 4 s (a 4 MiB append: 26 s). */
  uploadMsPerMiB: number;
  /** A download, once its headers came: the longest wait for the next bytes while reading. Default 10 s. */
  idleMs: number;
}

export const DEFAULT_DEADLINES: StorageDeadlines = {
  operationMs: 10_000,
  uploadMsPerMiB: 4_000,
  idleMs: 10_000,
};

/** The error code of a StorageError raised by a client-side deadline. */
export const CLIENT_TIMEOUT = 'ClientTimeout';

/** An abort signal for one call of `ms`, also aborted when `outer` is. */
export function deadline(ms: number, outer?: AbortSignal): AbortSignal {
  const own = AbortSignal.timeout(ms);
  return outer === undefined ? own : AbortSignal.any([own, outer]);
}

/** The deadline of an upload of `bytes`. */
export function uploadMs(d: StorageDeadlines, bytes: number): number {
  return d.operationMs + Math.ceil((bytes / (1024 * 1024)) * d.uploadMsPerMiB);
}

/**
 * `source` (a download's body) with an idle deadline: each wait for the next chunk may last at most
 * `idleMs`, after which `abort` runs (cutting the download) and the stream fails with `onError`'s
 * error. Time the consumer spends not asking (a slow HTTP client) does not count. Errors of the
 * source are passed through `onError` too, so readers see one error type.
 */
export function idleGuarded(
  source: NodeJS.ReadableStream,
  idleMs: number,
  abort: () => void,
  onError: (err: unknown, idle: boolean) => Error,
): Readable {
  async function* guarded(): AsyncGenerator<Buffer> {
    const it = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    try {
      for (;;) {
        let idle = false;
        const timer = setTimeout(() => {
          idle = true;
          abort();
        }, idleMs);
        let next: IteratorResult<Buffer>;
        try {
          next = await it.next();
        } catch (err) {
          throw onError(err, idle);
        } finally {
          clearTimeout(timer);
        }
        if (next.done === true) return;
        yield next.value;
      }
    } finally {
      await it.return?.();
    }
  }
  // One chunk of read-ahead: memory stays at what the consumer holds.
  return Readable.from(guarded(), { highWaterMark: 1 });
}

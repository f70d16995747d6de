/**
 * Client-side deadlines of storage calls. The SDK's `tryTimeoutInMs` only asks the service to give
 * up (a `timeout` query parameter); a service that accepts the connection and never answers (a hung
 * front end, a paused Azurite) leaves the call waiting forever, and with it the HTTP request that
 * made it — on Azure, an instance held until `functionTimeout`. Every call therefore carries an
 * abort signal. Documented in docs/reliability.md ("Deadlines").
 */
import { finished, Readable } from 'node:stream';

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
 *
 * Chunks pass through as they are, one Readable deep, with one timer re-armed per wait: profiles of a
 * 256 MiB read showed an async generator wrapped in `Readable.from` (a promise and a timer per
 * chunk) costing a third of the raw download's rate (docs/benchmarks.md, Profiles).
 */
export function idleGuarded(
  source: NodeJS.ReadableStream,
  idleMs: number,
  abort: () => void,
  onError: (err: unknown, idle: boolean) => Error,
): Readable {
  return new IdleGuarded(source as Readable, idleMs, abort, onError);
}

class IdleGuarded extends Readable {
  private wanted = false;
  private idle = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly source: Readable,
    private readonly idleMs: number,
    private readonly abort: () => void,
    private readonly onError: (err: unknown, idle: boolean) => Error,
  ) {
    // One chunk of read-ahead: memory stays at what the consumer holds.
    super({ highWaterMark: 1, objectMode: false });
    source.on('readable', () => this.pump());
    source.once('end', () => {
      this.stopTimer();
      this.push(null);
    });
    // An error, or a close before the end (a cut connection), fails the read.
    finished(source, (err) => {
      if (err === undefined || err === null || this.destroyed) return;
      this.stopTimer();
      this.destroy(this.onError(err, this.idle));
    });
  }

  override _read(): void {
    this.wanted = true;
    this.pump();
  }

  private pump(): void {
    while (this.wanted) {
      const chunk = (this.source.read() as Buffer | null) ?? null;
      if (chunk === null) {
        this.startTimer(); // waiting for the source: this is the time that counts
        return;
      }
      this.wanted = this.push(chunk);
    }
    this.stopTimer(); // the consumer has enough: its pace is not ours to judge
  }

  private startTimer(): void {
    if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.idle = true;
        this.abort();
      }, this.idleMs);
    } else this.timer.refresh();
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  override _destroy(err: Error | null, done: (err: Error | null) => void): void {
    this.stopTimer();
    if (!this.source.destroyed) this.source.destroy();
    done(err);
  }
}

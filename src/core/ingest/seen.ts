/**
 * Which Ray event ids a session already stored: an append-only log of ids (one per line) under
 * `index/`, segmented like log files, plus a per-process set that catches up with the log before
 * every admission. Events are written to their files first and recorded here afterwards, so a
 * crash in between can only cause a duplicate on resend (the query side dedupes by eventId too),
 * never a loss.
 */
import { storeCache } from '../storeCache.js';
import type { BlobStore } from '../../storage/blobStore.js';
import { StorageError } from '../../storage/errors.js';
import { eventsSeenBlob, type SessionRef } from '../layout.js';
import { MAX_PIECE } from './pieces.js';
import { create, fileLength, locate, readRange, type SegmentedFile, type Tail } from './segments.js';

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}

function deferred(): Deferred {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A batch's reserved ids: settled when the last of them is. */
interface Reservation extends Deferred {
  left: number;
}

interface Waiter {
  text: string;
  resolve(): void;
  reject: (err: unknown) => void;
}

interface Admitter {
  ids: string[];
  resolve: (a: Admission) => void;
  reject: (err: unknown) => void;
}

/** What a batch may store: `fresh` ids are reserved for it until `settle`. */
export interface Admission {
  fresh: Set<string>;
  duplicates: number;
}

/** Splits text made of whole lines into pieces of whole lines, each at most one append block. */
function linePieces(text: string): Buffer[] {
  // Nearly always one piece (a batch's ids are ~25 bytes each): no splitting into lines then.
  const whole = Buffer.from(text);
  if (whole.length <= MAX_PIECE) return whole.length === 0 ? [] : [whole];
  const out: Buffer[] = [];
  let lines: string[] = [];
  let bytes = 0;
  for (const line of text.split(/(?<=\n)/)) {
    const size = Buffer.byteLength(line);
    if (bytes > 0 && bytes + size > MAX_PIECE) {
      out.push(Buffer.from(lines.join('')));
      lines = [];
      bytes = 0;
    }
    lines.push(line);
    bytes += size;
  }
  if (bytes > 0) out.push(Buffer.from(lines.join('')));
  return out;
}

export class SeenLog {
  private readonly ids = new Set<string>();
  private readonly inflight = new Map<string, Reservation>();
  /** How far this process has read the log (appends are whole lines, so this is a line boundary). */
  private tail: Tail | null = null;
  /** Settles with the error of the last exclusive operation (undefined when it succeeded). */
  private lock: Promise<unknown> = Promise.resolve();
  /** Exclusive operations not yet settled. */
  private pending = 0;
  private queue: Waiter[] = [];
  private admissions: Admitter[] = [];

  constructor(
    private readonly store: BlobStore,
    private readonly file: SegmentedFile,
  ) {}

  /**
   * Runs `fn` after the operations queued before it; `fn` settles with the error it failed with
   * (undefined when it succeeded). When the operation it waited for failed because storage is
   * unavailable (an outage, a call past its deadline), `fn` gets that error and fails its waiters with
   * it, without a storage call: a request queued behind a hung call is answered when that call's
   * deadline passes, not one deadline later per operation in the queue (docs/reliability.md).
   */
  private exclusive(fn: (failed: StorageError | undefined) => Promise<unknown>): void {
    const queued = this.pending > 0;
    this.pending += 1;
    this.lock = this.lock
      .then((before) =>
        fn(queued && before instanceof StorageError && before.kind === 'unavailable' ? before : undefined),
      )
      .catch((err: unknown) => err)
      .finally(() => (this.pending -= 1));
  }

  /** Reads the ids other writers recorded since we last looked. */
  private async catchUp(): Promise<void> {
    const now = await locate(this.store, this.file, this.tail);
    const from = fileLength(this.tail);
    if (now !== null && fileLength(now) > from) {
      let rest = '';
      for await (const chunk of readRange(this.store, this.file, now, from, fileLength(now))) {
        const lines = (rest + chunk.toString('utf8')).split('\n');
        rest = lines.pop() ?? '';
        for (const id of lines) if (id !== '') this.ids.add(id);
      }
    }
    this.tail = now;
  }

  /**
   * Splits `ids` (in order) into fresh ones, reserved for the caller, and duplicates: stored
   * already, or earlier in the same list. Waits for other batches still writing the same ids.
   * Concurrent calls share one catch-up with the log.
   */
  admit(ids: string[]): Promise<Admission> {
    return new Promise<Admission>((resolve, reject) => {
      this.admissions.push({ ids, resolve, reject });
      if (this.admissions.length === 1) this.exclusive((failed) => this.admitAll(failed));
    });
  }

  private async admitAll(failed: StorageError | undefined): Promise<unknown> {
    const batch = this.admissions;
    this.admissions = [];
    try {
      if (failed !== undefined) throw failed;
      await this.catchUp();
    } catch (err) {
      for (const a of batch) a.reject(err);
      return err;
    }
    for (const a of batch) {
      const busy = new Set<Promise<void>>();
      for (const id of a.ids) {
        const p = this.inflight.get(id)?.promise;
        if (p !== undefined) busy.add(p);
      }
      if (busy.size > 0) {
        // Another batch is writing some of these ids: decide once it has succeeded or failed.
        void Promise.allSettled(busy).then(() => this.admit(a.ids).then(a.resolve, a.reject));
        continue;
      }
      a.resolve(this.reserve(a.ids));
    }
  }

  private reserve(ids: string[]): Admission {
    const fresh = new Set<string>();
    let duplicates = 0;
    for (const id of ids) {
      if (this.ids.has(id) || fresh.has(id)) duplicates += 1;
      else fresh.add(id);
    }
    // One promise for the whole reservation, resolved once all its ids are settled: not one per event.
    const settled: Reservation = { ...deferred(), left: fresh.size };
    for (const id of fresh) {
      this.ids.add(id);
      this.inflight.set(id, settled);
    }
    return { fresh, duplicates };
  }

  /**
   * Ends a reservation: ids whose events are durably stored stay seen; the rest are released so
   * that a resend stores them. Wakes batches waiting for these ids.
   */
  settle(stored: Iterable<string>, failed: Iterable<string>): void {
    const end = (id: string) => {
      const r = this.inflight.get(id);
      if (r === undefined) return;
      this.inflight.delete(id);
      if (--r.left === 0) r.resolve();
    };
    for (const id of failed) {
      this.ids.delete(id);
      end(id);
    }
    for (const id of stored) end(id);
  }

  /** Records stored ids in the log; concurrent calls share one append. */
  record(ids: Iterable<string>): Promise<void> {
    const text = [...ids].map((id) => `${id}\n`).join('');
    if (text === '') return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ text, resolve, reject });
      if (this.queue.length === 1) this.exclusive((failed) => this.flush(failed));
    });
  }

  private async flush(failed: StorageError | undefined): Promise<unknown> {
    const batch = this.queue;
    this.queue = [];
    try {
      if (failed !== undefined) throw failed;
      for (const piece of linePieces(batch.map((w) => w.text).join(''))) await this.appendPiece(piece);
      for (const w of batch) w.resolve();
      return undefined;
    } catch (err) {
      for (const w of batch) w.reject(err);
      return err;
    }
  }

  private async appendPiece(piece: Buffer): Promise<void> {
    for (;;) {
      if (this.tail === null) {
        await create(this.store, this.file);
        await this.catchUp();
        continue;
      }
      if (this.tail.blocks >= this.file.maxBlocks) {
        await this.catchUp(); // rolls over to the next segment
        continue;
      }
      const r = await this.store.appendAt(this.file.blob(this.tail.segment), this.tail.length, piece);
      if (r.ok) {
        this.tail = {
          ...this.tail,
          length: this.tail.length + piece.byteLength,
          blocks: r.committedBlockCount,
        };
        return;
      }
      await this.catchUp();
    }
  }
}

/** The seen-log of a session for this store (its ids are loaded on first use; 1,000 sessions kept). */
export function seenLog(store: BlobStore, ref: SessionRef, maxBlocks: number): SeenLog {
  const logs = storeCache<SeenLog>(store, 'seenLogs', 1_000);
  const key = eventsSeenBlob(ref);
  let log = logs.get(key);
  if (log === undefined) {
    log = new SeenLog(store, {
      blob: (segment) => eventsSeenBlob(ref, segment),
      contentType: 'text/plain; charset=utf-8',
      metadata: {},
      maxBlocks,
    });
    logs.set(key, log);
  }
  return log;
}

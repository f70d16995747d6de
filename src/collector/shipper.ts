/**
 * Ships planned jobs: small ranges of many files go together in `POST /batch` requests, large ones as
 * `PUT` appends of at most `batchBytes` each. Memory holds one request's bytes at a time. After every
 * request the acknowledged offsets are saved, so a crash re-sends at most one request's bytes.
 */
import type { ChunkResult, IngestClient } from './client.js';
import type { FileState } from './checkpoint.js';
import { nextTail, readAfter, tailAt } from './reader.js';
import { created, restart, type Job, type Note } from './tracker.js';

/** Smallest chunk tried after the server answered 413. */
const MIN_CHUNK = 16 * 1024;

export interface ShipContext {
  client: IngestClient;
  files: Record<string, FileState>;
  batchBytes: number;
  /** Persists `files`; called after every acknowledged request. */
  save: () => Promise<void>;
  note: (n: Note) => void;
  /** Bytes acknowledged by the server (appended or already stored). */
  onShipped: (bytes: number) => void;
}

interface Ready {
  job: Job;
  st: FileState;
  offset: number;
  data: Buffer;
}

/** Most chunks in one batch request: the server stores them one after another. */
const MAX_BATCH_CHUNKS = 100;

type Unit = { kind: 'batch'; session: string; jobs: Job[] } | { kind: 'large'; job: Job };

/** Splits jobs into requests' worth: groups of small ranges per session, and single large files. */
function units(jobs: Job[], batchBytes: number): Unit[] {
  const out: Unit[] = [];
  const open = new Map<string, { unit: Unit & { kind: 'batch' }; bytes: number }>();
  for (const j of jobs) {
    const size = j.to - j.from;
    if (size > batchBytes / 4) {
      out.push({ kind: 'large', job: j });
      continue;
    }
    let cur = open.get(j.session);
    if (cur === undefined || cur.bytes + size > batchBytes || cur.unit.jobs.length >= MAX_BATCH_CHUNKS) {
      cur = { unit: { kind: 'batch', session: j.session, jobs: [] }, bytes: 0 };
      open.set(j.session, cur);
      out.push(cur.unit);
    }
    cur.unit.jobs.push(j);
    cur.bytes += size;
  }
  return out;
}

/**
 * Ships every job as far as its file allows, `concurrency` requests at a time (each job belongs to
 * one request, so no two requests touch one file); returns how many bytes were acknowledged.
 */
export async function ship(jobs: Job[], ctx: ShipContext, concurrency = 1): Promise<number> {
  const queue = units(jobs, ctx.batchBytes);
  let shipped = 0;
  let failed = false;
  const worker = async () => {
    for (let u = queue.shift(); u !== undefined && !failed; u = queue.shift()) {
      try {
        shipped += u.kind === 'large' ? await shipLarge(u.job, ctx) : await shipBatch(u.session, u.jobs, ctx);
      } catch (err) {
        failed = true; // stop the other workers too: a fatal error (wrong key, gave up) ends the pass
        throw err;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.max(1, concurrency) }, worker));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
  return shipped;
}

async function shipBatch(session: string, jobs: Job[], ctx: ShipContext): Promise<number> {
  const batch: Ready[] = [];
  for (const j of jobs) {
    const ready = await prepare(j, ctx, j.to - j.from);
    if (ready !== undefined) batch.push(ready);
  }
  return batch.length === 0 ? 0 : sendBatch(session, batch, ctx);
}

/** Reads the job's next range, or undefined when there is nothing (or the file was rewritten). */
async function prepare(job: Job, ctx: ShipContext, length: number): Promise<Ready | undefined> {
  const st = ctx.files[job.key];
  if (st === undefined || st.aside !== undefined || st.gen !== job.gen) return undefined;
  const create = !created(st); // an empty first append creates an empty file
  if (length <= 0 && !create) return undefined;
  let read;
  try {
    read = await readAfter(job.path, st.offset, length, st.tail);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    ctx.note({
      level: 'warn',
      msg: 'cannot read file; will try again',
      fields: { file: job.path, reason: code },
      problem: true,
    });
    return undefined;
  }
  if (!read.ok) {
    restart(st, job.finishing ? -1 : job.ino);
    ctx.note({
      level: 'warn',
      msg: 'file was rewritten in place: shipping its new content under a new name',
      fields: { file: job.path, generation: st.gen },
    });
    return undefined;
  }
  if (read.data.length === 0 && !create) return undefined;
  return { job, st, offset: st.offset, data: read.data };
}

async function sendBatch(session: string, batch: Ready[], ctx: ShipContext): Promise<number> {
  const results = await ctx.client.batch(
    session,
    batch.map((r) => ({ file: r.job.remote, offset: r.offset, data: r.data })),
  );
  let shipped = 0;
  const retryAlone: Ready[] = [];
  for (const [i, r] of batch.entries()) {
    const res = results[i];
    if (res === undefined) continue;
    if (res.kind === 'tooLarge') retryAlone.push(r);
    else shipped += await apply(r, res, ctx);
  }
  await ctx.save();
  for (const r of retryAlone)
    shipped += await shipLarge(r.job, ctx, Math.max(MIN_CHUNK, Math.floor(r.data.length / 2)));
  return shipped;
}

async function shipLarge(job: Job, ctx: ShipContext, chunk = ctx.batchBytes): Promise<number> {
  let shipped = 0;
  let size = chunk;
  for (;;) {
    const st = ctx.files[job.key];
    // Stop at the size seen when planning, so one busy file cannot starve the others.
    if (st === undefined || st.offset >= job.to) return shipped;
    const ready = await prepare(job, ctx, size);
    if (ready === undefined) return shipped;
    const res = await ctx.client.append(job.session, {
      file: job.remote,
      offset: ready.offset,
      data: ready.data,
    });
    if (res.kind === 'tooLarge') {
      if (size <= MIN_CHUNK) {
        st.aside = `the server refused even ${size}-byte chunks as too large (413)`;
        ctx.note({ level: 'warn', msg: 'file set aside', fields: { file: job.path, reason: st.aside } });
        await ctx.save();
        return shipped;
      }
      size = Math.max(MIN_CHUNK, Math.floor(size / 2));
      continue;
    }
    const n = await apply(ready, res, ctx);
    await ctx.save();
    shipped += n;
    if (res.kind !== 'ok') return shipped;
  }
}

/** Applies the server's answer for one chunk to the file's state. */
async function apply(r: Ready, res: ChunkResult, ctx: ShipContext): Promise<number> {
  const { st, job } = r;
  if (st.offset !== r.offset) return 0;
  switch (res.kind) {
    case 'ok':
      st.exists = true;
      st.offset = r.offset + r.data.length;
      st.tail = nextTail(st.tail, r.data);
      ctx.onShipped(r.data.length);
      return r.data.length;
    case 'gap': {
      // The server holds less than we thought (e.g. a lost blob): resume from where it stands.
      const tail =
        res.expectedOffset < r.offset
          ? await tailAt(job.path, res.expectedOffset).catch(() => undefined)
          : undefined;
      if (tail === undefined)
        st.aside = `server expects offset ${res.expectedOffset}, beyond what can be re-read`;
      else {
        st.offset = res.expectedOffset;
        st.tail = tail;
      }
      ctx.note({
        level: 'warn',
        msg: 'offset gap: resynchronised',
        fields: { file: job.remote, expectedOffset: res.expectedOffset },
      });
      return 0;
    }
    case 'conflict':
      // The stored bytes differ from this file's: never mix them, ship this content under a new name.
      restart(st, job.finishing ? -1 : job.ino);
      ctx.note({
        level: 'warn',
        msg: 'offset conflict: stored content differs; shipping under a new name',
        fields: {
          file: job.path,
          remote: job.remote,
          generation: st.gen,
          expectedOffset: res.expectedOffset,
        },
      });
      return 0;
    case 'rejected':
      st.aside = `${res.error}: ${res.message}`;
      ctx.note({
        level: 'warn',
        msg: 'file set aside: the server rejected it',
        fields: { file: job.path, status: res.status, reason: st.aside },
      });
      return 0;
    case 'tooLarge':
      return 0;
  }
}

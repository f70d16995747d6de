/**
 * Ships planned jobs: small ranges of many files go together in `POST /batch` requests, large ones as
 * `PUT` appends of at most `batchBytes` each. Memory holds one request's bytes at a time. After every
 * request the acknowledged offsets are saved, so a crash re-sends at most one request's bytes.
 */
import type { ChunkResult, IngestClient } from './client.js';
import type { FileState } from './checkpoint.js';
import { nextTail, readAfter, tailAt } from './reader.js';
import { restart, type Job, type Note } from './tracker.js';

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

/** Ships every job as far as its file allows; returns how many bytes were acknowledged. */
export async function ship(jobs: Job[], ctx: ShipContext): Promise<number> {
  let shipped = 0;
  const small = jobs.filter((j) => j.to - j.from <= ctx.batchBytes / 4);
  const large = jobs.filter((j) => j.to - j.from > ctx.batchBytes / 4);
  const bySession = new Map<string, Job[]>();
  for (const j of small) bySession.set(j.session, [...(bySession.get(j.session) ?? []), j]);
  for (const [session, group] of bySession) {
    let batch: Ready[] = [];
    let bytes = 0;
    for (const j of group) {
      const ready = await prepare(j, ctx, j.to - j.from);
      if (ready === undefined) continue;
      if (batch.length > 0 && bytes + ready.data.length > ctx.batchBytes) {
        shipped += await sendBatch(session, batch, ctx);
        batch = [];
        bytes = 0;
      }
      batch.push(ready);
      bytes += ready.data.length;
    }
    if (batch.length > 0) shipped += await sendBatch(session, batch, ctx);
  }
  for (const j of large) shipped += await shipLarge(j, ctx);
  return shipped;
}

/** Reads the job's next range, or undefined when there is nothing (or the file was rewritten). */
async function prepare(job: Job, ctx: ShipContext, length: number): Promise<Ready | undefined> {
  const st = ctx.files[job.key];
  if (st === undefined || st.aside !== undefined || st.gen !== job.gen || length <= 0) return undefined;
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
  if (read.data.length === 0) return undefined;
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
  for (const r of retryAlone) shipped += await shipLarge(r.job, ctx, Math.max(MIN_CHUNK, r.data.length / 2));
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
      st.offset = r.offset + r.data.length;
      st.tail = nextTail(st.tail, r.data);
      ctx.onShipped(r.data.length);
      return r.data.length;
    case 'gap': {
      // The server holds less than we thought (e.g. a lost blob): resume from where it stands.
      const tail = res.expectedOffset < r.offset ? await tailAt(job.path, res.expectedOffset) : undefined;
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

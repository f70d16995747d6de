/**
 * `api/v0/logs/file` selectors → one stored file (and a byte window of it), following Ray's
 * `LogsManager.resolve_filename`: a node's file by name; a task attempt's own bytes (`taskLogInfo`)
 * or else its worker's `worker-<workerId>-<jobId>-<pid>.<out|err>`; an actor's worker file; a pid's
 * worker file on a node. The caller looks tasks, actors and node ids up in the dashboard state and
 * passes the few facts needed here.
 */
import { posix } from 'node:path';
import type { BlobStore } from '../../storage/blobStore.js';
import { HttpError } from '../errors.js';
import { nodeLogsPrefix } from '../layout.js';
import { fileName } from '../names.js';
import type { LocatedSession } from '../query/locate.js';

export type LogSuffix = 'out' | 'err';

/** Where a worker process ran, as the dashboard state knows it (ids as lowercase hex). */
export interface WorkerLogSource {
  /** The node's directory name in storage. */
  node: string;
  workerId?: string | undefined;
  pid?: number | undefined;
}

/** Ray's `TaskLogInfo` as the export events carry it (int64 offsets may come as strings). */
export interface TaskLogInfo {
  stdoutFile?: string | undefined;
  stderrFile?: string | undefined;
  stdoutStart?: number | string | undefined;
  stdoutEnd?: number | string | undefined;
  stderrStart?: number | string | undefined;
  stderrEnd?: number | string | undefined;
}

/** One attempt of a task. */
export interface TaskLogSource extends WorkerLogSource {
  taskId: string;
  attempt: number;
  /** Set for an actor task: without `taskLogInfo` its output is interleaved in the actor's log. */
  actorId?: string | undefined;
  /** The attempt finished or failed: a missing end offset then means "no output", not "to the end". */
  finished?: boolean | undefined;
  taskLogInfo?: TaskLogInfo | undefined;
}

export type LogSelector =
  | { by: 'file'; node: string; filename: string }
  | { by: 'task'; task: TaskLogSource; suffix: LogSuffix }
  | { by: 'actor'; actorId: string; worker: WorkerLogSource; suffix: LogSuffix }
  | { by: 'pid'; node: string; pid: number; suffix: LogSuffix };

/** A stored file and, for a task, the part of it that is the task's: bytes `[start, end)`, `end` absent = to the end. */
export interface ResolvedLog {
  node: string;
  file: string;
  range?: { start: number; end?: number };
}

const WORKER_FILE = /^worker-([0-9a-f]+)-([0-9a-f]+)-(\d+)\.(out|err)$/;

const notFound = (message: string) => new HttpError(404, 'log_not_found', message);

function offsetOf(v: number | string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Resolves a selector to a file; 404 `log_not_found` when the session has no such log. */
export async function resolveLog(
  store: BlobStore,
  s: LocatedSession,
  sel: LogSelector,
): Promise<ResolvedLog> {
  switch (sel.by) {
    case 'file':
      return { node: sel.node, file: fileName(sel.filename, 'filename') };
    case 'pid':
      return workerFile(store, s, sel.node, { pid: sel.pid }, sel.suffix, `pid ${sel.pid}`);
    case 'actor': {
      const w = sel.worker;
      if (w.workerId === undefined)
        throw notFound(`actor ${sel.actorId} has no worker (it was never scheduled)`);
      return workerFile(store, s, w.node, { workerId: w.workerId }, sel.suffix, `actor ${sel.actorId}`);
    }
    case 'task':
      return taskLog(store, s, sel.task, sel.suffix);
  }
}

async function taskLog(
  store: BlobStore,
  s: LocatedSession,
  t: TaskLogSource,
  suffix: LogSuffix,
): Promise<ResolvedLog> {
  const what = `task ${t.taskId} (attempt ${t.attempt})`;
  const info = t.taskLogInfo;
  if (info === undefined) {
    if (t.actorId !== undefined) {
      throw notFound(
        `${what} is a task of actor ${t.actorId}; its output is in the actor's log (actor_id=${t.actorId})`,
      );
    }
    if (t.workerId === undefined) throw notFound(`${what} has no worker (it was never scheduled)`);
    return workerFile(store, s, t.node, { workerId: t.workerId }, suffix, what);
  }
  const path = suffix === 'out' ? info.stdoutFile : info.stderrFile;
  const base = path === undefined || path === '' ? '' : posix.basename(path);
  if (base === '' || base === '.' || base === '..') throw notFound(`${what} recorded no std${suffix} file`);
  const file = fileName(base, 'task_id');
  const start = offsetOf(suffix === 'out' ? info.stdoutStart : info.stderrStart) ?? 0;
  const endRaw = offsetOf(suffix === 'out' ? info.stdoutEnd : info.stderrEnd);
  // Offsets that were never written read as 0 in the events: an unfinished attempt wrote until the
  // cluster died (to the end of the file); a finished one with no end wrote nothing.
  const end = endRaw !== undefined && endRaw > 0 ? endRaw : t.finished === true ? start : undefined;
  if (end !== undefined && end < start)
    throw notFound(`${what} has an invalid std${suffix} range [${start}, ${end})`);
  return { node: t.node, file, range: { start, ...(end !== undefined && { end }) } };
}

/** Finds `worker-<workerId>-<jobId>-<pid>.<suffix>` among a node's top-level files. */
async function workerFile(
  store: BlobStore,
  s: LocatedSession,
  node: string,
  by: { workerId?: string; pid?: number },
  suffix: LogSuffix,
  what: string,
): Promise<ResolvedLog> {
  const root = nodeLogsPrefix(s, node);
  const id = by.workerId?.toLowerCase();
  if (id !== undefined && !/^[0-9a-f]{1,128}$/.test(id))
    throw notFound(`${what}: worker id ${id} is not hex`);
  const prefix = `${root}worker-${id === undefined ? '' : `${id}-`}`;
  let cursor: string | undefined;
  do {
    const page = await store.list({ prefix, pageSize: 5000, ...(cursor && { cursor }) });
    for (const b of page.blobs) {
      const name = b.name.slice(root.length);
      const m = WORKER_FILE.exec(name);
      if (m === null || m[4] !== suffix) continue;
      if (id !== undefined ? m[1] === id : Number(m[3]) === by.pid) return { node, file: name };
    }
    cursor = page.cursor;
  } while (cursor !== undefined);
  throw notFound(`no worker .${suffix} log for ${what} on node ${node}`);
}

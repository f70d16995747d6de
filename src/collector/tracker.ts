/**
 * Decides, per local file, what to ship next. A file is shipped as appends at its byte offsets; when
 * it restarts (truncated, rewritten, or replaced by a new file at the same path) what was stored stays
 * as it is and the new content is shipped as `<file>.trunc-<n>`. When a tracked file was renamed away
 * (rotation: raylet.out → raylet.out.1) its unshipped rest is first read from the new name.
 */
import { fileName } from '../core/names.js';
import { fileKey, type FileState } from './checkpoint.js';
import type { LocalFile, LogRoot } from './discovery.js';

/** One range of one file to ship. */
export interface Job {
  key: string;
  session: string;
  /** Where the bytes are read from. */
  path: string;
  ino: number;
  /** The generation planned for; a job whose file restarted since is dropped. */
  gen: number;
  /** The file name on the server (generation applied). */
  remote: string;
  from: number;
  /** The source's size when scanned; the range may grow while shipping. */
  to: number;
  /** Shipping the rest of an old generation from the file it was renamed to. */
  finishing: boolean;
}

export interface Note {
  level: 'info' | 'warn';
  msg: string;
  fields: Record<string, unknown>;
  /** `fields.file` could not be shipped (counts against `--once`'s exit code). */
  problem?: boolean;
}

/** The name a generation of a file is stored under. */
export function remoteName(rel: string, gen: number): string {
  return gen === 0 ? rel : `${rel}.trunc-${gen}`;
}

/** Whether the server has this generation of the file (an empty file is created by an empty append). */
export function created(st: FileState): boolean {
  return st.exists === true || st.offset > 0;
}

/** Starts a new generation: what was stored stays, the file's content ships again from 0 under a new name. */
export function restart(st: FileState, ino: number): void {
  st.gen += 1;
  st.exists = false;
  st.ino = ino;
  st.offset = 0;
  st.tail = '';
}

function storable(rel: string, gen: number): string | undefined {
  try {
    fileName(remoteName(rel, gen));
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * Plans the jobs of one log root and updates `files` (new files registered, generations advanced).
 * The caller saves the checkpoint before shipping, so every shipped byte's inode is on disk.
 */
export function planRoot(
  root: LogRoot,
  local: LocalFile[],
  files: Record<string, FileState>,
  notes: Note[],
): Job[] {
  const jobs: Job[] = [];
  const byIno = new Map(local.map((f) => [f.ino, f]));
  const seen = new Set<string>();
  for (const f of local) {
    const key = fileKey(root.session, f.rel);
    seen.add(key);
    let st = files[key];
    if (st === undefined) {
      st = { gen: 0, ino: f.ino, offset: 0, tail: '' };
      files[key] = st;
    }
    if (st.aside !== undefined) continue;
    const bad = storable(f.rel, st.gen);
    if (bad !== undefined) {
      st.aside = bad;
      notes.push({
        level: 'warn',
        msg: 'file set aside: its name cannot be stored',
        fields: { file: f.path, reason: bad },
      });
      continue;
    }
    if (st.ino !== f.ino) {
      const moved = byIno.get(st.ino);
      if (moved !== undefined && moved.path !== f.path && moved.size > st.offset) {
        jobs.push(job(root, key, moved, f.rel, st, true));
        continue;
      }
      st.ino = f.ino;
    }
    if (f.size < st.offset) {
      restart(st, f.ino);
      notes.push({
        level: 'warn',
        msg: 'file shrank: shipping its new content under a new name',
        fields: { file: f.path, as: remoteName(f.rel, st.gen) },
      });
    }
    // An empty file is created on the server too (an empty append at 0), once.
    if (f.size > st.offset || !created(st)) jobs.push(job(root, key, f, f.rel, st, false));
  }
  // A tracked file that vanished may have been renamed: finish it from its new name.
  const prefix = fileKey(root.session, '');
  for (const [key, st] of Object.entries(files)) {
    if (seen.has(key) || !key.startsWith(prefix) || st.aside !== undefined) continue;
    const moved = byIno.get(st.ino);
    if (moved !== undefined && moved.size > st.offset) {
      jobs.push(job(root, key, moved, key.slice(prefix.length), st, true));
    }
  }
  return jobs;
}

function job(root: LogRoot, key: string, f: LocalFile, rel: string, st: FileState, finishing: boolean): Job {
  const remote = remoteName(rel, st.gen);
  return {
    key,
    session: root.session,
    path: f.path,
    ino: f.ino,
    gen: st.gen,
    remote,
    from: st.offset,
    to: f.size,
    finishing,
  };
}

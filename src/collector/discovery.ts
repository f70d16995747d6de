/**
 * Finds what to ship in a Ray temp dir: every `session_<id>/logs/` (session_latest is one of them) and
 * every `prev-logs/<session>/<nodeId>/logs/` that Ray leaves after a container restart.
 */
import { promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';
import { tryParseSession } from '../core/session.js';

/** One directory of log files belonging to one session. */
export interface LogRoot {
  session: string;
  /** Absolute path of the `logs/` directory. */
  dir: string;
  kind: 'live' | 'prev';
  /** For `prev`: the `prev-logs/<session>/<nodeId>` directory, moved away once shipped. */
  doneDir?: string;
}

/** A regular file under a log root. */
export interface LocalFile {
  /** `/`-separated path relative to the log root. */
  rel: string;
  path: string;
  ino: number;
  size: number;
}

/** The Ray temp dir is missing or does not look like one. */
export class NotRayDirError extends Error {
  override name = 'NotRayDirError';
}

export const PREV_LOGS = 'prev-logs';
export const PERSIST_COMPLETE = 'persist-complete-logs';

async function entries(dir: string): Promise<Dirent[]> {
  try {
    return await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** The session `session_latest` points at, if it is a valid link. */
export async function latestSession(rayDir: string): Promise<string | undefined> {
  try {
    const target = path.basename(await fs.readlink(path.join(rayDir, 'session_latest')));
    return tryParseSession(target) === null ? undefined : target;
  } catch {
    return undefined;
  }
}

/** Every log root in the temp dir, live sessions first (oldest first), then prev-logs. */
export async function discoverRoots(rayDir: string): Promise<LogRoot[]> {
  let stat;
  try {
    stat = await fs.stat(rayDir);
  } catch (err) {
    throw new NotRayDirError(
      `${rayDir} is not a Ray temp dir: it does not exist (${(err as NodeJS.ErrnoException).code})`,
    );
  }
  if (!stat.isDirectory()) throw new NotRayDirError(`${rayDir} is not a Ray temp dir: it is not a directory`);
  const top = await fs.readdir(rayDir, { withFileTypes: true });
  const names = new Set(top.map((e) => e.name));
  const sessions = top
    .filter((e) => e.isDirectory() && tryParseSession(e.name) !== null)
    .map((e) => e.name)
    .sort();
  if (!names.has('session_latest') && sessions.length === 0 && !names.has(PREV_LOGS)) {
    throw new NotRayDirError(
      `${rayDir} is not a Ray temp dir: it has no session_latest, session_* directory or ${PREV_LOGS}/ (set --ray-dir)`,
    );
  }
  const roots: LogRoot[] = [];
  for (const session of sessions) {
    const dir = path.join(rayDir, session, 'logs');
    if (await isDir(dir)) roots.push({ session, dir, kind: 'live' });
  }
  for (const s of (await entries(path.join(rayDir, PREV_LOGS))).filter((e) => e.isDirectory()).sort(byName)) {
    if (tryParseSession(s.name) === null) continue;
    const sessionDir = path.join(rayDir, PREV_LOGS, s.name);
    for (const n of (await entries(sessionDir)).filter((e) => e.isDirectory()).sort(byName)) {
      const dir = path.join(sessionDir, n.name, 'logs');
      if (await isDir(dir)) {
        roots.push({ session: s.name, dir, kind: 'prev', doneDir: path.join(sessionDir, n.name) });
      }
    }
  }
  return roots;
}

function byName(a: Dirent, b: Dirent): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** A file or directory that could not be read; reported, not fatal. */
export interface Unreadable {
  path: string;
  reason: string;
}

/** Lists every regular file under a log root, with inode and size; symlinks are not followed. */
export async function listFiles(root: string): Promise<{ files: LocalFile[]; unreadable: Unreadable[] }> {
  const files: LocalFile[] = [];
  const unreadable: Unreadable[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    let list: Dirent[];
    try {
      list = await fs.readdir(dir, { withFileTypes: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') unreadable.push({ path: dir, reason: `cannot list directory (${code})` });
      return;
    }
    for (const e of list.sort(byName)) {
      const full = path.join(dir, e.name);
      const rel = prefix === '' ? e.name : `${prefix}/${e.name}`;
      if (e.isDirectory()) await walk(full, rel);
      else if (e.isFile()) {
        try {
          const st = await fs.stat(full);
          files.push({ rel, path: full, ino: st.ino, size: st.size });
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code !== 'ENOENT') unreadable.push({ path: full, reason: `cannot stat (${code})` });
        }
      }
    }
  };
  await walk(root, '');
  return { files, unreadable };
}

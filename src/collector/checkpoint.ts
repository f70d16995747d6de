/**
 * Durable checkpoints: how far each file has been acknowledged by the server. Written atomically
 * (temp file, fsync, rename, fsync of the directory), so a `kill -9` leaves either the old or the
 * new state on disk, never a torn one. Being behind is harmless: a re-sent byte is a "duplicate".
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** What the collector knows about one local path. */
export interface FileState {
  /** Generation: 0 ships as the file's own name, n as `<file>.trunc-<n>` (the file restarted n times). */
  gen: number;
  /** Inode of the file being shipped for this generation. */
  ino: number;
  /** Bytes of this generation the server has acknowledged. */
  offset: number;
  /** Base64 of the last (up to 32) acknowledged bytes, to notice a file rewritten in place. */
  tail: string;
  /** The server has this generation (even if empty): set by its first acknowledged append. */
  exists?: boolean;
  /** Set aside: why this file is not shipped any more. */
  aside?: string;
}

export interface CheckpointData {
  version: 1;
  /** Who the offsets were acknowledged by: endpoint, namespace, cluster, clusterId, node. */
  target: string;
  files: Record<string, FileState>;
  /** prev-logs directories already shipped whose move to persist-complete-logs failed. */
  done: string[];
}

export const CHECKPOINT_FILE = 'checkpoint.json';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The checkpoint key of a file: its session and its path under `logs/`. */
export function fileKey(session: string, rel: string): string {
  return `${session}/${rel}`;
}

export class CheckpointStore {
  private readonly file: string;

  constructor(readonly dir: string) {
    this.file = path.join(dir, CHECKPOINT_FILE);
  }

  /**
   * Loads the state for `target`; a checkpoint written for another target (or unreadable as JSON)
   * starts fresh, with `note` saying why, because its offsets say nothing about this target.
   */
  async load(target: string): Promise<{ data: CheckpointData; note?: string }> {
    const fresh: CheckpointData = { version: 1, target, files: {}, done: [] };
    await this.removeStaleTemps();
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { data: fresh };
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      await fs.rename(this.file, `${this.file}.corrupt-${Date.now()}`);
      return { data: fresh, note: `checkpoint ${this.file} was not valid JSON; kept aside, starting over` };
    }
    const data = parsed as Partial<CheckpointData>;
    if (data.version !== 1 || typeof data.files !== 'object' || data.files === null) {
      return { data: fresh, note: `checkpoint ${this.file} has an unknown format; starting over` };
    }
    if (data.target !== target) {
      return { data: fresh, note: 'checkpoint was written for another endpoint/cluster/node; starting over' };
    }
    return {
      data: { version: 1, target, files: data.files, done: Array.isArray(data.done) ? data.done : [] },
    };
  }

  /** Temp files of writers killed mid-write: never renamed into place, so never part of the state. */
  private async removeStaleTemps(): Promise<void> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return;
    }
    const stale = names.filter(
      (n) => n.startsWith(`${CHECKPOINT_FILE}.tmp-`) && !alive(Number(n.split('-').pop())),
    );
    await Promise.all(stale.map((n) => fs.rm(path.join(this.dir, n), { force: true })));
  }

  /** Replaces the checkpoint atomically and durably; a failure names the directory and the option. */
  async save(data: CheckpointData): Promise<void> {
    try {
      await this.write(data);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new Error(
        `cannot write the checkpoint in ${this.dir} (${code}): set --checkpoint-dir to a writable dir`,
      );
    }
  }

  private async write(data: CheckpointData): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}`;
    const handle = await fs.open(tmp, 'w');
    try {
      await handle.writeFile(JSON.stringify(data));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, this.file);
    const dirHandle = await fs.open(this.dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  }
}

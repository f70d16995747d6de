/**
 * The collector's loop: every interval, find the log roots, plan what each file still owes the
 * server, save the plan's checkpoint, ship, and move finished prev-logs sessions aside. With `once`
 * it repeats until nothing changes and reports whether everything made it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CheckpointStore, fileKey, type CheckpointData } from './checkpoint.js';
import { FatalError, IngestClient } from './client.js';
import { discoverRoots, listFiles, NotRayDirError, PERSIST_COMPLETE, type LogRoot } from './discovery.js';
import type { CollectorOptions } from './options.js';
import type { Reporter } from './progress.js';
import { ship } from './shipper.js';
import { created, planRoot, type Job, type Note } from './tracker.js';

/** Most passes `--once` makes while files keep changing. */
const ONCE_MAX_CYCLES = 10;

interface CycleResult {
  files: number;
  behind: number;
  /** Files that could not be shipped (unreadable, set aside). */
  problems: string[];
}

export class Collector {
  private data!: CheckpointData;
  private shipped = 0;
  private readonly warned = new Set<string>();
  private readonly store: CheckpointStore;
  private readonly client: IngestClient;
  private retrying: string | undefined;
  private saving: Promise<void> = Promise.resolve();
  private readonly stopping = new AbortController();

  constructor(
    private readonly o: CollectorOptions,
    private readonly report: Reporter,
  ) {
    this.store = new CheckpointStore(o.checkpointDir);
    this.client = new IngestClient({
      ...o,
      retryTimeoutMs: o.once ? o.retryTimeoutMs : undefined,
      stopping: this.stopping.signal,
      onRetry: (reason, delayMs) => {
        this.retrying = reason;
        this.warnOnce(`retry:${reason}`, {
          level: 'warn',
          msg: 'request failed; retrying',
          fields: { reason, delayMs },
        });
      },
    });
  }

  /** Runs until `stop` resolves (or, with `once`, until everything is shipped); returns the exit code. */
  async run(stop: Promise<void>): Promise<number> {
    const target = [this.o.endpoint, this.o.namespace, this.o.cluster, this.o.clusterId, this.o.node].join(
      '|',
    );
    const { data, note } = await this.store.load(target);
    this.data = data;
    if (note !== undefined) this.report.log('warn', note);
    let stopping = false;
    void stop.then(() => {
      stopping = true;
      this.stopping.abort(); // a pass retrying against a dead endpoint must not outlive the grace period
    });
    if (this.o.once) return this.runOnce();
    for (;;) {
      await this.guardedCycle();
      if (stopping) return 0;
      await Promise.race([stop, new Promise((r) => setTimeout(r, this.o.intervalMs))]);
      if (stopping) {
        await this.guardedCycle(); // one last pass, e.g. from a preStop hook's SIGTERM
        return 0;
      }
    }
  }

  private async runOnce(): Promise<number> {
    let result: CycleResult = { files: 0, behind: 0, problems: [] };
    for (let i = 0; i < ONCE_MAX_CYCLES; i++) {
      const before = JSON.stringify(this.data.files);
      result = await this.cycle();
      if (JSON.stringify(this.data.files) === before) break;
    }
    this.report.log(result.behind === 0 && result.problems.length === 0 ? 'info' : 'error', 'done', {
      files: result.files,
      shipped: this.shipped,
      behind: result.behind,
      problems: result.problems,
    });
    return result.behind === 0 && result.problems.length === 0 ? 0 : 1;
  }

  private async guardedCycle(): Promise<void> {
    try {
      await this.cycle();
    } catch (err) {
      if (err instanceof FatalError) throw err;
      if (err instanceof NotRayDirError) {
        this.warnOnce('notray', { level: 'warn', msg: `${err.message}; waiting for Ray`, fields: {} });
        return;
      }
      this.report.log('error', `cycle failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Lists every root and plans what each file still owes; registers new files in the state. */
  private async plan(roots: LogRoot[]): Promise<{ jobs: Job[]; files: number; problems: string[] }> {
    const notes: Note[] = [];
    const problems: string[] = [];
    const jobs: Job[] = [];
    const seen = new Set<string>();
    let files = 0;
    for (const root of roots) {
      const listed = await listFiles(root.dir);
      for (const u of listed.unreadable) {
        problems.push(u.path);
        notes.push({ level: 'warn', msg: 'unreadable', fields: { file: u.path, reason: u.reason } });
      }
      // A file both in a live session and in its prev-logs copy: the live one (listed first) is shipped.
      const local = listed.files.filter((f) => !seen.has(fileKey(root.session, f.rel)));
      local.forEach((f) => seen.add(fileKey(root.session, f.rel)));
      files += local.length;
      jobs.push(...planRoot(root, local, this.data.files, notes));
    }
    notes.forEach((n) => this.warnOnce(`${n.msg}:${JSON.stringify(n.fields)}`, n));
    // One job per file and pass, so no two requests in flight touch one file.
    const unique = new Map<string, Job>();
    for (const j of jobs) if (!unique.has(j.key)) unique.set(j.key, j);
    return { jobs: [...unique.values()], files, problems };
  }

  private async cycle(): Promise<CycleResult> {
    const all = await discoverRoots(this.o.rayDir);
    this.prune(all);
    const roots = all.filter((r) => !this.data.done.includes(r.doneDir ?? ''));
    const { jobs, files, problems } = await this.plan(roots);
    await this.save();
    let behind = jobs.reduce((sum, j) => sum + (j.to - j.from), 0);
    this.progress(files, behind);
    await ship(
      jobs,
      {
        client: this.client,
        files: this.data.files,
        batchBytes: this.o.batchBytes,
        save: () => this.save(),
        note: (n) => {
          if (n.problem === true && typeof n.fields.file === 'string') problems.push(n.fields.file);
          this.warnOnce(`${n.msg}:${JSON.stringify(n.fields)}`, n);
        },
        onShipped: (bytes) => {
          this.shipped += bytes;
          behind = Math.max(0, behind - bytes);
          this.retrying = undefined;
          this.progress(files, behind);
        },
      },
      this.o.concurrency,
    );
    const left = await this.finishPrevLogs(roots);
    for (const [key, st] of Object.entries(this.data.files)) if (st.aside !== undefined) problems.push(key);
    this.progress(files, left);
    return { files, behind: left, problems: [...new Set(problems)] };
  }

  /** Bytes still behind; prev-logs roots fully shipped are moved to persist-complete-logs. */
  private async finishPrevLogs(roots: LogRoot[]): Promise<number> {
    let behind = 0;
    for (const root of roots) {
      const { files, unreadable } = await listFiles(root.dir);
      let rootBehind = 0;
      let uncreated = false;
      for (const f of files) {
        const st = this.data.files[fileKey(root.session, f.rel)];
        if (st?.aside !== undefined) continue;
        // prev-logs may be a copy (another inode) of a live file already shipped: compare sizes only.
        const sameFile = st !== undefined && (st.ino === f.ino || root.kind === 'prev');
        rootBehind += sameFile ? Math.max(0, f.size - st.offset) : f.size;
        if (st === undefined || !created(st)) uncreated = true; // e.g. an empty file not yet created
      }
      behind += rootBehind;
      const complete = rootBehind === 0 && !uncreated && unreadable.length === 0;
      if (root.kind !== 'prev' || root.doneDir === undefined || !complete) continue;
      await this.markDone(root, root.doneDir);
    }
    return behind;
  }

  private async markDone(root: LogRoot, doneDir: string): Promise<void> {
    const dest = path.join(this.o.rayDir, PERSIST_COMPLETE, root.session, path.basename(doneDir));
    try {
      await fs.mkdir(path.dirname(dest), { recursive: true });
      await fs.rename(doneDir, dest);
      await fs.rmdir(path.dirname(doneDir)).catch(() => undefined); // the session dir, once empty
      this.report.log('info', 'prev-logs session shipped; moved', { from: doneDir, to: dest });
    } catch (err) {
      this.data.done.push(doneDir);
      await this.save();
      this.report.log(
        'warn',
        `prev-logs session shipped; could not move it (${(err as Error).message}), remembered as done`,
        {
          dir: doneDir,
        },
      );
    }
  }

  /** Forgets sessions that are gone from disk, so the checkpoint does not grow forever. */
  private prune(roots: LogRoot[]): void {
    const live = new Set(roots.map((r) => r.session));
    for (const key of Object.keys(this.data.files)) {
      if (!live.has(key.slice(0, key.indexOf('/')))) delete this.data.files[key];
    }
    // A remembered prev-logs directory that is gone needs remembering no more.
    this.data.done = this.data.done.filter((d) => roots.some((r) => r.doneDir === d));
  }

  /** Saves the checkpoint; concurrent callers are queued, never written over each other. */
  private save(): Promise<void> {
    const next = this.saving.then(() => this.store.save(this.data));
    this.saving = next.catch(() => undefined);
    return next;
  }

  private progress(files: number, behind: number): void {
    this.report.progress({
      files,
      shipped: this.shipped,
      behind,
      ...(this.retrying ? { retrying: this.retrying } : {}),
    });
  }

  private warnOnce(id: string, n: Note): void {
    if (this.warned.has(id)) return;
    this.warned.add(id);
    this.report.log(n.level, n.msg, n.fields);
  }
}

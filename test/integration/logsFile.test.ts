import { beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../../src/core/errors.js';
import type { FileReadResult } from '../../src/core/query/fileRead.js';
import { readDashboardLog, type DashboardLogOptions } from '../../src/core/logs/readLog.js';
import type { LogSelector, TaskLogSource } from '../../src/core/logs/select.js';
import type { AzureBlobStore } from '../../src/storage/azureBlobStore.js';
import { freshStore } from '../helpers/storage.js';
import {
  BIG_LINES,
  BIG_TEXT,
  DRIVER_OUT,
  DRIVER_WORKER,
  GCS_OUT,
  HEAD,
  ingestRaySession,
  RAYLET_OUT,
  SESSION_REF,
  TASK_A_OUT,
  TASK_A_RANGE,
  TASK_B1_OUT,
  TASK_B1_RANGE,
  TASK_WORKER,
  TASK_WORKER_ERR,
  TASK_WORKER_OUT,
  WORKER,
} from './logsFixtures.js';

let store: AzureBlobStore;
beforeAll(async () => {
  store = freshStore('logsfile');
  await ingestRaySession(store);
}, 180_000);

async function text(r: FileReadResult): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of r.body ?? []) parts.push(Buffer.from(c));
  return Buffer.concat(parts).toString('utf8');
}

const read = (sel: LogSelector, o: DashboardLogOptions = {}) => readDashboardLog(store, SESSION_REF, sel, o);
const file = (node: string, filename: string): LogSelector => ({ by: 'file', node, filename });

/** `tail -n`: the last n lines of a text (a final newline ends the last line). */
function tailLines(t: string, n: number): string {
  const lines = t.endsWith('\n') ? t.slice(0, -1).split('\n') : t.split('\n');
  const kept = lines.slice(Math.max(0, lines.length - n)).join('\n');
  return t.endsWith('\n') && kept !== '' ? `${kept}\n` : kept;
}

async function rejects(p: Promise<unknown>, status: number): Promise<HttpError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HttpError);
  expect((err as HttpError).status).toBe(status);
  return err as HttpError;
}

const task = (t: Partial<TaskLogSource>): TaskLogSource => ({
  node: WORKER,
  taskId: 'c5'.repeat(12),
  attempt: 0,
  workerId: TASK_WORKER.workerId,
  ...t,
});

describe('api/v0/logs/file by node and filename', () => {
  it('answers the last 1000 lines by default, Ray text/plain, attachment file.txt', async () => {
    const r = await read(file(HEAD, 'raylet.out'));
    expect(r.status).toBe(200);
    expect(await text(r)).toBe(tailLines(RAYLET_OUT, 1000));
    expect(r.headers['Content-Type']).toBe('text/plain; charset=utf-8');
    expect(r.headers['Content-Disposition']).toBe(
      `attachment; filename="file.txt"; filename*=UTF-8''file.txt`,
    );
  });

  it('answers lines=N exactly as tail -n, past 10,000 and with lines=-1 all of a multi-segment file', async () => {
    for (const n of [1, 7, 10_001, 149_999]) {
      const r = await read(file(WORKER, 'big.log'), { lines: n });
      const body = await text(r);
      expect(body.length, `lines=${n}`).toBe(tailLines(BIG_TEXT, n).length);
      expect(body === tailLines(BIG_TEXT, n), `lines=${n}`).toBe(true);
      expect(r.headers['Content-Length']).toBe(String(Buffer.byteLength(body)));
    }
    const all = await text(await read(file(WORKER, 'big.log'), { lines: -1 }));
    expect(all === BIG_TEXT).toBe(true);
    expect(BIG_LINES.length).toBe(150_000);
    // A final line without a newline is a line.
    expect(await text(await read(file(HEAD, 'gcs_server.out'), { lines: 1 }))).toBe(
      'Gcs Server Stopped, exit code 0',
    );
    expect(await text(await read(file(HEAD, 'gcs_server.out'), { lines: 0 }))).toBe(tailLines(GCS_OUT, 1000));
  });

  it('drops ANSI colour codes with filter_ansi_code and keeps them without', async () => {
    const raw = await text(
      await read(file(HEAD, `worker-${DRIVER_WORKER.workerId}-01000000-4521.out`), { lines: -1 }),
    );
    expect(raw).toBe(DRIVER_OUT);
    const r = await read(file(HEAD, `worker-${DRIVER_WORKER.workerId}-01000000-4521.out`), {
      lines: -1,
      filterAnsi: true,
    });
    expect(await text(r)).toBe(`hello from the driver\n${'(pid=4521) progress 50%\n'.repeat(3)}`);
    expect(r.headers['Content-Length']).toBeUndefined();
    expect(r.headers['Accept-Ranges']).toBeUndefined();
  });

  it('names the download with download_filename', async () => {
    const r = await read(file(HEAD, 'raylet.out'), { downloadFilename: 'raylet-head "1".log' });
    expect(r.headers['Content-Disposition']).toBe(
      `attachment; filename="raylet-head _1_.log"; filename*=UTF-8''raylet-head%20%221%22.log`,
    );
    for (const bad of ['../x', 'a\\b', 'x\ny', '']) {
      expect(
        (await rejects(read(file(HEAD, 'raylet.out'), { downloadFilename: bad }), 400)).extra.field,
      ).toBe('download_filename');
    }
  });

  it("answers format=leading_1 as Ray's log viewer reads it: 1 + the log, empty for an empty log, 0 + the reason when missing", async () => {
    expect(await text(await read(file(HEAD, 'gcs_server.out'), { format: 'leading_1', lines: 1 }))).toBe(
      '1Gcs Server Stopped, exit code 0',
    );
    const filtered = await read(file(HEAD, 'raylet.out'), {
      format: 'leading_1',
      lines: 1,
      filterAnsi: true,
    });
    expect(await text(filtered)).toBe('1(raylet) RARE-NEEDLE at the end\n');
    const empty = await read(file(HEAD, 'raylet.err'), { format: 'leading_1' });
    expect([empty.status, await text(empty)]).toEqual([200, '']);
    const missing = await read(file(HEAD, 'nope.log'), { format: 'leading_1' });
    expect(missing.status).toBe(200);
    expect(await text(missing)).toMatch(/^0no file nope\.log from node /);
    expect((await rejects(read(file(HEAD, 'nope.log')), 404)).code).toBe('file_not_found');
  });

  it('answers If-None-Match with 304 and Range with 206 over the selected lines', async () => {
    const first = await read(file(HEAD, 'raylet.out'), { lines: 2 });
    const etag = first.headers.ETag as string;
    expect((await read(file(HEAD, 'raylet.out'), { lines: 2, ifNoneMatch: etag })).status).toBe(304);
    // Another selection of the same file is another representation.
    expect((await read(file(HEAD, 'raylet.out'), { lines: 3, ifNoneMatch: etag })).status).toBe(200);
    const whole = await read(file(HEAD, 'raylet.out'), { lines: -1 });
    expect(whole.headers.ETag).toMatch(/^".+"$/);
    const tail2 = tailLines(RAYLET_OUT, 2);
    const part = await read(file(HEAD, 'raylet.out'), { lines: 2, range: 'bytes=0-9' });
    expect(part.status).toBe(206);
    expect(part.headers['Content-Range']).toBe(`bytes 0-9/${Buffer.byteLength(tail2)}`);
    expect(await text(part)).toBe(tail2.slice(0, 10));
    expect(
      (await rejects(read(file(HEAD, 'raylet.out'), { lines: 2, range: 'bytes=99999-' }), 416)).code,
    ).toBe('range_not_satisfiable');
  });

  it('refuses traversal in filename and absurd lines with 400 naming the field', async () => {
    for (const f of ['../../x', '..', '/etc/passwd', '../etc/passwd', 'a/../../b', 'a\\b']) {
      expect((await rejects(read(file(HEAD, f)), 400)).extra.field).toBe('filename');
    }
    for (const lines of [-2, 1.5, 100_000_001, Number.MAX_SAFE_INTEGER + 2]) {
      expect((await rejects(read(file(HEAD, 'raylet.out'), { lines }), 400)).extra.field).toBe('lines');
    }
  });
});

describe('api/v0/logs/file by task, actor and pid', () => {
  it("serves a task attempt's own bytes of its worker's file (taskLogInfo), with lines and ANSI filtering inside that range", async () => {
    const info = {
      stdoutFile: `/tmp/ray/session_latest/logs/worker-${TASK_WORKER.workerId}-02000000-7001.out`,
      stdoutStart: TASK_A_RANGE.start,
      stdoutEnd: String(TASK_A_RANGE.end),
    };
    const sel: LogSelector = { by: 'task', task: task({ taskLogInfo: info, finished: true }), suffix: 'out' };
    expect(await text(await read(sel, { lines: -1 }))).toBe(TASK_A_OUT);
    expect(await text(await read(sel, { lines: 1, filterAnsi: true }))).toBe('task A: result=42\n');
    const retry: LogSelector = {
      by: 'task',
      task: task({
        attempt: 1,
        taskLogInfo: {
          stdoutFile: info.stdoutFile,
          stdoutStart: TASK_B1_RANGE.start,
          stdoutEnd: TASK_B1_RANGE.end,
        },
      }),
      suffix: 'out',
    };
    expect(await text(await read(retry, { lines: -1 }))).toBe(TASK_B1_OUT);
  });

  it('reads to the end for an unfinished attempt without an end offset, and nothing for a finished one', async () => {
    const stdoutFile = `worker-${TASK_WORKER.workerId}-02000000-7001.out`;
    const running = task({ taskLogInfo: { stdoutFile, stdoutStart: TASK_B1_RANGE.start } });
    expect(await text(await read({ by: 'task', task: running, suffix: 'out' }, { lines: -1 }))).toBe(
      TASK_B1_OUT,
    );
    const done = task({
      finished: true,
      taskLogInfo: { stdoutFile, stdoutStart: TASK_B1_RANGE.start, stdoutEnd: 0 },
    });
    expect(await text(await read({ by: 'task', task: done, suffix: 'out' }, { lines: -1 }))).toBe('');
  });

  it("falls back to the worker's whole .out/.err file when the attempt has no taskLogInfo", async () => {
    expect(await text(await read({ by: 'task', task: task({}), suffix: 'out' }, { lines: -1 }))).toBe(
      TASK_WORKER_OUT,
    );
    expect(await text(await read({ by: 'task', task: task({}), suffix: 'err' }, { lines: -1 }))).toBe(
      TASK_WORKER_ERR,
    );
  });

  it("sends an actor task without taskLogInfo to the actor's log (404, as Ray), and finds an actor's worker file", async () => {
    const e = await rejects(
      read({ by: 'task', task: task({ actorId: 'ac'.repeat(16) }), suffix: 'out' }),
      404,
    );
    expect(e.message).toMatch(/actor_id=acac/);
    const actor: LogSelector = {
      by: 'actor',
      actorId: 'ac'.repeat(16),
      worker: { node: WORKER, workerId: TASK_WORKER.workerId },
      suffix: 'err',
    };
    expect(await text(await read(actor, { lines: -1 }))).toBe(TASK_WORKER_ERR);
  });

  it("finds a pid's worker file on a node; 404 log_not_found for an unknown pid or worker", async () => {
    const sel: LogSelector = { by: 'pid', node: HEAD, pid: DRIVER_WORKER.pid, suffix: 'out' };
    expect(await text(await read(sel, { lines: -1 }))).toBe(DRIVER_OUT);
    expect((await rejects(read({ by: 'pid', node: HEAD, pid: 999, suffix: 'out' }), 404)).code).toBe(
      'log_not_found',
    );
    const ghost = task({ workerId: 'ee'.repeat(28) });
    expect((await rejects(read({ by: 'task', task: ghost, suffix: 'out' }), 404)).code).toBe('log_not_found');
  });
});

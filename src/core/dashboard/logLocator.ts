/**
 * Where the log lines that go with a failure are in our storage. Ray writes a worker's output to
 * `<session>/logs/worker-<workerId>-<jobId>-<pid>.{out,err}`; `taskLogInfo` names the files by
 * absolute path on the Ray node and the byte range the task wrote. Our storage keeps a node's Ray
 * `logs/` directory under `logs/<storage node>/`, so the file is the path below `/logs/`, on the
 * storage node of the Ray node the task ran on.
 */
import type { LogLocator } from '../../schemas/dashboard.js';
import type { TaskState } from './model.js';
import { taskJobOf } from './renderTask.js';

/** A locator with the file route that reads it (relative to the session, as search hits give it). */
export function located(node: string, file: string, range?: [number, number]): LogLocator {
  const path = file.split('/').map(encodeURIComponent).join('/');
  const window = range === undefined ? '' : `?offset=${range[0]}&length=${range[1] - range[0]}`;
  return {
    node,
    file,
    ...(range !== undefined && { range }),
    read: `logs/${encodeURIComponent(node)}/${path}${window}`,
  };
}

/** The path below Ray's logs directory of an absolute path on the Ray node. */
export function logsRelative(path: string): string {
  const at = path.lastIndexOf('/logs/');
  return at >= 0 ? path.slice(at + '/logs/'.length) : (path.split('/').pop() ?? path);
}

/** A worker's log file: `worker-<workerId>-<jobId>-<pid>.<ext>`. */
export function workerLog(
  node: string | null | undefined,
  workerId: string | undefined,
  jobId: string | undefined,
  pid: number | undefined,
  ext: 'out' | 'err',
): LogLocator | null {
  if (!node || !workerId || !jobId || !pid) return null;
  return located(node, `worker-${workerId}-${jobId}-${pid}.${ext}`);
}

/** The stderr of a task attempt (its byte range when the events give one). */
export function taskLog(
  t: TaskState,
  storageNameOf: (nodeId: string) => string | null | undefined,
): LogLocator | null {
  const node = t.nodeId === undefined ? undefined : storageNameOf(t.nodeId[1]);
  if (!node) return null;
  const l = t.logInfo;
  const file = l?.stderrFile?.[1];
  if (file !== undefined) {
    const start = l?.stderrStart?.[1] ?? 0;
    const end = l?.stderrEnd?.[1];
    return located(node, logsRelative(file), end !== undefined && end > start ? [start, end] : undefined);
  }
  return workerLog(node, t.workerId?.[1], taskJobOf(t), t.workerPid?.[1], 'err');
}

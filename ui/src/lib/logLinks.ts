/**
 * Links from what the dashboard knows to the log lines that go with it: a failure's log locator, a
 * task attempt's output, a search hit. Each lands in the log viewer on the right bytes: a range
 * (`#B<start>-<end>`, the task's own output), a line at a known offset (`#L<line>@<offset>`), or the
 * file's end (no fragment: where a dying process wrote last).
 */
import type { LogLocator, SearchHit, TaskRow } from '../api/types';
import { targetHash } from '../log/hash';
import { hrefOf, type SessionParams } from './routes';

/** Where log lines are: a node's file, and the bytes that matter when known. */
export type LogPlace = Pick<LogLocator, 'node' | 'file' | 'range'>;

/** The viewer at a failure's lines: its byte range when known, else the file's end. */
export function locatorHref(s: SessionParams, loc: LogPlace): string {
  const base = hrefOf({ view: 'logs', ...s, node: loc.node, file: loc.file });
  return loc.range === undefined ? base : base + targetHash({ byte: loc.range[0], end: loc.range[1] });
}

/** The viewer at a search hit's line (one range read; the line numbered). */
export function hitHref(s: SessionParams, hit: Pick<SearchHit, 'node' | 'file' | 'line' | 'offset'>): string {
  return (
    hrefOf({ view: 'logs', ...s, node: hit.node, file: hit.file }) +
    targetHash({ byte: hit.offset, line: hit.line })
  );
}

/** The path below Ray's `logs/` of an absolute path on the Ray node (as the server's locators). */
export function logsRelative(path: string): string {
  const at = path.lastIndexOf('/logs/');
  return at >= 0 ? path.slice(at + '/logs/'.length) : (path.split('/').pop() ?? path);
}

/**
 * Where a task attempt's stderr (or stdout) is: the file and byte range from `task_log_info`
 * (detail=true) when Ray reported one, else its worker's whole file; on the node its logs are stored
 * under (`storageOf` maps Ray's node id). Null when the row does not say enough.
 */
export function taskLogLocator(
  t: Pick<TaskRow, 'node_id' | 'worker_id' | 'worker_pid' | 'job_id' | 'task_log_info'>,
  storageOf: (nodeId: string) => string | null | undefined,
  stream: 'err' | 'out' = 'err',
): LogPlace | null {
  const node = t.node_id === null ? null : storageOf(t.node_id);
  if (node === null || node === undefined || node === '') return null;
  const info = t.task_log_info ?? null;
  const file = info?.[`std${stream}_file`];
  if (typeof file === 'string' && file !== '') {
    const start = Number(info?.[`std${stream}_start`] ?? 0);
    const end = Number(info?.[`std${stream}_end`] ?? 0);
    const rel = logsRelative(file);
    return end > start ? { node, file: rel, range: [start, end] } : { node, file: rel };
  }
  if (t.worker_id === null || t.worker_pid === null || t.job_id === '') return null;
  return { node, file: `worker-${t.worker_id}-${t.job_id}-${t.worker_pid}.${stream}` };
}

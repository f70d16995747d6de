import { describe, expect, it } from 'vitest';
import { parseTarget } from '../log/hash';
import { hitHref, locatorHref, logsRelative, taskLogLocator } from './logLinks';
import { parseRoute } from './routes';

const s = { namespace: 'default', cluster: 'rc', session: 'session_2026-01-27_10-52-59_373533_1' };
const base = `/ui/clusters/default/rc/sessions/${s.session}/logs`;

describe('links to log lines', () => {
  it('open a failure at its byte range, or at the end of its file when the events gave none', () => {
    const ranged = locatorHref(s, { node: 'w-1', file: 'worker-ab-01000000-7.err', range: [4096, 5120] });
    expect(ranged).toBe(`${base}/w-1/worker-ab-01000000-7.err#B4096-5120`);
    expect(parseTarget(new URL(ranged, 'http://x').hash)).toEqual({ byte: 4096, end: 5120 });
    expect(locatorHref(s, { node: 'w-1', file: 'raylet.out' })).toBe(`${base}/w-1/raylet.out`);
    // A file below a folder, with characters a path must encode, still routes to the viewer.
    const odd = locatorHref(s, { node: 'w-1', file: 'events/event #1.log' });
    expect(parseRoute(odd.replace(/#.*/, ''))).toEqual({
      view: 'logs',
      ...s,
      node: 'w-1',
      file: 'events/event #1.log',
    });
  });

  it('open a search hit at its line, read from its offset', () => {
    expect(hitHref(s, { node: 'h', file: 'raylet.out', line: 301, offset: 28125 })).toBe(
      `${base}/h/raylet.out#L301@28125`,
    );
  });

  it("find a task's output as the server's locators do: task_log_info's range, else the worker's file", () => {
    const names = (id: string) => ({ n1: 'worker-a' })[id];
    const row = { node_id: 'n1', worker_id: 'w9', worker_pid: 7311, job_id: '02000000' };
    const info = {
      stdout_file: '/tmp/ray/session_x/logs/worker-w9-02000000-7311.out',
      stderr_file: '/tmp/ray/session_x/logs/worker-w9-02000000-7311.err',
      stdout_start: 120,
      stdout_end: 180,
      stderr_start: 4096,
      stderr_end: 5120,
    };
    expect(taskLogLocator({ ...row, task_log_info: info }, names)).toEqual({
      node: 'worker-a',
      file: 'worker-w9-02000000-7311.err',
      range: [4096, 5120],
    });
    expect(taskLogLocator({ ...row, task_log_info: info }, names, 'out')?.range).toEqual([120, 180]);
    // An attempt that never reported its end: the whole file (it wrote until the cluster died).
    expect(taskLogLocator({ ...row, task_log_info: { ...info, stderr_end: 0 } }, names)).toEqual({
      node: 'worker-a',
      file: 'worker-w9-02000000-7311.err',
    });
    expect(taskLogLocator({ ...row, task_log_info: null }, names)).toEqual({
      node: 'worker-a',
      file: 'worker-w9-02000000-7311.err',
    });
    expect(taskLogLocator({ ...row, node_id: 'unknown', task_log_info: null }, names)).toBeNull();
    expect(taskLogLocator({ ...row, worker_pid: null, task_log_info: null }, names)).toBeNull();
    expect(logsRelative('/tmp/ray/session_x/logs/sub/dir/f.log')).toBe('sub/dir/f.log');
  });
});

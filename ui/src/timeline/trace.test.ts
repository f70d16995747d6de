import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../api/types';
import { firstVisible, layoutTrace, MIN_SPAN_US, pan, spanAt, zoom } from './trace';

const X = (pid: number, tid: number, name: string, ts: number, dur: number, task = 't1'): TraceEvent => ({
  name,
  ph: 'X',
  pid,
  tid,
  ts,
  dur,
  cname: 'generic_work',
  args: { task_id: task, job_id: '01000000', func_or_class_name: 'f', attempt_number: 0 },
});
const M = (name: string, pid: number, tid: number | null, label: string): TraceEvent => ({
  name,
  ph: 'M',
  pid,
  tid,
  args: { name: label },
});

const events: TraceEvent[] = [
  M('process_name', 1, null, 'Node 10.0.0.2'),
  M('process_name', 0, null, 'Node 10.0.0.1'),
  M('thread_name', 1, 4, 'worker:bb'),
  M('thread_name', 0, 0, 'worker:aa'),
  X(1, 4, 'task:execute', 120, 30),
  X(1, 4, 'f', 100, 100),
  X(1, 4, 'task:deserialize_arguments', 100, 20),
  X(1, 4, 'task:store_outputs', 150, 50),
  X(0, 0, 'g', 500, 10, 't2'),
];

describe('the task timeline layout', () => {
  const t = layoutTrace(events);

  it('makes a lane per worker, nodes in order, named by the metadata events', () => {
    expect(t.lanes.map((l) => [l.process, l.thread])).toEqual([
      ['Node 10.0.0.1', 'worker:aa'],
      ['Node 10.0.0.2', 'worker:bb'],
    ]);
    expect([t.t0, t.t1, t.spans]).toEqual([100, 510, 5]);
  });

  it("draws a task's phases a row below it, in time order", () => {
    const lane = t.lanes[1]!;
    expect(lane.spans.map((s) => [s.name, s.depth])).toEqual([
      ['f', 0],
      ['task:deserialize_arguments', 1],
      ['task:execute', 1],
      ['task:store_outputs', 1],
    ]);
    expect(lane.rows).toBe(2);
    expect(lane.spans[0]).toMatchObject({
      ts: 100,
      end: 200,
      taskId: 't1',
      jobId: '01000000',
      func: 'f',
      attempt: 0,
    });
  });

  it('finds the span under the pointer, the deepest first, or one in a row', () => {
    const lane = t.lanes[1]!;
    expect(spanAt(lane, 125, null)?.name).toBe('task:execute');
    expect(spanAt(lane, 125, 0)?.name).toBe('f');
    expect(spanAt(lane, 250, null)).toBeNull();
    expect(spanAt(lane, 203, null, 5)?.name).toBe('task:store_outputs');
  });

  it('finds where the spans a view shows begin, by binary search', () => {
    const spans = t.lanes[1]!.spans;
    expect(firstVisible(spans, 160, 100)).toBe(0);
    expect(firstVisible(spans, 250, 10)).toBe(4);
  });

  it('is empty for an empty trace', () => {
    expect(layoutTrace([])).toEqual({ lanes: [], t0: 0, t1: 0, spans: 0 });
  });
});

describe('zooming and panning the timeline', () => {
  const all = { t0: 0, t1: 1000 };
  it('zooms around a time, keeping it where it was on screen', () => {
    expect(zoom(all, 0.5, 500, all)).toEqual({ t0: 250, t1: 750 });
    expect(zoom(all, 0.5, 0, all)).toEqual({ t0: 0, t1: 500 });
    expect(zoom({ t0: 0, t1: 500 }, 0.5, 100, all)).toEqual({ t0: 50, t1: 300 });
  });

  it('stays within the trace, and not below the shortest view', () => {
    expect(zoom({ t0: 250, t1: 750 }, 4, 500, all)).toEqual(all);
    expect(zoom(all, 0.001, 500, all).t1 - zoom(all, 0.001, 500, all).t0).toBe(MIN_SPAN_US);
    expect(pan({ t0: 250, t1: 750 }, 100, all)).toEqual({ t0: 350, t1: 850 });
    expect(pan({ t0: 250, t1: 750 }, 400, all)).toEqual({ t0: 500, t1: 1000 });
    expect(pan({ t0: 250, t1: 750 }, -400, all)).toEqual({ t0: 0, t1: 500 });
  });
});

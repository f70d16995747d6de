/**
 * The task timeline (Ray's Chrome trace: `M` events name processes — nodes — and threads — workers;
 * `X` events are spans) laid out for drawing: a lane per worker, spans nested inside another drawn a
 * row below it, each lane's spans in time order so that what a view shows is found by binary search.
 */
import type { TraceEvent } from '../api/types';

export interface Span {
  name: string;
  /** Start and end, µs since the epoch. */
  ts: number;
  end: number;
  /** Row within the lane: 0 for a task, 1 for its phases. */
  depth: number;
  /** Chrome's reserved colour name (`generic_work`, `rail_load`, …). */
  cname: string;
  taskId: string | null;
  jobId: string | null;
  attempt: number | null;
  func: string | null;
}

export interface Lane {
  pid: number;
  tid: number;
  /** "Node 10.244.1.12", "worker:21ea…" */
  process: string;
  thread: string;
  /** By start time. */
  spans: Span[];
  rows: number;
}

export interface Trace {
  lanes: Lane[];
  /** µs: the first start and the last end. */
  t0: number;
  t1: number;
  spans: number;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

/** Lays out a trace: lanes by node then worker, nested spans a row deeper. */
export function layoutTrace(events: readonly TraceEvent[]): Trace {
  const processes = new Map<number, string>();
  const threads = new Map<string, string>();
  const byLane = new Map<string, { pid: number; tid: number; spans: Span[] }>();
  for (const e of events) {
    const key = `${e.pid}/${e.tid ?? 0}`;
    if (e.ph === 'M') {
      const name = str(e.args.name) ?? '';
      if (e.name === 'process_name') processes.set(e.pid, name);
      else if (e.name === 'thread_name') threads.set(key, name);
      continue;
    }
    if (e.ts === undefined) continue;
    const lane = byLane.get(key) ?? { pid: e.pid, tid: e.tid ?? 0, spans: [] };
    byLane.set(key, lane);
    lane.spans.push({
      name: e.name,
      ts: e.ts,
      end: e.ts + Math.max(0, e.dur ?? 0),
      depth: 0,
      cname: e.cname ?? 'generic_work',
      taskId: str(e.args.task_id),
      jobId: str(e.args.job_id),
      attempt: typeof e.args.attempt_number === 'number' ? e.args.attempt_number : null,
      func: str(e.args.func_or_class_name),
    });
  }
  let t0 = Infinity;
  let t1 = -Infinity;
  let count = 0;
  const lanes: Lane[] = [];
  for (const [key, l] of byLane) {
    // Longer first at the same start, so that a task comes before the phases inside it.
    l.spans.sort((a, b) => a.ts - b.ts || b.end - a.end);
    const open: number[] = [];
    let rows = 1;
    for (const s of l.spans) {
      while (open.length > 0 && open[open.length - 1]! <= s.ts) open.pop();
      s.depth = open.length;
      rows = Math.max(rows, s.depth + 1);
      open.push(s.end);
      t0 = Math.min(t0, s.ts);
      t1 = Math.max(t1, s.end);
    }
    count += l.spans.length;
    lanes.push({
      pid: l.pid,
      tid: l.tid,
      process: processes.get(l.pid) ?? `process ${l.pid}`,
      thread: threads.get(key) ?? `thread ${l.tid}`,
      spans: l.spans,
      rows,
    });
  }
  lanes.sort((a, b) => a.pid - b.pid || a.tid - b.tid);
  return count === 0 ? { lanes, t0: 0, t1: 0, spans: 0 } : { lanes, t0, t1, spans: count };
}

/** Index of the first span of `spans` (by start) that may still be open at `t`: spans before it ended before `t`. */
export function firstVisible(spans: readonly Span[], t: number, longest: number): number {
  // Spans are sorted by start; one that started more than `longest` before t has ended.
  let lo = 0;
  let hi = spans.length;
  const from = t - longest;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]!.ts < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The longest span of a lane (bounds the look-back of firstVisible). */
export const longestOf = (l: Lane) => l.spans.reduce((m, s) => Math.max(m, s.end - s.ts), 0);

/** The deepest span of `lane` at time `t` in `row` (or any row when null), for hover and click. */
export function spanAt(lane: Lane, t: number, row: number | null, slack = 0): Span | null {
  let best: Span | null = null;
  const start = firstVisible(lane.spans, t - slack, longestOf(lane));
  for (let i = start; i < lane.spans.length; i++) {
    const s = lane.spans[i]!;
    if (s.ts > t + slack) break;
    if (s.ts - slack <= t && t <= s.end + slack && (row === null || s.depth === row)) {
      if (best === null || s.depth > best.depth) best = s;
    }
  }
  return best;
}

/** The shortest time a view zooms in to, µs. */
export const MIN_SPAN_US = 50;

/** The times a view of the timeline shows, µs. */
export interface View {
  t0: number;
  t1: number;
}

/** `view` zoomed by `factor` (< 1 in) around time `at`, kept within the trace (and not below MIN_SPAN_US). */
export function zoom(view: View, factor: number, at: number, bounds: View): View {
  const span = Math.max(MIN_SPAN_US, Math.min(bounds.t1 - bounds.t0, (view.t1 - view.t0) * factor));
  const left = (at - view.t0) / (view.t1 - view.t0 || 1);
  return clamp({ t0: at - left * span, t1: at - left * span + span }, bounds);
}

/** `view` moved by `dt`, kept within the trace. */
export const pan = (view: View, dt: number, bounds: View): View =>
  clamp({ t0: view.t0 + dt, t1: view.t1 + dt }, bounds);

function clamp(v: View, b: View): View {
  const span = v.t1 - v.t0;
  if (span >= b.t1 - b.t0) return { ...b };
  if (v.t0 < b.t0) return { t0: b.t0, t1: b.t0 + span };
  if (v.t1 > b.t1) return { t0: b.t1 - span, t1: b.t1 };
  return v;
}

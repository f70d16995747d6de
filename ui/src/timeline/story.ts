/**
 * A session's state changes over time, from what the dashboard routes answer: each job, node and
 * actor as a lane of bars (started → ended, coloured by how it ended), task attempts as the number
 * running over time with a mark where one failed, and the lines of Ray's event log as marks. The same
 * facts as a list of changes in time order, for reading (and for screen readers).
 */
import type { Actor, Job, NodeSummary, RayLogEvent, TaskRow } from '../api/types';
import { toneOf } from '../components/Table';

export type Tone = 'good' | 'bad' | 'busy' | 'idle';
export type Group = 'job' | 'node' | 'actor' | 'task' | 'event';

export interface Bar {
  from: number;
  to: number;
  /** Still in this state when the events end (no end recorded). */
  open: boolean;
  tone: Tone;
  title: string;
}

export interface Mark {
  at: number;
  tone: Tone;
  title: string;
  href?: string;
}

export interface StateLane {
  group: Group;
  id: string;
  label: string;
  href?: string;
  bars: Bar[];
  marks: Mark[];
}

export interface Change {
  at: number;
  group: Group;
  subject: string;
  state: string;
  detail: string;
  tone: Tone;
  href?: string;
}

export interface Story {
  lanes: StateLane[];
  changes: Change[];
  /** Task attempts running: the count from each time on. */
  running: [number, number][];
  /** ms since the epoch: the first and last time anything happened; null when nothing did. */
  t0: number | null;
  t1: number | null;
}

/** Where the story's links go (the views' URLs). */
export interface Links {
  job(jobId: string): string;
  node(storageNode: string): string;
  actor(actorId: string): string;
  task(t: TaskRow): string;
}

export interface Facts {
  jobs: Job[];
  nodes: NodeSummary[];
  actors: Actor[];
  /** Attempts with their state changes (detail=true). */
  tasks: TaskRow[];
  /** Ray's event log lines, by job. */
  events: Record<string, RayLogEvent[]>;
}

const set = (ms: number | null | undefined): ms is number => typeof ms === 'number' && ms > 0;

/** When an event-log line happened, ms: Python's seconds, or C++'s `YYYY-MM-DD HH:MM:SS.ffffff` (read as UTC). */
export function eventTime(e: RayLogEvent): number | null {
  if (e.timestamp !== undefined && e.timestamp !== '') {
    const s = Number(e.timestamp);
    return Number.isFinite(s) && s > 0 ? Math.round(s * 1000) : null;
  }
  const m = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(\.\d{1,6})?/.exec(e.timeStamp ?? '');
  if (m === null) return null;
  const t = Date.parse(`${m[1]}T${m[2]}${(m[3] ?? '').slice(0, 4)}Z`);
  return Number.isNaN(t) ? null : t;
}

const severityTone = (s: string | undefined): Tone =>
  s === 'ERROR' || s === 'FATAL' ? 'bad' : s === 'WARNING' ? 'busy' : 'idle';

function jobs(f: Facts, links: Links, out: { lanes: StateLane[]; changes: Change[] }) {
  for (const j of [...f.jobs].sort((a, b) => (a.start_time ?? 0) - (b.start_time ?? 0))) {
    if (!set(j.start_time)) continue;
    const id = j.job_id ?? j.submission_id ?? '';
    const label = j.submission_id ?? id;
    const ended = set(j.end_time);
    const href = j.job_id === null ? undefined : links.job(j.job_id);
    out.lanes.push({
      group: 'job',
      id,
      label,
      ...(href !== undefined && { href }),
      bars: [
        {
          from: j.start_time,
          to: ended ? j.end_time! : NaN,
          open: !ended,
          tone: toneOf(j.status),
          title: `${label}: ${j.status}`,
        },
      ],
      marks: [],
    });
    const base = { group: 'job' as const, subject: label, ...(href !== undefined && { href }) };
    out.changes.push({ ...base, at: j.start_time, state: 'RUNNING', detail: j.entrypoint, tone: 'busy' });
    if (ended)
      out.changes.push({
        ...base,
        at: j.end_time!,
        state: j.status,
        detail: j.message ?? '',
        tone: toneOf(j.status),
      });
  }
}

function nodes(f: Facts, links: Links, out: { lanes: StateLane[]; changes: Change[] }) {
  for (const n of [...f.nodes].sort((a, b) => a.raylet.startTimeMs - b.raylet.startTimeMs)) {
    const r = n.raylet;
    if (!set(r.startTimeMs)) continue;
    const label = n.storageNode ?? n.ip;
    const dead = set(r.endTimeMs);
    const href = n.storageNode === null ? undefined : links.node(n.storageNode);
    out.lanes.push({
      group: 'node',
      id: r.nodeId,
      label,
      ...(href !== undefined && { href }),
      bars: [
        {
          from: r.startTimeMs,
          to: dead ? r.endTimeMs : NaN,
          open: !dead,
          tone: 'good',
          title: `${label} alive`,
        },
      ],
      marks: dead
        ? [
            {
              at: r.endTimeMs,
              tone: 'bad',
              title: `${label} died: ${r.stateMessage}`,
              ...(href !== undefined && { href }),
            },
          ]
        : [],
    });
    const base = { group: 'node' as const, subject: label, ...(href !== undefined && { href }) };
    out.changes.push({
      ...base,
      at: r.startTimeMs,
      state: 'ALIVE',
      detail: `${r.isHeadNode ? 'head' : 'worker'} ${n.ip}`,
      tone: 'good',
    });
    if (dead)
      out.changes.push({ ...base, at: r.endTimeMs, state: 'DEAD', detail: r.stateMessage, tone: 'bad' });
  }
}

function actors(f: Facts, links: Links, out: { lanes: StateLane[]; changes: Change[] }) {
  for (const a of [...f.actors].sort((x, y) => (x.startTime ?? 0) - (y.startTime ?? 0))) {
    if (!set(a.startTime)) continue;
    const label = `${a.actorClass}${a.name === '' ? '' : ` “${a.name}”`}`;
    const dead = a.state === 'DEAD' && set(a.endTime);
    const href = links.actor(a.actorId);
    const restarts = Number(a.numRestarts);
    const cause = a.exitDetail;
    out.lanes.push({
      group: 'actor',
      id: a.actorId,
      label,
      href,
      bars: [
        {
          from: a.startTime,
          to: dead ? a.endTime! : NaN,
          open: !dead,
          tone: 'good',
          title: `${label} ${dead ? 'alive' : a.state}${restarts > 0 ? `, restarted ${restarts}×` : ''}`,
        },
      ],
      marks: dead ? [{ at: a.endTime!, tone: 'bad', title: `${label} died: ${cause}`, href }] : [],
    });
    out.changes.push({
      group: 'actor',
      subject: label,
      href,
      at: a.startTime,
      state: 'ALIVE',
      detail: restarts > 0 ? `restarted ${restarts}×` : '',
      tone: 'good',
    });
    if (dead)
      out.changes.push({
        group: 'actor',
        subject: label,
        href,
        at: a.endTime!,
        state: 'DEAD',
        detail: cause,
        tone: 'bad',
      });
  }
}

/** Each attempt: RUNNING from its RUNNING change to the next change (or the end); FAILED marks. */
function tasks(
  f: Facts,
  links: Links,
  out: { lanes: StateLane[]; changes: Change[] },
  every: boolean,
): [number, number][] {
  const deltas: [number, number][] = [];
  const marks: Mark[] = [];
  for (const t of f.tasks) {
    const ev = t.events ?? [];
    const label = t.name || t.func_or_class_name || t.task_id.slice(0, 8);
    ev.forEach((e, i) => {
      if (e.state === 'RUNNING') {
        deltas.push([e.created_ms, 1]);
        const next = ev[i + 1];
        if (next !== undefined) deltas.push([next.created_ms, -1]);
      }
      if (e.state === 'FAILED') {
        const href = links.task(t);
        marks.push({ at: e.created_ms, tone: 'bad', title: `${label} failed: ${t.error_type ?? ''}`, href });
        out.changes.push({
          group: 'task',
          subject: label,
          href,
          at: e.created_ms,
          state: 'FAILED',
          detail: t.error_type ?? '',
          tone: 'bad',
        });
      } else if (every) {
        out.changes.push({
          group: 'task',
          subject: label,
          href: links.task(t),
          at: e.created_ms,
          state: e.state,
          detail: '',
          tone: toneOf(e.state),
        });
      }
    });
  }
  deltas.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const running: [number, number][] = [];
  let n = 0;
  for (const [at, d] of deltas) {
    n += d;
    if (running.length > 0 && running[running.length - 1]![0] === at) running[running.length - 1]![1] = n;
    else running.push([at, n]);
  }
  if (f.tasks.length > 0)
    out.lanes.push({ group: 'task', id: 'tasks', label: 'Task attempts', bars: [], marks });
  return running;
}

function logEvents(f: Facts, out: { lanes: StateLane[]; changes: Change[] }) {
  const marks: Mark[] = [];
  for (const list of Object.values(f.events)) {
    for (const e of list) {
      const at = eventTime(e);
      if (at === null) continue;
      const tone = severityTone(e.severity);
      const subject = [e.sourceType, e.label].filter((x) => x !== undefined && x !== '').join(' ');
      marks.push({ at, tone, title: `${e.severity ?? ''} ${subject}: ${e.message ?? ''}` });
      out.changes.push({
        group: 'event',
        subject,
        at,
        state: e.severity ?? '',
        detail: e.message ?? '',
        tone,
      });
    }
  }
  if (marks.length > 0)
    out.lanes.push({ group: 'event', id: 'events', label: 'Ray event log', bars: [], marks });
}

/** The story of a session; `everyTask` lists every task state change, not only failures. */
export function buildStory(f: Facts, links: Links, everyTask = false): Story {
  const out = { lanes: [] as StateLane[], changes: [] as Change[] };
  jobs(f, links, out);
  nodes(f, links, out);
  actors(f, links, out);
  const running = tasks(f, links, out, everyTask);
  logEvents(f, out);
  const times = [
    ...out.changes.map((c) => c.at),
    ...out.lanes.flatMap((l) => l.bars.flatMap((b) => [b.from, b.to]).filter((t) => Number.isFinite(t))),
    ...running.map(([t]) => t),
  ];
  const t0 = times.length === 0 ? null : times.reduce((a, b) => Math.min(a, b));
  const t1 = times.length === 0 ? null : times.reduce((a, b) => Math.max(a, b));
  // Open bars run to the end of what is known.
  for (const l of out.lanes) for (const b of l.bars) if (b.open) b.to = t1 ?? b.from;
  out.changes.sort((a, b) => a.at - b.at);
  return { lanes: out.lanes, changes: out.changes, running, t0, t1 };
}

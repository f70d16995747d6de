/**
 * `api/v0/tasks/timeline`: the tasks' profile spans as Chrome trace JSON (the Trace Event Format
 * chrome://tracing and Perfetto load), as Ray's dashboard produces it (python/ray/_private/
 * profiling.py): one process per node IP, one thread per worker, an "X" event per span. Streamed
 * shard by shard; process and thread ids come from the summary's counts, so they are fixed before
 * the first span is written.
 */
import type { BlobStore } from '../../storage/blobStore.js';
import type { TraceEvent } from '../../schemas/dashboard.js';
import type { SessionRef } from '../layout.js';
import { cacheFor } from './cache.js';
import { profileFacet, profileJob, profiles } from './collections.js';
import { EMPTY_SUMMARY, readDoc, readShard, SummaryDocSchema } from './docs.js';
import { currentManifest, type ReadOptions } from './fresh.js';
import type { ProfileState } from './model.js';

const COLORS: Record<string, string> = {
  'task:deserialize_arguments': 'rail_load',
  'task:execute': 'rail_animation',
  'task:store_outputs': 'rail_idle',
  'task:submit_task': 'rail_response',
  task: 'rail_response',
  worker_idle: 'cq_build_abandoned',
  'ray.get': 'good',
  'ray.put': 'terrible',
  'ray.wait': 'vsync_highlight_color',
  submit_task: 'background_memory_dump',
  wait_for_function: 'detailed_memory_dump',
  fetch_and_run_function: 'detailed_memory_dump',
  register_remote_function: 'detailed_memory_dump',
};

/** Nanoseconds → microseconds, exactly to the nanosecond (ns since the epoch overflow a double). */
function micros(ns: string): number {
  const n = BigInt(ns);
  return Number(n / 1000n) + Number(n % 1000n) / 1000;
}

function parseExtra(text: string): Record<string, unknown> | undefined {
  if (text === '') return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const TRACED = new Set(['worker', 'driver']);

/** The span events of one attempt. */
function spans(p: ProfileState, pid: number, tid: number): TraceEvent[] {
  const actorPart = p.taskId.length === 48 ? p.taskId.slice(16, 40) : '';
  const actorId = actorPart === '' || /^f+$/.test(actorPart) ? null : p.taskId.slice(16);
  const func = (p.events ?? []).find(([name]) => name.startsWith('task::'))?.[0].slice('task::'.length) ?? '';
  return (p.events ?? []).map(([name, start, end, extraText]): TraceEvent => {
    const extra = parseExtra(extraText);
    const shown = name.startsWith('task::') && typeof extra?.name === 'string' ? extra.name : name;
    return {
      cat: name,
      name: shown,
      pid,
      tid,
      ts: micros(start),
      dur: micros(end) - micros(start),
      cname: name.startsWith('task::') ? 'generic_work' : (COLORS[name] ?? 'generic_work'),
      ph: 'X',
      args: {
        task_id: p.taskId,
        job_id: profileJob(p),
        attempt_number: p.attempt,
        func_or_class_name: func,
        actor_id: actorId,
        ...(shown !== name && { name: shown }),
      },
    };
  });
}

/**
 * The timeline of the session (of one job when `jobId` is given, lowercase hex), as chunks of one
 * JSON array: concatenated they parse as the trace.
 */
export async function* taskTimeline(
  store: BlobStore,
  ref: SessionRef,
  query: { jobId?: string } = {},
  options: ReadOptions = {},
): AsyncGenerator<string> {
  const cache = options.cache ?? cacheFor(store);
  const job = query.jobId?.toLowerCase();
  const m = await currentManifest(store, ref, options);
  const summary = await readDoc(store, cache, m.summary, SummaryDocSchema, EMPTY_SUMMARY);
  const components = Object.keys(summary.profiles)
    .map((k) => JSON.parse(k) as [string, string, string, string])
    .filter(([j, ip, type]) => (job === undefined || j === job) && ip !== '' && TRACED.has(type));
  const ips = [...new Set(components.map(([, ip]) => ip))].sort();
  const threads = [
    ...new Set(components.map(([, ip, type, id]) => JSON.stringify([ip, `${type}:${id}`]))),
  ].sort();
  const pid = new Map(ips.map((ip, i) => [ip, i]));
  const tid = new Map(threads.map((t, i) => [t, i]));
  const meta: TraceEvent[] = [
    ...ips.map((ip, i): TraceEvent => ({
      name: 'process_name',
      ph: 'M',
      pid: i,
      tid: null,
      args: { name: `Node ${ip}` },
    })),
    ...threads.map((t, i): TraceEvent => {
      const [ip, thread] = JSON.parse(t) as [string, string];
      return { name: 'thread_name', ph: 'M', pid: pid.get(ip) ?? 0, tid: i, args: { name: thread } };
    }),
  ];
  let first = true;
  const chunk = (events: TraceEvent[]) => {
    const text = events.map((e) => JSON.stringify(e)).join(',');
    const out = (first ? '[' : ',') + text;
    first = false;
    return out;
  };
  if (meta.length > 0) yield chunk(meta);
  for (const entry of m.profiles) {
    if (entry.count === 0 || (job !== undefined && entry.jobs[job] === undefined)) continue;
    const events: TraceEvent[] = [];
    for (const p of await readShard(store, cache, profiles, entry)) {
      const [j, ip, type, id] = profileFacet(p);
      const t = tid.get(JSON.stringify([ip, `${type}:${id}`]));
      const proc = pid.get(ip);
      if ((job !== undefined && j !== job) || t === undefined || proc === undefined) continue;
      events.push(...spans(p, proc, t));
    }
    if (events.length > 0) yield chunk(events);
  }
  yield first ? '[]' : ']';
}

/**
 * StateApi filters on task attempts. Filters on job, state, type, function and error type can be
 * counted from the summary's facets without reading a task; the others need the rows.
 */
import type { TaskFilter } from '../../schemas/dashboard.js';
import type { ShardEntry } from './manifest.js';
import type { TaskState } from './model.js';
import { taskActorOf, taskJobOf, taskStateOf, taskTypeOf } from './renderTask.js';

/** Position of each countable key in a task facet ([job, state, type, func, error type]). */
const FACET_INDEX: Partial<Record<TaskFilter['key'], number>> = {
  job_id: 0,
  state: 1,
  type: 2,
  func_or_class_name: 3,
  error_type: 4,
};

const ENUM_KEYS = new Set<TaskFilter['key']>(['state', 'type', 'error_type']);
const ID_KEYS = new Set<TaskFilter['key']>([
  'task_id',
  'job_id',
  'actor_id',
  'node_id',
  'worker_id',
  'parent_task_id',
]);

/** Ray compares enum values in upper case and ids are lowercase hex: normalise the value once. */
export function normalizeFilter(f: TaskFilter): TaskFilter {
  if (ENUM_KEYS.has(f.key)) return { ...f, value: f.value.toUpperCase() };
  if (ID_KEYS.has(f.key)) return { ...f, value: f.value.toLowerCase() };
  return f;
}

/** The value a filter compares, for one attempt ('' when unknown, as Ray's empty fields). */
export function fieldOf(t: TaskState, key: TaskFilter['key']): string {
  switch (key) {
    case 'task_id':
      return t.taskId;
    case 'job_id':
      return taskJobOf(t);
    case 'actor_id':
      return taskActorOf(t) ?? '';
    case 'state':
      return taskStateOf(t);
    case 'type':
      return taskTypeOf(t);
    case 'name':
      return t.def?.name ?? '';
    case 'func_or_class_name':
      return t.def?.funcName ?? '';
    case 'node_id':
      return t.nodeId?.[1] ?? '';
    case 'worker_id':
      return t.workerId?.[1] ?? '';
    case 'error_type':
      return t.error?.[1].type ?? '';
    case 'parent_task_id':
      return t.def?.parentTaskId ?? '';
  }
}

const holds = (f: TaskFilter, value: string) => (f.predicate === '=' ? value === f.value : value !== f.value);

export function rowMatches(t: TaskState, filters: TaskFilter[]): boolean {
  return filters.every((f) => holds(f, fieldOf(t, f.key)));
}

/** True when every filter can be counted from facets. */
export function countable(filters: TaskFilter[]): boolean {
  return filters.every((f) => FACET_INDEX[f.key] !== undefined);
}

/** Attempts matching `filters` (all countable), from the summary's facet counts. */
export function countFacets(facets: Record<string, number>, filters: TaskFilter[]): number {
  let n = 0;
  for (const [key, count] of Object.entries(facets)) {
    const facet = JSON.parse(key) as string[];
    if (filters.every((f) => holds(f, facet[FACET_INDEX[f.key] ?? -1] ?? ''))) n += count;
  }
  return n;
}

/** False when the shard's statistics prove that none of its rows can match. */
export function shardMayMatch(entries: ShardEntry[], index: number, filters: TaskFilter[]): boolean {
  const e = entries[index];
  if (e === undefined || e.count === 0) return false;
  for (const f of filters) {
    if (f.predicate !== '=') continue;
    if (f.key === 'state' && e.groups[f.value] === undefined) return false;
    if (f.key === 'job_id' && e.jobs[f.value] === undefined) return false;
    if (f.key === 'task_id' && !f.value.padEnd(64, '0').startsWith(e.prefix)) return false;
  }
  return true;
}

/** The state group to read when the filters pin one state; otherwise the whole shard. */
export function pinnedState(filters: TaskFilter[]): string | undefined {
  return filters.find((f) => f.key === 'state' && f.predicate === '=')?.value;
}

/**
 * Ray's StateApi query string (python/ray/dashboard/state_api_utils.py) → the typed queries the
 * reads take; shared by both route forms. A bad parameter is `400 invalid_parameter` naming it.
 */
import type { TaskFilter, TaskListQuery, TaskSummarizeQuery } from '../../schemas/dashboard.js';
import { invalidParameter } from '../errors.js';
import { LIMIT_MAX } from './limits.js';

/** Filter keys: Ray's column names, plus the names upstream's history server accepts. */
const KEYS: Record<string, TaskFilter['key']> = {
  task_id: 'task_id',
  job_id: 'job_id',
  actor_id: 'actor_id',
  state: 'state',
  type: 'type',
  task_type: 'type',
  name: 'name',
  task_name: 'name',
  func_or_class_name: 'func_or_class_name',
  func_name: 'func_or_class_name',
  node_id: 'node_id',
  worker_id: 'worker_id',
  error_type: 'error_type',
  parent_task_id: 'parent_task_id',
};

const TRUE = new Set(['1', 't', 'true']);
const FALSE = new Set(['0', 'f', 'false']);

function bool(params: URLSearchParams, name: string, fallback: boolean): boolean {
  const v = params.get(name);
  if (v === null || v === '') return fallback;
  if (TRUE.has(v.toLowerCase())) return true;
  if (FALSE.has(v.toLowerCase())) return false;
  throw invalidParameter(name, `${name} must be true or false, not ${JSON.stringify(v)}`);
}

function limit(params: URLSearchParams): number {
  const v = params.get('limit');
  if (v === null || v === '') return 100;
  const n = /^\d{1,9}$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > LIMIT_MAX)
    throw invalidParameter(
      'limit',
      `limit must be an integer from 1 to ${LIMIT_MAX}, not ${JSON.stringify(v)}`,
    );
  return n;
}

/** `filter_keys` / `filter_predicates` / `filter_values`, as parallel repeated parameters. */
export function filtersFrom(params: URLSearchParams): TaskFilter[] {
  const keys = params.getAll('filter_keys');
  const predicates = params.getAll('filter_predicates');
  const values = params.getAll('filter_values');
  if (keys.length !== predicates.length || keys.length !== values.length)
    throw invalidParameter(
      'filter_keys',
      'filter_keys, filter_predicates and filter_values must have the same length',
    );
  return keys.map((k, i) => {
    const key = KEYS[k];
    if (key === undefined)
      throw invalidParameter(
        'filter_keys',
        `${JSON.stringify(k)} is not a task filter key (${Object.keys(KEYS).join(', ')})`,
      );
    const predicate = predicates[i];
    if (predicate !== '=' && predicate !== '!=')
      throw invalidParameter(
        'filter_predicates',
        `filter predicates are = or !=, not ${JSON.stringify(predicate)}`,
      );
    return { key, predicate, value: values[i] ?? '' };
  });
}

/** `api/v0/tasks?limit=&detail=&exclude_driver=&filter_keys=…` */
export function taskListQueryFrom(params: URLSearchParams): TaskListQuery {
  return {
    filters: filtersFrom(params),
    limit: limit(params),
    detail: bool(params, 'detail', false),
    excludeDriver: bool(params, 'exclude_driver', true),
  };
}

/** `api/v0/tasks/summarize?summary_by=&filter_keys=…` */
export function taskSummarizeQueryFrom(params: URLSearchParams): TaskSummarizeQuery {
  const by = params.get('summary_by') ?? 'func_name';
  if (by !== 'func_name' && by !== 'lineage')
    throw invalidParameter('summary_by', `summary_by is func_name or lineage, not ${JSON.stringify(by)}`);
  return { filters: filtersFrom(params), summaryBy: by, excludeDriver: bool(params, 'exclude_driver', true) };
}

/** `nodes?view=summary|hostNameList` (summary when absent). */
export function nodesViewFrom(params: URLSearchParams): 'summary' | 'hostNameList' {
  const v = params.get('view') ?? 'summary';
  if (v === '' || v === 'summary') return 'summary';
  if (v === 'hostNameList') return v;
  throw invalidParameter('view', `view is summary or hostNameList, not ${JSON.stringify(v)}`);
}

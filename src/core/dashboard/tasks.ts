/**
 * `api/v0/tasks`: a page of task attempts in Ray's StateApi envelope. Attempts sort by (task id,
 * attempt) as upstream's do; `total` and `num_after_truncation` count every attempt, `num_filtered`
 * those matching the filters — exact, from the summary's facets when every filter is on job, state,
 * type, function or error type, else by reading the shards that can match. A page reads shards in
 * key order and stops when it is full, skipping shards whose statistics exclude the filters and
 * reading only the state's byte range when the filters pin a state.
 */
import type { BlobStore } from '../../storage/blobStore.js';
import {
  TaskListQuerySchema,
  type TaskFilter,
  type TaskListQuery,
  type TaskListResponse,
} from '../../schemas/dashboard.js';
import type { z } from '../../schemas/zod.js';
import { invalidParameter } from '../errors.js';
import type { SessionRef } from '../layout.js';
import { cacheFor, type DashboardCache } from './cache.js';
import { tasks } from './collections.js';
import { EMPTY_SUMMARY, readDoc, readShard, SummaryDocSchema } from './docs.js';
import { withManifest, type ReadOptions } from './fresh.js';
import type { Manifest } from './manifest.js';
import type { TaskState } from './model.js';
import { renderTask } from './renderTask.js';
import {
  countable,
  countFacets,
  normalizeFilter,
  pinnedState,
  rowMatches,
  shardMayMatch,
} from './taskFilters.js';

/** Validates a query for a core read; a bad one is `400 invalid_parameter` naming the field. */
export function checkQuery<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'query';
  throw invalidParameter(field, `${field}: ${issue?.message ?? 'invalid'}`);
}

export interface Scan {
  rows: TaskState[];
  /** Attempts that matched across the shards read (exact only when `count` was asked). */
  matched: number;
}

/**
 * Calls `visit` with the matching attempts of each shard that can match, shard by shard in key
 * order (sorted within a shard), until `visit` returns false.
 */
export async function forEachTaskShard(
  store: BlobStore,
  cache: DashboardCache,
  m: Manifest,
  filters: TaskFilter[],
  visit: (hits: TaskState[]) => boolean,
): Promise<void> {
  const state = pinnedState(filters);
  for (let i = 0; i < m.tasks.length; i++) {
    const entry = m.tasks[i];
    if (entry === undefined || !shardMayMatch(m.tasks, i, filters)) continue;
    const hits = (await readShard(store, cache, tasks, entry, state)).filter((t) => rowMatches(t, filters));
    hits.sort((a, b) => (tasks.key(a) < tasks.key(b) ? -1 : 1));
    if (!visit(hits)) return;
  }
}

/**
 * Attempts matching `filters`, in key order, at most `limit`; with `count`, reads every shard that
 * can match so that `matched` is exact.
 */
export async function scanTasks(
  store: BlobStore,
  cache: DashboardCache,
  m: Manifest,
  filters: TaskFilter[],
  limit: number,
  count: boolean,
): Promise<Scan> {
  const rows: TaskState[] = [];
  let matched = 0;
  await forEachTaskShard(store, cache, m, filters, (hits) => {
    matched += hits.length;
    if (rows.length < limit) rows.push(...hits.slice(0, limit - rows.length));
    return count || rows.length < limit;
  });
  return { rows, matched };
}

/** The filters a query applies, `exclude_driver` included. */
export function effectiveFilters(filters: TaskFilter[], excludeDriver: boolean): TaskFilter[] {
  const all = filters.map(normalizeFilter);
  return excludeDriver ? [...all, { key: 'type', predicate: '!=', value: 'DRIVER_TASK' }] : all;
}

export async function listTasks(
  store: BlobStore,
  ref: SessionRef,
  query: TaskListQuery,
  options: ReadOptions = {},
): Promise<TaskListResponse> {
  const q = checkQuery(TaskListQuerySchema, query);
  const cache = options.cache ?? cacheFor(store);
  const filters = effectiveFilters(q.filters, q.excludeDriver);
  return withManifest(store, ref, options, async (m) => {
    const summary = await readDoc(store, cache, m.summary, SummaryDocSchema, EMPTY_SUMMARY);
    const total = Object.values(summary.tasks).reduce((a, b) => a + b, 0);
    const byFacets = countable(filters);
    const scan = await scanTasks(store, cache, m, filters, q.limit, !byFacets);
    const filtered = byFacets ? countFacets(summary.tasks, filters) : scan.matched;
    return {
      result: true,
      msg: '',
      data: {
        result: {
          total,
          num_after_truncation: total,
          num_filtered: filtered,
          result: scan.rows.map((t) => renderTask(t, q.detail)),
          partial_failure_warning: '',
          warnings: null,
        },
      },
    };
  });
}

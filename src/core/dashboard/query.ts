/**
 * Ray's StateApi query strings (python/ray/dashboard/state_api_utils.py) → the typed queries the reads
 * take, shared by both route forms. Validation is the query schemas' (src/schemas/dashboard.ts): a bad
 * parameter is `400 invalid_parameter` naming it.
 */
import {
  filtersOf,
  NodesHttpQuery,
  TaskSummarizeHttpQuery,
  TasksHttpQuery,
  type TaskListQuery,
  type TaskSummarizeQuery,
} from '../../schemas/dashboard.js';
import { parseOr400, queryRecord } from '../../schemas/parse.js';
import type { z } from '../../schemas/zod.js';

/** `api/v0/tasks` parameters, parsed, as the read takes them. */
export function toTaskListQuery(q: z.output<typeof TasksHttpQuery>): TaskListQuery {
  return { filters: filtersOf(q), limit: q.limit, detail: q.detail, excludeDriver: q.exclude_driver };
}

/** `api/v0/tasks/summarize` parameters, parsed, as the read takes them. */
export function toTaskSummarizeQuery(q: z.output<typeof TaskSummarizeHttpQuery>): TaskSummarizeQuery {
  return { filters: filtersOf(q), summaryBy: q.summary_by, excludeDriver: q.exclude_driver };
}

/** `api/v0/tasks?limit=&detail=&exclude_driver=&filter_keys=…` from a query string. */
export function taskListQueryFrom(params: URLSearchParams): TaskListQuery {
  return toTaskListQuery(parseOr400(TasksHttpQuery, queryRecord(TasksHttpQuery, params)));
}

/** `api/v0/tasks/summarize?summary_by=&filter_keys=…` from a query string. */
export function taskSummarizeQueryFrom(params: URLSearchParams): TaskSummarizeQuery {
  return toTaskSummarizeQuery(
    parseOr400(TaskSummarizeHttpQuery, queryRecord(TaskSummarizeHttpQuery, params)),
  );
}

/** `nodes?view=summary|hostNameList` (summary when absent). */
export function nodesViewFrom(params: URLSearchParams): 'summary' | 'hostNameList' {
  return parseOr400(NodesHttpQuery, queryRecord(NodesHttpQuery, params)).view;
}

/**
 * `api/v0/tasks/summarize`: by function (Ray's default) — exact over every attempt, counted from the
 * summary's facets without reading a task when the filters allow — or by lineage, built from at most
 * 10,000 attempts in key order (Ray summarises at most that many) and the session's actors.
 */
import type { BlobStore } from '../../storage/blobStore.js';
import {
  TaskSummarizeQuerySchema,
  type TaskSummaryByFunc,
  type TaskSummaryResponse,
  type TaskSummarizeQuery,
} from '../../schemas/dashboard.js';
import type { SessionRef } from '../layout.js';
import { cacheFor, type DashboardCache } from './cache.js';
import { actors as actorCollection, taskFacet } from './collections.js';
import { EMPTY_SUMMARY, readDoc, readShard, SummaryDocSchema } from './docs.js';
import { withManifest, type ReadOptions } from './fresh.js';
import { lineageSummary } from './lineage.js';
import { LIMIT_MAX } from './limits.js';
import type { Manifest } from './manifest.js';
import type { ActorState } from './model.js';
import { countable, countFacets } from './taskFilters.js';
import { checkQuery, effectiveFilters, forEachTaskShard, scanTasks } from './tasks.js';

/** Most attempts a lineage summary is built from (Ray's limit for summaries). */
export const LINEAGE_LIMIT = LIMIT_MAX;

type Facet = [string, string, string, string, string];

function byFunc(facets: [Facet, number][]): TaskSummaryByFunc {
  const out: TaskSummaryByFunc = {
    summary: {},
    total_tasks: 0,
    total_actor_tasks: 0,
    total_actor_scheduled: 0,
    summary_by: 'func_name',
  };
  for (const [[, state, type, func], n] of facets.sort((a, b) => (a[0].join() < b[0].join() ? -1 : 1))) {
    if (func === '') continue; // no definition: Ray's summary has no name to put it under
    const entry = (out.summary[func] ??= { func_or_class_name: func, type, state_counts: {} });
    entry.state_counts[state] = (entry.state_counts[state] ?? 0) + n;
    if (type === 'NORMAL_TASK') out.total_tasks += n;
    if (type === 'ACTOR_TASK') out.total_actor_tasks += n;
    if (type === 'ACTOR_CREATION_TASK') out.total_actor_scheduled += n;
  }
  return out;
}

/** Every actor of the session (for names in the lineage tree). */
export async function allActors(
  store: BlobStore,
  cache: DashboardCache,
  m: Manifest,
): Promise<Map<string, ActorState>> {
  const out = new Map<string, ActorState>();
  for (const e of m.actors)
    for (const a of await readShard(store, cache, actorCollection, e)) out.set(a.actorId, a);
  return out;
}

export async function summarizeTasks(
  store: BlobStore,
  ref: SessionRef,
  query: TaskSummarizeQuery,
  options: ReadOptions = {},
): Promise<TaskSummaryResponse> {
  const q = checkQuery(TaskSummarizeQuerySchema, query);
  const cache = options.cache ?? cacheFor(store);
  const filters = effectiveFilters(q.filters, q.excludeDriver);
  return withManifest(store, ref, options, async (m) => {
    const summary = await readDoc(store, cache, m.summary, SummaryDocSchema, EMPTY_SUMMARY);
    const total = Object.values(summary.tasks).reduce((a, b) => a + b, 0);
    let filtered: number;
    let cluster;
    if (q.summaryBy === 'lineage') {
      const scan = await scanTasks(store, cache, m, filters, LINEAGE_LIMIT, !countable(filters));
      filtered = countable(filters) ? countFacets(summary.tasks, filters) : scan.matched;
      cluster = lineageSummary(scan.rows, await allActors(store, cache, m));
    } else if (countable(filters)) {
      const facets = Object.entries(summary.tasks).map(([k, n]): [Facet, number] => [
        JSON.parse(k) as Facet,
        n,
      ]);
      const matching = facets.filter(([f]) => countFacets({ [JSON.stringify(f)]: 1 }, filters) === 1);
      filtered = matching.reduce((a, [, n]) => a + n, 0);
      cluster = byFunc(matching);
    } else {
      const counts = new Map<string, number>();
      await forEachTaskShard(store, cache, m, filters, (hits) => {
        for (const t of hits)
          counts.set(JSON.stringify(taskFacet(t)), (counts.get(JSON.stringify(taskFacet(t))) ?? 0) + 1);
        return true;
      });
      const facets = [...counts.entries()].map(([k, n]): [Facet, number] => [JSON.parse(k) as Facet, n]);
      filtered = facets.reduce((a, [, n]) => a + n, 0);
      cluster = byFunc(facets);
    }
    return {
      result: true,
      msg: '',
      data: {
        result: {
          total,
          num_after_truncation: total,
          num_filtered: filtered,
          result: { node_id_to_summary: { cluster } },
          partial_failure_warning: '',
          warnings: null,
        },
      },
    };
  });
}

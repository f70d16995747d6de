/**
 * The API routes the UI reads, typed by the server's own schemas (src/schemas): the index's listings,
 * a session's files, and the dashboard routes (src/api/ray.ts: Ray's shapes under `…/ray/`, and ours:
 * failures, search). Answers that several views share are kept briefly (lib/cache.ts).
 */
import { answers } from '../lib/cache';
import type {
  ActorsResponse,
  AllEventsReply,
  ClusterList,
  ClusterStatusReply,
  FailuresResponse,
  FileListing,
  Job,
  NodesSummaryResponse,
  SearchReply,
  SessionList,
  TaskFilter,
  TaskListResponse,
  TaskSummaryResponse,
  TraceEvent,
} from './types';
import { getJson } from './client';

/** A session, as every session-scoped route names it. */
export interface SessionRef {
  namespace: string;
  cluster: string;
  session: string;
}

const seg = encodeURIComponent;

export const apiPaths = {
  clusters: () => '/api/v1/clusters',
  sessions: (namespace: string, cluster: string) =>
    `/api/v1/clusters/${seg(namespace)}/${seg(cluster)}/sessions`,
  session: (s: SessionRef) => `${apiPaths.sessions(s.namespace, s.cluster)}/${seg(s.session)}`,
  files: (s: SessionRef, prefix: string, cursor?: string) =>
    `${apiPaths.session(s)}/files?${new URLSearchParams({
      prefix,
      delimiter: '/',
      ...(cursor !== undefined && { cursor }),
    }).toString()}`,
  metadata: (s: SessionRef) => `${apiPaths.session(s)}/metadata`,
  /** A log file; `file` may hold `/`, each segment is encoded. */
  log: (s: SessionRef, node: string, file: string) =>
    `${apiPaths.session(s)}/logs/${seg(node)}/${file.split('/').map(seg).join('/')}`,
  failures: (s: SessionRef) => `${apiPaths.session(s)}/failures`,
  search: (s: SessionRef, q: SearchQuery, cursor?: string) =>
    `${apiPaths.session(s)}/search?${searchParams(q, cursor).toString()}`,
  /** A Ray Dashboard path of the session (`api/jobs/`, `nodes`, …). */
  ray: (s: SessionRef, path: string) => `${apiPaths.session(s)}/ray/${path}`,
  tasks: (s: SessionRef, q: TaskQuery) => apiPaths.ray(s, `api/v0/tasks?${taskParams(q).toString()}`),
  /** The Chrome trace; `download` makes it an attachment (timeline.json). */
  timeline: (s: SessionRef, jobId?: string, download = false) =>
    apiPaths.ray(
      s,
      `api/v0/tasks/timeline${query({ ...(jobId !== undefined && { job_id: jobId }), ...(download && { download: '1' }) })}`,
    ),
};

/** The session search's parameters (src/schemas/logs.ts SearchQuery). */
export interface SearchQuery {
  q: string;
  regex?: boolean;
  ignoreCase?: boolean;
  node?: string;
  glob?: string;
  limit?: number;
}

function searchParams(q: SearchQuery, cursor?: string): URLSearchParams {
  const p = new URLSearchParams({ q: q.q });
  if (q.regex === true) p.set('regex', 'true');
  if (q.ignoreCase === true) p.set('ignoreCase', 'true');
  if (q.node !== undefined && q.node !== '') p.set('node', q.node);
  if (q.glob !== undefined && q.glob !== '') p.set('glob', q.glob);
  if (q.limit !== undefined) p.set('limit', String(q.limit));
  if (cursor !== undefined) p.set('cursor', cursor);
  return p;
}

/** The tasks route's parameters, in Ray's StateApi names (src/schemas/dashboard.ts TasksHttpQuery). */
export interface TaskQuery {
  filters: TaskFilter[];
  limit: number;
  detail?: boolean;
}

export function taskParams(q: TaskQuery): URLSearchParams {
  const p = new URLSearchParams();
  for (const f of q.filters) {
    p.append('filter_keys', f.key);
    p.append('filter_predicates', f.predicate);
    p.append('filter_values', f.value);
  }
  p.set('limit', String(q.limit));
  if (q.detail === true) p.set('detail', 'true');
  return p;
}

const query = (params: Record<string, string>) => {
  const q = new URLSearchParams(params).toString();
  return q === '' ? '' : `?${q}`;
};

/** A GET kept briefly and shared (the caller's abort does not cancel it for the others). */
const shared = <T>(path: string) => answers.get(path, () => getJson<T>(path));

export const api = {
  clusters: (signal?: AbortSignal) => getJson<ClusterList>(apiPaths.clusters(), signal),
  sessions: (namespace: string, cluster: string, signal?: AbortSignal) =>
    getJson<SessionList>(apiPaths.sessions(namespace, cluster), signal),
  files: (s: SessionRef, prefix: string, cursor?: string, signal?: AbortSignal) =>
    getJson<FileListing>(apiPaths.files(s, prefix, cursor), signal),
  metadata: (s: SessionRef, signal?: AbortSignal) =>
    getJson<Record<string, unknown>>(apiPaths.metadata(s), signal),
  /** The sessions of a cluster, kept briefly: every session view checks that its session exists. */
  sessionsShared: (namespace: string, cluster: string) =>
    shared<SessionList>(apiPaths.sessions(namespace, cluster)),
  failures: (s: SessionRef) => shared<FailuresResponse>(apiPaths.failures(s)),
  jobs: (s: SessionRef) => shared<Job[]>(apiPaths.ray(s, 'api/jobs/')),
  nodes: (s: SessionRef) => shared<NodesSummaryResponse>(apiPaths.ray(s, 'nodes?view=summary')),
  actors: (s: SessionRef) => shared<ActorsResponse>(apiPaths.ray(s, 'logical/actors')),
  taskSummary: (s: SessionRef) => shared<TaskSummaryResponse>(apiPaths.ray(s, 'api/v0/tasks/summarize')),
  tasks: (s: SessionRef, q: TaskQuery, signal?: AbortSignal) =>
    getJson<TaskListResponse>(apiPaths.tasks(s, q), signal),
  timeline: (s: SessionRef, jobId?: string, signal?: AbortSignal) =>
    getJson<TraceEvent[]>(apiPaths.timeline(s, jobId), signal),
  events: (s: SessionRef, signal?: AbortSignal) => getJson<AllEventsReply>(apiPaths.ray(s, 'events'), signal),
  clusterStatus: (s: SessionRef, signal?: AbortSignal) =>
    getJson<ClusterStatusReply>(apiPaths.ray(s, 'api/cluster_status?format=1'), signal),
  search: (s: SessionRef, q: SearchQuery, cursor?: string, signal?: AbortSignal) =>
    getJson<SearchReply>(apiPaths.search(s, q, cursor), signal),
  /** Files of a node matching a glob (Ray's `api/v0/logs`), by category. */
  nodeLogs: (s: SessionRef, node: string, glob: string, signal?: AbortSignal) =>
    getJson<{ data: { result: Record<string, string[]> } }>(
      apiPaths.ray(s, `api/v0/logs${query({ node_id: node, glob })}`),
      signal,
    ),
};

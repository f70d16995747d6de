/**
 * The session's task attempts: filtered by state, job, function, error type or task id (the tasks
 * route's own filters, so counts are exact), sorted by any column, paged. The route answers at most
 * `limit` rows (Ray's StateApi: 100 by default, up to 10,000) in task-id order; when more match, the
 * table says so and offers a larger limit. Every row with a known worker links to its log lines.
 */
import { useState } from 'preact/hooks';
import { api } from '../api/endpoints';
import type { TaskFilter, TaskRow } from '../api/types';
import { ErrorState, Notice, SkeletonRows } from '../components/states';
import { FilterSelect, Pager, ShortId, SortHeader, StateBadge, type Option } from '../components/Table';
import { Time } from '../components/Time';
import { firstLine, formatCount, formatDuration, isoOfMs, shortNode } from '../lib/format';
import { locatorHref, taskLogLocator } from '../lib/logLinks';
import { useQuery, type SessionParams } from '../lib/router';
import { pageOf, parseSort, formatSort, sortRows, type SortSpec } from '../lib/table';
import { useApi } from '../lib/useApi';
import { SessionLayout } from './SessionLayout';

export const PAGE_ROWS = 50;
/** The limits a person can ask the route for: Ray's default, then ten and a hundred times more. */
export const LIMITS = [100, 1000, 10_000];

const KEYS = ['name', 'state', 'job', 'node', 'start', 'duration', 'error'] as const;
type Key = (typeof KEYS)[number];
const DEFAULT_SORT: SortSpec<Key> = { key: 'start', desc: true };

/** The route's filters from the view's URL parameters. */
export function taskFilters(q: URLSearchParams): TaskFilter[] {
  const f: TaskFilter[] = [];
  const add = (param: string, key: TaskFilter['key']) => {
    const v = q.get(param) ?? '';
    if (v !== '') f.push({ key, predicate: '=', value: v });
  };
  add('state', 'state');
  add('job', 'job_id');
  add('func', 'func_or_class_name');
  add('error', 'error_type');
  add('task', 'task_id');
  return f;
}

const duration = (t: TaskRow) =>
  t.start_time_ms && t.end_time_ms && t.end_time_ms >= t.start_time_ms
    ? t.end_time_ms - t.start_time_ms
    : null;

function cellOf(names: Map<string, string>) {
  return (t: TaskRow, k: Key) => {
    switch (k) {
      case 'name':
        return t.name || t.func_or_class_name;
      case 'state':
        return t.state;
      case 'job':
        return t.job_id;
      case 'node':
        return t.node_id === null ? null : (names.get(t.node_id) ?? t.node_id);
      case 'start':
        return t.start_time_ms ?? t.creation_time_ms ?? null;
      case 'duration':
        return duration(t);
      case 'error':
        return t.error_type;
    }
  };
}

function TaskDetail(props: { t: TaskRow; s: SessionParams; names: Map<string, string> }) {
  const { t, s, names } = props;
  const out = taskLogLocator(t, (id) => names.get(id), 'out');
  const err = taskLogLocator(t, (id) => names.get(id), 'err');
  return (
    <div class="task-detail">
      <dl class="facts">
        <div>
          <dt>Task id</dt>
          <dd class="mono">{t.task_id}</dd>
        </div>
        <div>
          <dt>Type</dt>
          <dd>{t.type}</dd>
        </div>
        {t.actor_id !== null && (
          <div>
            <dt>Actor</dt>
            <dd class="mono">{t.actor_id}</dd>
          </div>
        )}
        <div>
          <dt>Worker</dt>
          <dd class="mono">
            {t.worker_id ?? '–'}
            {t.worker_pid !== null && ` (pid ${t.worker_pid})`}
          </dd>
        </div>
        {t.required_resources !== undefined && Object.keys(t.required_resources).length > 0 && (
          <div>
            <dt>Resources</dt>
            <dd>
              {Object.entries(t.required_resources)
                .map(([k, v]) => `${k} ${v}`)
                .join(' · ')}
            </dd>
          </div>
        )}
      </dl>
      {t.events !== undefined && t.events.length > 0 && (
        <ol class="transitions" aria-label="State changes">
          {t.events.map((e) => (
            <li key={`${e.state}${e.created_ms}`}>
              <StateBadge state={e.state} /> <Time iso={isoOfMs(e.created_ms)} precise />
            </li>
          ))}
        </ol>
      )}
      {t.error_message !== null && t.error_message !== undefined && t.error_message !== '' && (
        <pre class="error-text">{t.error_message}</pre>
      )}
      <p class="card-links">
        {err !== null && (
          <a href={locatorHref(s, err)}>stderr{err.range !== undefined && ' (its lines)'} →</a>
        )}
        {out !== null && (
          <a href={locatorHref(s, out)}>stdout{out.range !== undefined && ' (its lines)'} →</a>
        )}
      </p>
    </div>
  );
}

function TaskRowView(props: { t: TaskRow; s: SessionParams; names: Map<string, string> }) {
  const { t, s, names } = props;
  const [open, setOpen] = useState(false);
  const err = taskLogLocator(t, (id) => names.get(id));
  const node = t.node_id === null ? null : (names.get(t.node_id) ?? null);
  const id = `task-${t.task_id}-${t.attempt_number}`;
  return (
    <>
      <tr class={t.state === 'FAILED' ? 'row-bad' : undefined}>
        <td>
          <button
            type="button"
            class="disclose"
            aria-expanded={open}
            aria-controls={id}
            onClick={() => setOpen(!open)}
            title="Details"
          >
            <span class="chevron" aria-hidden="true" />
            {t.name || t.func_or_class_name || <span class="muted">(unnamed)</span>}
          </button>{' '}
          <span class="muted">
            <ShortId id={t.task_id} />
            {t.attempt_number > 0 && ` #${t.attempt_number}`}
          </span>
        </td>
        <td>
          <StateBadge state={t.state} />
        </td>
        <td class="mono">{t.job_id}</td>
        <td class="mono" title={node ?? t.node_id ?? ''}>
          {node === null ? <ShortId id={t.node_id} /> : shortNode(node, s.cluster)}
        </td>
        <td>
          <Time iso={isoOfMs(t.start_time_ms ?? t.creation_time_ms)} precise />
        </td>
        <td class="num">{formatDuration(duration(t))}</td>
        <td title={t.error_message ?? ''}>
          {t.error_type ?? ''}
          {t.error_message !== null && t.error_message !== undefined && (
            <span class="muted sub">{firstLine(t.error_message)}</span>
          )}
        </td>
        <td>{err === null ? <span class="muted">–</span> : <a href={locatorHref(s, err)}>log →</a>}</td>
      </tr>
      {open && (
        <tr id={id} class="detail-row">
          <td colSpan={8}>
            <TaskDetail t={t} s={s} names={names} />
          </td>
        </tr>
      )}
    </>
  );
}

function useFilterOptions(s: SessionParams) {
  const dep = [s.namespace, s.cluster, s.session];
  const [summary] = useApi(() => api.taskSummary(s), dep);
  const [jobs] = useApi(() => api.jobs(s), dep);
  const [failures] = useApi(() => api.failures(s), dep);
  const states = new Map<string, number>();
  const funcs: Option[] = [];
  if (summary.status === 'ok') {
    const sum = summary.data.data.result.result.node_id_to_summary.cluster;
    if (sum.summary_by === 'func_name') {
      for (const f of Object.values(sum.summary)) {
        let n = 0;
        for (const [st, c] of Object.entries(f.state_counts)) {
          states.set(st, (states.get(st) ?? 0) + c);
          n += c;
        }
        funcs.push({ value: f.func_or_class_name, label: `${f.func_or_class_name} (${formatCount(n)})` });
      }
    }
  }
  funcs.sort((a, b) => a.value.localeCompare(b.value));
  return {
    states: [...states].sort().map(([v, n]) => ({ value: v, label: `${v} (${formatCount(n)})` })),
    funcs,
    jobs:
      jobs.status === 'ok'
        ? jobs.data
            .filter((j) => j.job_id !== null)
            .map((j) => ({
              value: j.job_id!,
              label: `${j.job_id}${j.submission_id === null ? '' : ` · ${j.submission_id}`}`,
            }))
        : [],
    errors:
      failures.status === 'ok'
        ? failures.data.tasks.groups.map((g) => ({
            value: g.errorType,
            label: `${g.errorType} (${formatCount(g.count)})`,
          }))
        : [],
  };
}

export function TasksView(props: SessionParams) {
  const s = { namespace: props.namespace, cluster: props.cluster, session: props.session };
  const [q, setQuery] = useQuery();
  const filters = taskFilters(q);
  const limit = LIMITS.includes(Number(q.get('limit'))) ? Number(q.get('limit')) : LIMITS[0]!;
  const sort = parseSort(q.get('sort') ?? '', KEYS, DEFAULT_SORT);
  const key = JSON.stringify(filters);
  const [state, retry] = useApi(
    (signal) => api.tasks(s, { filters, limit, detail: true }, signal),
    [s.namespace, s.cluster, s.session, key, limit],
  );
  const [nodes] = useApi(() => api.nodes(s), [s.namespace, s.cluster, s.session]);
  const names = new Map<string, string>();
  if (nodes.status === 'ok')
    for (const n of nodes.data.data.summary)
      if (n.storageNode !== null) names.set(n.raylet.nodeId, n.storageNode);
  const options = useFilterOptions(s);
  const filter = (param: string) => (value: string) => setQuery({ [param]: value, page: null });

  const result = state.status === 'ok' ? state.data.data.result : null;
  const rows = result === null ? [] : sortRows(result.result, cellOf(names), sort);
  const slice = pageOf(rows, Number(q.get('page') ?? '1'), PAGE_ROWS);
  const more = result !== null && result.num_filtered > result.result.length;
  const nextLimit = LIMITS.find((l) => l > limit);
  return (
    <SessionLayout {...s} current="tasks">
      <div class="filters" role="search" aria-label="Filter tasks">
        <FilterSelect
          id="f-state"
          label="State"
          value={q.get('state') ?? ''}
          options={options.states}
          onChange={filter('state')}
        />
        <FilterSelect
          id="f-job"
          label="Job"
          value={q.get('job') ?? ''}
          options={options.jobs}
          onChange={filter('job')}
        />
        <FilterSelect
          id="f-func"
          label="Function"
          value={q.get('func') ?? ''}
          options={options.funcs}
          onChange={filter('func')}
        />
        <FilterSelect
          id="f-error"
          label="Error"
          value={q.get('error') ?? ''}
          options={options.errors}
          onChange={filter('error')}
        />
        {q.get('task') !== null && (
          <span class="filter">
            Task <span class="mono">{q.get('task')}</span>{' '}
            <button type="button" class="link" onClick={() => setQuery({ task: null, page: null })}>
              any task
            </button>
          </span>
        )}
        {filters.length > 0 && (
          <button
            type="button"
            class="link"
            onClick={() =>
              setQuery({ state: null, job: null, func: null, error: null, task: null, page: null })
            }
          >
            Clear filters
          </button>
        )}
      </div>
      {state.status === 'error' ? (
        <ErrorState error={state.error} retry={retry} />
      ) : result !== null && result.num_filtered === 0 ? (
        <Notice title={result.total === 0 ? 'No tasks recorded' : 'No task matches these filters'}>
          <p>
            {result.total === 0
              ? 'No task events were stored for this session.'
              : `${formatCount(result.total)} task attempts in all.`}
          </p>
        </Notice>
      ) : (
        <>
          <table class="grid tasks" aria-busy={state.status === 'loading'}>
            <caption class="visually-hidden">Task attempts</caption>
            <thead>
              <tr>
                <SortHeader
                  label="Task"
                  k="name"
                  sort={sort}
                  onSort={(v) => setQuery({ sort: formatSort(v) })}
                />
                <SortHeader
                  label="State"
                  k="state"
                  sort={sort}
                  onSort={(v) => setQuery({ sort: formatSort(v) })}
                />
                <SortHeader
                  label="Job"
                  k="job"
                  sort={sort}
                  onSort={(v) => setQuery({ sort: formatSort(v) })}
                />
                <SortHeader
                  label="Node"
                  k="node"
                  sort={sort}
                  onSort={(v) => setQuery({ sort: formatSort(v) })}
                />
                <SortHeader
                  label="Started"
                  k="start"
                  sort={sort}
                  descFirst
                  onSort={(v) => setQuery({ sort: formatSort(v) })}
                />
                <SortHeader
                  label="Duration"
                  k="duration"
                  num
                  descFirst
                  sort={sort}
                  onSort={(v) => setQuery({ sort: formatSort(v) })}
                />
                <SortHeader
                  label="Error"
                  k="error"
                  sort={sort}
                  onSort={(v) => setQuery({ sort: formatSort(v) })}
                />
                <th scope="col">Log</th>
              </tr>
            </thead>
            <tbody>
              {state.status === 'loading' ? (
                <SkeletonRows rows={10} cols={8} />
              ) : (
                slice.rows.map((t) => (
                  <TaskRowView key={`${t.task_id}/${t.attempt_number}`} t={t} s={s} names={names} />
                ))
              )}
            </tbody>
          </table>
          {result !== null && (
            <Pager slice={slice} what="task attempts" onPage={(p) => setQuery({ page: String(p) })}>
              <span class="muted">
                {formatCount(result.num_filtered)} match
                {more && `; the first ${formatCount(result.result.length)} (in task-id order) are here`}
                {more && nextLimit !== undefined && (
                  <>
                    {' '}
                    <button type="button" onClick={() => setQuery({ limit: String(nextLimit), page: null })}>
                      Fetch up to {formatCount(nextLimit)}
                    </button>
                  </>
                )}
                {more && nextLimit === undefined && ' — narrow the filters to see the rest'}
              </span>
            </Pager>
          )}
        </>
      )}
    </SessionLayout>
  );
}

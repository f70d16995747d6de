/**
 * The session over time, as pictures: its state changes (jobs, nodes, actors, task attempts, Ray's
 * event log) and its task timeline (the Chrome trace), each with the same facts as text below it.
 * Loaded on demand (its own chunk): the charts are the biggest code of the UI.
 */
import { useState } from 'preact/hooks';
import { apiPaths, api } from '../api/endpoints';
import { authHeaders } from '../api/client';
import type { TaskRow } from '../api/types';
import { ErrorState, Notice } from '../components/states';
import { FilterSelect, StateBadge } from '../components/Table';
import { Time } from '../components/Time';
import { formatCount, formatDuration, isoOfMs } from '../lib/format';
import { locatorHref, taskLogLocator } from '../lib/logLinks';
import { hrefOf, hrefWith, useQuery, type SessionParams } from '../lib/router';
import { pageOf } from '../lib/table';
import { useApi } from '../lib/useApi';
import { StateChart } from '../timeline/StateChart';
import { buildStory, type Group } from '../timeline/story';
import { layoutTrace, type Span } from '../timeline/trace';
import { TraceChart } from '../timeline/TraceChart';
import { Pager } from '../components/Table';
import { SessionLayout } from './SessionLayout';

/** Task attempts read for the state changes (with their transitions): Ray's default page, ten times. */
export const STORY_TASKS = 1000;
const CHANGE_ROWS = 100;

const GROUP_NAMES: Record<Group, string> = {
  job: 'Jobs',
  node: 'Nodes',
  actor: 'Actors',
  task: 'Tasks',
  event: 'Event log',
};

function StateChanges(props: { s: SessionParams }) {
  const { s } = props;
  const dep = [s.namespace, s.cluster, s.session];
  const [q, setQuery] = useQuery();
  const [jobs] = useApi(() => api.jobs(s), dep);
  const [nodes] = useApi(() => api.nodes(s), dep);
  const [actors] = useApi(() => api.actors(s), dep);
  const [tasks] = useApi(
    (signal) => api.tasks(s, { filters: [], limit: STORY_TASKS, detail: true }, signal),
    dep,
  );
  const [events] = useApi((signal) => api.events(s, signal), dep);
  const all = [jobs, nodes, actors, tasks, events];
  const failed = all.find((x) => x.status === 'error');
  if (failed !== undefined && failed.status === 'error') return <ErrorState error={failed.error} />;
  if (
    jobs.status !== 'ok' ||
    nodes.status !== 'ok' ||
    actors.status !== 'ok' ||
    tasks.status !== 'ok' ||
    events.status !== 'ok'
  ) {
    return <div class="chart-placeholder" aria-busy="true" />;
  }
  const names = new Map<string, string>();
  for (const n of nodes.data.data.summary)
    if (n.storageNode !== null) names.set(n.raylet.nodeId, n.storageNode);
  const every = q.get('every') === '1';
  const taskLink = (t: TaskRow) => {
    const log = taskLogLocator(t, (id) => names.get(id));
    return log !== null && t.state === 'FAILED'
      ? locatorHref(s, log)
      : hrefWith({ view: 'tasks', ...s }, { task: t.task_id });
  };
  const story = buildStory(
    {
      jobs: jobs.data,
      nodes: nodes.data.data.summary,
      actors: Object.values(actors.data.data.actors),
      tasks: tasks.data.data.result.result,
      events: events.data.data.events,
    },
    {
      job: (id) => hrefWith({ view: 'tasks', ...s }, { job: id }),
      node: (n) => hrefOf({ view: 'logs', ...s, node: n }),
      actor: (id) => hrefWith({ view: 'actors', ...s }, { q: id }),
      task: taskLink,
    },
    every,
  );
  if (story.t0 === null) {
    return (
      <Notice title="Nothing happened that the events recorded">
        <p>No job, node, actor, task or event-log line with a time was stored for this session.</p>
      </Notice>
    );
  }
  const truncated = tasks.data.data.result.num_filtered > tasks.data.data.result.result.length;
  const hidden = new Set((q.get('hide') ?? '').split(',').filter((x) => x !== ''));
  const changes = story.changes.filter((c) => !hidden.has(c.group));
  const slice = pageOf(changes, Number(q.get('page') ?? '1'), CHANGE_ROWS);
  const toggle = (g: Group) => {
    const next = new Set(hidden);
    if (next.has(g)) next.delete(g);
    else next.add(g);
    setQuery({ hide: [...next].join(','), page: null });
  };
  return (
    <>
      <StateChart story={story} />
      {truncated && (
        <p class="muted">
          Task attempts: the first {formatCount(tasks.data.data.result.result.length)} of{' '}
          {formatCount(tasks.data.data.result.num_filtered)} (in task-id order) are drawn; the failures view
          and the tasks table count them all.
        </p>
      )}
      <h3 id="changes-title">Changes in time order</h3>
      <div class="filters" role="group" aria-labelledby="changes-title">
        {(Object.keys(GROUP_NAMES) as Group[]).map((g) => (
          <span class="filter" key={g}>
            <input id={`c-${g}`} type="checkbox" checked={!hidden.has(g)} onChange={() => toggle(g)} />
            <label for={`c-${g}`}>{GROUP_NAMES[g]}</label>
          </span>
        ))}
        <span class="filter">
          <input
            id="c-every"
            type="checkbox"
            checked={every}
            onChange={() => setQuery({ every: every ? null : '1', page: null })}
          />
          <label for="c-every">Every task state change (not only failures)</label>
        </span>
      </div>
      <table class="grid changes">
        <caption class="visually-hidden">State changes in time order</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">After start</th>
            <th scope="col">What</th>
            <th scope="col">Which</th>
            <th scope="col">State</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {slice.rows.map((c, i) => (
            <tr key={`${c.at}-${i}`}>
              <td>
                <Time iso={isoOfMs(c.at)} precise />
              </td>
              <td class="num">{formatDuration(c.at - story.t0!)}</td>
              <td>{GROUP_NAMES[c.group]}</td>
              <td class="mono">{c.href === undefined ? c.subject : <a href={c.href}>{c.subject}</a>}</td>
              <td>
                <StateBadge state={c.state} />
              </td>
              <td class="wrap" title={c.detail}>
                {c.detail}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager slice={slice} what="changes" onPage={(p) => setQuery({ page: String(p) })} />
    </>
  );
}

function SlowestTasks(props: { spans: Span[]; s: SessionParams; failed: ReadonlySet<string> }) {
  const top = props.spans
    .filter((x) => x.depth === 0 && x.taskId !== null)
    .sort((a, b) => b.end - b.ts - (a.end - a.ts))
    .slice(0, 10);
  if (top.length === 0) return null;
  return (
    <table class="grid slowest">
      <caption>The longest tasks of the timeline</caption>
      <thead>
        <tr>
          <th scope="col">Task</th>
          <th scope="col" class="num">
            Duration
          </th>
          <th scope="col">Started</th>
          <th scope="col">Job</th>
        </tr>
      </thead>
      <tbody>
        {top.map((x) => (
          <tr key={`${x.taskId}-${x.ts}`}>
            <td>
              <a href={hrefWith({ view: 'tasks', ...props.s }, { task: x.taskId! })}>{x.func ?? x.name}</a>
              {props.failed.has(x.taskId!) && <span class="badge tone-bad">FAILED</span>}
            </td>
            <td class="num">{formatDuration((x.end - x.ts) / 1000)}</td>
            <td>
              <Time iso={isoOfMs(x.ts / 1000)} precise />
            </td>
            <td class="mono">{x.jobId}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function TaskTimeline(props: { s: SessionParams }) {
  const { s } = props;
  const dep = [s.namespace, s.cluster, s.session];
  const [q, setQuery] = useQuery();
  const job = q.get('job') ?? '';
  const [jobs] = useApi(() => api.jobs(s), dep);
  const [trace, retry] = useApi(
    (signal) => api.timeline(s, job === '' ? undefined : job, signal),
    [...dep, job],
  );
  const [failedTasks] = useApi(
    (signal) =>
      api.tasks(s, { filters: [{ key: 'state', predicate: '=', value: 'FAILED' }], limit: 10_000 }, signal),
    dep,
  );
  const [selected, setSelected] = useState<Span | null>(null);
  const failed = new Set(
    failedTasks.status === 'ok' ? failedTasks.data.data.result.result.map((t) => t.task_id) : [],
  );
  const laid = trace.status === 'ok' ? layoutTrace(trace.data) : null;
  const key = authHeaders()['x-functions-key'];
  const download = `${apiPaths.timeline(s, job === '' ? undefined : job, true)}${key === undefined ? '' : `&code=${encodeURIComponent(key)}`}`;
  return (
    <>
      <div class="filters">
        <FilterSelect
          id="t-job"
          label="Job"
          value={job}
          anyLabel="All jobs"
          options={
            jobs.status === 'ok'
              ? jobs.data
                  .filter((j) => j.job_id !== null)
                  .map((j) => ({
                    value: j.job_id!,
                    label: `${j.job_id}${j.submission_id === null ? '' : ` · ${j.submission_id}`}`,
                  }))
              : []
          }
          onChange={(v) => setQuery({ job: v })}
        />
        <a
          class="button"
          href={download}
          download="timeline.json"
          title="The Chrome trace, for chrome://tracing or Perfetto"
        >
          Download trace
        </a>
      </div>
      {trace.status === 'error' && <ErrorState error={trace.error} retry={retry} />}
      {trace.status === 'loading' && <div class="chart-placeholder" aria-busy="true" />}
      {laid !== null && laid.spans === 0 && (
        <Notice title="No task profile events">
          <p>
            Ray records a task's phases (TASK_PROFILE events) only when the cluster exports them; none were
            stored{job === '' ? '' : ' for this job'}.
          </p>
        </Notice>
      )}
      {laid !== null && laid.spans > 0 && (
        <>
          <TraceChart trace={laid} failed={failed} selected={selected} onSelect={setSelected} />
          {selected !== null && (
            <div class="span-detail" role="status">
              <strong>{selected.name}</strong> · {formatDuration((selected.end - selected.ts) / 1000)} ·
              started <Time iso={isoOfMs(selected.ts / 1000)} precise />
              {selected.taskId !== null && (
                <>
                  {' '}
                  ·{' '}
                  <a href={hrefWith({ view: 'tasks', ...s }, { task: selected.taskId })}>
                    the task and its log →
                  </a>
                </>
              )}
            </div>
          )}
          <SlowestTasks spans={laid.lanes.flatMap((l) => l.spans)} s={s} failed={failed} />
        </>
      )}
    </>
  );
}

export function TimelineView(props: SessionParams) {
  const s = { namespace: props.namespace, cluster: props.cluster, session: props.session };
  return (
    <SessionLayout {...s} current="timeline">
      <section aria-labelledby="story-title">
        <h2 id="story-title">State changes</h2>
        <StateChanges s={s} />
      </section>
      <section aria-labelledby="trace-title">
        <h2 id="trace-title">Task timeline</h2>
        <TaskTimeline s={s} />
      </section>
    </SessionLayout>
  );
}

/**
 * The session over time, as pictures: its state changes (jobs, nodes, actors, task attempts, Ray's
 * event log) and its task timeline (the Chrome trace), each with the same facts as text below it.
 * Loaded on demand (its own chunk): the charts are the biggest code of the UI.
 */
import { useMemo, useRef, useState } from 'preact/hooks';
import { apiPaths, api } from '../api/endpoints';
import { authHeaders } from '../api/client';
import type {
  ActorsResponse,
  AllEventsReply,
  Job,
  NodesSummaryResponse,
  TaskListResponse,
  TaskRow,
  TraceEvent,
} from '../api/types';
import { ErrorState, Notice } from '../components/states';
import { FilterSelect, StateBadge } from '../components/Table';
import { Time } from '../components/Time';
import { formatCount, formatDuration, isoOfMs } from '../lib/format';
import { locatorHref, taskLogLocator } from '../lib/logLinks';
import { hrefOf, hrefWith, useQuery, type SessionParams } from '../lib/router';
import { pageOf } from '../lib/table';
import { useApi, type Loaded } from '../lib/useApi';
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

interface StoryData {
  jobs: Job[];
  nodes: NodesSummaryResponse;
  actors: ActorsResponse;
  tasks: TaskListResponse;
  events: AllEventsReply;
}

function StateChanges(props: { s: SessionParams; data: StoryData }) {
  const { s } = props;
  const { jobs, nodes, actors, tasks, events } = props.data;
  const [q, setQuery] = useQuery();
  const names = new Map<string, string>();
  for (const n of nodes.data.summary) if (n.storageNode !== null) names.set(n.raylet.nodeId, n.storageNode);
  const every = q.get('every') === '1';
  const taskLink = (t: TaskRow) => {
    const log = taskLogLocator(t, (id) => names.get(id));
    return log !== null && t.state === 'FAILED'
      ? locatorHref(s, log)
      : hrefWith({ view: 'tasks', ...s }, { task: t.task_id });
  };
  const story = buildStory(
    {
      jobs,
      nodes: nodes.data.summary,
      actors: Object.values(actors.data.actors),
      tasks: tasks.data.result.result,
      events: events.data.events,
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
  const truncated = tasks.data.result.num_filtered > tasks.data.result.result.length;
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
          Task attempts: the first {formatCount(tasks.data.result.result.length)} of{' '}
          {formatCount(tasks.data.result.num_filtered)} (in task-id order) are drawn; the failures view and
          the tasks table count them all.
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

function TaskTimeline(props: {
  s: SessionParams;
  jobs: Job[];
  trace: Loaded<TraceEvent[]>;
  /** The trace shown last: kept on screen while another job's loads, so nothing jumps. */
  shown: TraceEvent[] | null;
  retry: () => void;
  failed: ReadonlySet<string>;
}) {
  const { s, jobs, trace, failed, retry } = props;
  const [q, setQuery] = useQuery();
  const job = q.get('job') ?? '';
  const [selected, setSelected] = useState<Span | null>(null);
  const laid = useMemo(() => (props.shown === null ? null : layoutTrace(props.shown)), [props.shown]);
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
          options={jobs
            .filter((j) => j.job_id !== null)
            .map((j) => ({
              value: j.job_id!,
              label: `${j.job_id}${j.submission_id === null ? '' : ` · ${j.submission_id}`}`,
            }))}
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
      {laid !== null && laid.spans === 0 && (
        <Notice title="No task profile events">
          <p>
            Ray records a task's phases (TASK_PROFILE events) only when the cluster exports them; none were
            stored{job === '' ? '' : ' for this job'}.
          </p>
        </Notice>
      )}
      {laid !== null && laid.spans > 0 && (
        <div aria-busy={trace.status === 'loading'}>
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
        </div>
      )}
    </>
  );
}

export function TimelineView(props: SessionParams) {
  const s = { namespace: props.namespace, cluster: props.cluster, session: props.session };
  const dep = [s.namespace, s.cluster, s.session];
  const [q] = useQuery();
  const job = q.get('job') ?? '';
  const [jobs, r1] = useApi(() => api.jobs(s), dep);
  const [nodes, r2] = useApi(() => api.nodes(s), dep);
  const [actors, r3] = useApi(() => api.actors(s), dep);
  const [tasks, r4] = useApi(
    (signal) => api.tasks(s, { filters: [], limit: STORY_TASKS, detail: true }, signal),
    dep,
  );
  const [events, r5] = useApi((signal) => api.events(s, signal), dep);
  const [failedTasks, r6] = useApi(
    (signal) =>
      api.tasks(s, { filters: [{ key: 'state', predicate: '=', value: 'FAILED' }], limit: 10_000 }, signal),
    dep,
  );
  const [trace, retryTrace] = useApi(
    (signal) => api.timeline(s, job === '' ? undefined : job, signal),
    [...dep, job],
  );
  const failedIds = useMemo(
    () =>
      new Set(failedTasks.status === 'ok' ? failedTasks.data.data.result.result.map((t) => t.task_id) : []),
    [failedTasks],
  );
  const shown = useRef<TraceEvent[] | null>(null);
  if (trace.status === 'ok') shown.current = trace.data;
  const loads = [jobs, nodes, actors, tasks, events, failedTasks];
  const failed = loads.find((x) => x.status === 'error');
  const retryAll = () => [r1, r2, r3, r4, r5, r6].forEach((r) => r());
  // Everything appears at once (the trace's first load included), so nothing moves as parts arrive.
  const ready =
    loads.every((x) => x.status === 'ok') && (trace.status !== 'loading' || shown.current !== null);
  return (
    <SessionLayout {...s} current="timeline">
      {failed?.status === 'error' ? (
        <ErrorState error={failed.error} retry={retryAll} />
      ) : !ready ||
        jobs.status !== 'ok' ||
        nodes.status !== 'ok' ||
        actors.status !== 'ok' ||
        tasks.status !== 'ok' ||
        events.status !== 'ok' ||
        failedTasks.status !== 'ok' ? (
        <div class="chart-placeholder tall" aria-busy="true" />
      ) : (
        <>
          <section aria-labelledby="story-title">
            <h2 id="story-title">State changes</h2>
            <StateChanges
              s={s}
              data={{
                jobs: jobs.data,
                nodes: nodes.data,
                actors: actors.data,
                tasks: tasks.data,
                events: events.data,
              }}
            />
          </section>
          <section aria-labelledby="trace-title">
            <h2 id="trace-title">Task timeline</h2>
            <TaskTimeline
              s={s}
              jobs={jobs.data}
              trace={trace}
              shown={shown.current}
              retry={retryTrace}
              failed={failedIds}
            />
          </section>
        </>
      )}
    </SessionLayout>
  );
}

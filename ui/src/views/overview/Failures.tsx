/**
 * Why the session failed, each failure one click from its log lines: failed jobs with their
 * messages, failed task attempts grouped by error type, dead actors with their causes, dead nodes
 * with their reasons (the failures route: src/api/ray.ts).
 */
import type { FailuresResponse } from '../../api/types';
import { ErrorState, Notice } from '../../components/states';
import { ShortId } from '../../components/Table';
import { Time } from '../../components/Time';
import { firstLine, formatCount, isoOfMs } from '../../lib/format';
import { locatorHref, type LogPlace } from '../../lib/logLinks';
import { hrefWith, type SessionParams } from '../../lib/router';
import type { Loaded } from '../../lib/useApi';
import { causeOf } from '../Actors';

/** How many failures of each kind, for a summary line. */
export function failureCounts(f: FailuresResponse) {
  return {
    jobs: f.jobs.length,
    tasks: f.tasks.failedAttempts,
    actors: f.actors.length,
    nodes: f.nodes.length,
  };
}

export const hasFailures = (f: FailuresResponse) => Object.values(failureCounts(f)).some((n) => n > 0);

function LogLink(props: { s: SessionParams; log: LogPlace | null; label?: string }) {
  if (props.log === null) return <span class="muted">no log known</span>;
  const where = props.log.range === undefined ? 'the end of ' : 'bytes in ';
  return (
    <a
      class="log-link"
      href={locatorHref(props.s, props.log)}
      title={`${where}${props.log.node}/${props.log.file}`}
    >
      {props.label ?? 'Log lines'} →
    </a>
  );
}

/** A message: its first line, the rest behind a disclosure. */
function Message(props: { text: string | null }) {
  const text = props.text ?? '';
  if (text === '') return <span class="muted">no message</span>;
  const first = firstLine(text);
  if (first === text) return <span class="message">{text}</span>;
  return (
    <details class="message">
      <summary>{first}</summary>
      <pre>{text}</pre>
    </details>
  );
}

function Jobs(props: { s: SessionParams; jobs: FailuresResponse['jobs'] }) {
  return (
    <div class="failure-group">
      <h3>Failed jobs</h3>
      <ul class="cards">
        {props.jobs.map((j) => (
          <li key={`${j.job_id}/${j.submission_id}`} class="card bad">
            <p class="card-head">
              <span class="mono">{j.submission_id ?? j.job_id}</span>
              {j.submission_id !== null && j.job_id !== null && (
                <span class="muted mono"> job {j.job_id}</span>
              )}
              {j.error_type !== null && <span class="chip">{j.error_type}</span>}
              {j.driver_exit_code !== null && <span class="chip">exit code {j.driver_exit_code}</span>}
            </p>
            <Message text={j.message} />
            <p class="card-links">
              <LogLink s={props.s} log={j.log} label="Driver log" />
              {j.job_id !== null && (
                <a href={hrefWith({ view: 'tasks', ...props.s }, { job: j.job_id })}>Its tasks →</a>
              )}
            </p>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Tasks(props: { s: SessionParams; tasks: FailuresResponse['tasks'] }) {
  const { groups, failedAttempts } = props.tasks;
  const tasksHref = (error: string) => hrefWith({ view: 'tasks', ...props.s }, { state: 'FAILED', error });
  return (
    <div class="failure-group">
      <h3>
        Failed tasks{' '}
        <span class="muted">
          {formatCount(failedAttempts)} attempts, {groups.length} {groups.length === 1 ? 'error' : 'errors'}
        </span>
      </h3>
      <table class="grid failures-tasks">
        <caption class="visually-hidden">Failed task attempts by error type, each with an example</caption>
        <thead>
          <tr>
            <th scope="col">Error</th>
            <th scope="col" class="num">
              Attempts
            </th>
            <th scope="col">Example</th>
            <th scope="col">Message</th>
            <th scope="col">Log</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <tr key={g.errorType}>
              <th scope="row">
                <a href={tasksHref(g.errorType)} title={`Every failed attempt with ${g.errorType}`}>
                  {g.errorType}
                </a>
              </th>
              <td class="num">{formatCount(g.count)}</td>
              <td>
                {g.example.funcOrClassName || <span class="muted">(unnamed)</span>}{' '}
                <span class="muted">
                  <ShortId id={g.example.taskId} />
                  {g.example.attempt > 0 && ` attempt ${g.example.attempt}`}
                </span>
              </td>
              <td class="wrap">
                <Message text={g.example.message} />
              </td>
              <td>
                <LogLink s={props.s} log={g.example.log} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Actors(props: { s: SessionParams; actors: FailuresResponse['actors'] }) {
  return (
    <div class="failure-group">
      <h3>Dead actors</h3>
      <table class="grid failures-actors">
        <caption class="visually-hidden">Dead actors and why they died</caption>
        <thead>
          <tr>
            <th scope="col">Actor</th>
            <th scope="col" class="num">
              Restarts
            </th>
            <th scope="col">Died</th>
            <th scope="col">Cause</th>
            <th scope="col">Log</th>
          </tr>
        </thead>
        <tbody>
          {props.actors.map((a) => (
            <tr key={a.actorId}>
              <th scope="row">
                <a href={hrefWith({ view: 'actors', ...props.s }, { q: a.actorId })}>
                  {a.className}
                  {a.name !== '' && ` “${a.name}”`}
                </a>{' '}
                <span class="muted">
                  <ShortId id={a.actorId} />
                </span>
              </th>
              <td class="num">{a.numRestarts}</td>
              <td>
                <Time iso={isoOfMs(a.endTime)} precise />
              </td>
              <td class="wrap">
                <Message text={causeOf(a)} />
              </td>
              <td>
                <LogLink s={props.s} log={a.log} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Nodes(props: { s: SessionParams; nodes: FailuresResponse['nodes'] }) {
  return (
    <div class="failure-group">
      <h3>Dead nodes</h3>
      <table class="grid failures-nodes">
        <caption class="visually-hidden">Dead nodes and why they died</caption>
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">IP</th>
            <th scope="col">Died</th>
            <th scope="col">Reason</th>
            <th scope="col">Log</th>
          </tr>
        </thead>
        <tbody>
          {props.nodes.map((n) => (
            <tr key={n.nodeId}>
              <th scope="row" class="mono">
                {n.storageNode ?? <ShortId id={n.nodeId} />}
              </th>
              <td class="mono">{n.ip}</td>
              <td>
                <Time iso={isoOfMs(n.endTimeMs)} precise />
              </td>
              <td class="wrap">{n.stateMessage || n.reason || <span class="muted">not recorded</span>}</td>
              <td>
                <LogLink s={props.s} log={n.log} label="raylet.out" />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The failures section of a session's overview (the overview loads it, with the sections below it). */
export function FailuresSection(props: {
  s: SessionParams;
  state: Loaded<FailuresResponse>;
  retry: () => void;
}) {
  const { s, state, retry } = props;
  return (
    <section aria-labelledby="failures-title" class="failures" id="failures">
      <h2 id="failures-title">Failures</h2>
      {state.status === 'error' && <ErrorState error={state.error} retry={retry} />}
      {state.status === 'ok' && !hasFailures(state.data) && (
        <Notice title="No failures recorded">
          <p>The session's Ray events record no failed job, task, actor or node.</p>
        </Notice>
      )}
      {state.status === 'ok' && hasFailures(state.data) && (
        <>
          {state.data.jobs.length > 0 && <Jobs s={s} jobs={state.data.jobs} />}
          {state.data.tasks.groups.length > 0 && <Tasks s={s} tasks={state.data.tasks} />}
          {state.data.actors.length > 0 && <Actors s={s} actors={state.data.actors} />}
          {state.data.nodes.length > 0 && <Nodes s={s} nodes={state.data.nodes} />}
        </>
      )}
    </section>
  );
}

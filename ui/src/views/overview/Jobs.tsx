/** The session's jobs (Ray's job API: a submission and its driver are one entry): status and duration. */
import type { Job } from '../../api/types';
import { ErrorState, Notice, SkeletonRows } from '../../components/states';
import { ShortId, StateBadge } from '../../components/Table';
import { Time } from '../../components/Time';
import { firstLine, formatDuration, isoOfMs } from '../../lib/format';
import { hrefWith, type SessionParams } from '../../lib/router';
import type { Loaded } from '../../lib/useApi';

/** How long a job ran: start to end, or to `now` for one the events left running (shown as such). */
export function jobDuration(j: Pick<Job, 'start_time' | 'end_time'>): number | null {
  if (j.start_time === null || j.start_time <= 0) return null;
  if (j.end_time === null || j.end_time <= 0) return null;
  return j.end_time - j.start_time;
}

/** Newest first; jobs that never started last. */
export const byStart = (a: Job, b: Job) => (b.start_time ?? 0) - (a.start_time ?? 0);

export function JobsSection(props: { s: SessionParams; state: Loaded<Job[]>; retry: () => void }) {
  const { s, state, retry } = props;
  const jobs = state.status === 'ok' ? [...state.data].sort(byStart) : [];
  return (
    <section aria-labelledby="jobs-title">
      <h2 id="jobs-title">Jobs</h2>
      {state.status === 'error' ? (
        <ErrorState error={state.error} retry={retry} />
      ) : state.status === 'ok' && jobs.length === 0 ? (
        <Notice title="No jobs recorded">
          <p>No job events were stored for this session.</p>
        </Notice>
      ) : (
        <table class="grid jobs" aria-busy={state.status === 'loading'}>
          <caption class="visually-hidden">Jobs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Status</th>
              <th scope="col">Entrypoint</th>
              <th scope="col">Started</th>
              <th scope="col" class="num">
                Duration
              </th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {state.status === 'loading' ? (
              <SkeletonRows rows={3} cols={6} />
            ) : (
              jobs.map((j) => (
                <tr key={`${j.job_id}/${j.submission_id}`}>
                  <td>
                    {j.job_id === null ? (
                      <span class="mono">{j.submission_id}</span>
                    ) : (
                      <a
                        class="mono"
                        href={hrefWith({ view: 'tasks', ...s }, { job: j.job_id })}
                        title="Its tasks"
                      >
                        {j.job_id}
                      </a>
                    )}
                    {j.submission_id !== null && j.job_id !== null && (
                      <span class="muted mono sub">{j.submission_id}</span>
                    )}
                  </td>
                  <td>
                    <StateBadge state={j.status} />
                  </td>
                  <td class="mono" title={j.entrypoint}>
                    {j.entrypoint}
                  </td>
                  <td>
                    <Time iso={isoOfMs(j.start_time)} precise />
                  </td>
                  <td class="num">
                    {jobDuration(j) === null && j.status === 'RUNNING' ? (
                      <span class="muted" title="The events end while it runs">
                        running
                      </span>
                    ) : (
                      formatDuration(jobDuration(j))
                    )}
                  </td>
                  <td class="muted" title={j.message ?? ''}>
                    {firstLine(j.message)}
                    {j.driver_info !== null && j.job_id === null && <ShortId id={j.driver_info.id} />}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}

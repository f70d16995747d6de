/**
 * Jobs as Ray's job API answers them (JobDetails; type/job.ts UnifiedJob). A submitted job and its
 * driver job are one entry, joined here at read time by the submission id in the driver's
 * `config.metadata.job_submission_id` — so the join does not depend on which half arrived first.
 *
 * Status, in Ray's JobStatus terms: from the submission lifecycle where there is one; else from the
 * driver lifecycle — its `submissionJobStatus` when newer Ray sends one, else CREATED → RUNNING and
 * FINISHED → SUCCEEDED (FAILED when the driver exit code is non-zero), as Ray's job API reports a
 * finished driver job. A job whose last event is RUNNING was still running when the session ended.
 */
import type { Job, JobStatus } from '../../schemas/dashboard.js';
import { nsToMs } from './lattice.js';
import type { DriverJobState, SubmissionJobState } from './model.js';

export interface JobsState {
  drivers: DriverJobState[];
  submissions: SubmissionJobState[];
}

const STATUSES = new Set<string>(['PENDING', 'RUNNING', 'STOPPED', 'SUCCEEDED', 'FAILED']);
const TERMINAL = new Set(['STOPPED', 'SUCCEEDED', 'FAILED']);
const asStatus = (s: string | undefined): JobStatus | undefined =>
  s !== undefined && STATUSES.has(s) ? (s as JobStatus) : undefined;

function parseEnv(text: string | undefined): Record<string, unknown> | null {
  if (text === undefined) return null;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function latest<T>(list: T[] | undefined, ok: (x: T) => boolean): T | undefined {
  return [...(list ?? [])].reverse().find(ok);
}

function driverStatus(d: DriverJobState | undefined): {
  status: JobStatus;
  message?: string | undefined;
  errorType?: string | undefined;
} {
  const withStatus = latest(d?.transitions, (t) => asStatus(t.status) !== undefined);
  if (withStatus !== undefined)
    return {
      status: asStatus(withStatus.status) ?? 'RUNNING',
      message: withStatus.message,
      errorType: withStatus.errorType,
    };
  const last = d?.transitions?.at(-1);
  if (last?.state !== 'FINISHED') return { status: 'RUNNING' };
  const exit = latest(d?.transitions, (t) => t.exitCode !== undefined)?.exitCode;
  return {
    status: exit !== undefined && exit !== 0 ? 'FAILED' : 'SUCCEEDED',
    message: last.message,
    errorType: last.errorType,
  };
}

/** One entry from its halves (either may be missing); `ipOf` gives a node's IP by node id. */
function renderOne(
  s: SubmissionJobState | undefined,
  d: DriverJobState | undefined,
  ipOf: (nodeId: string) => string | undefined,
): Job {
  const sLast = s?.transitions?.at(-1);
  const fromSubmission =
    s === undefined
      ? undefined
      : { status: asStatus(sLast?.state) ?? 'PENDING', message: sLast?.message, errorType: sLast?.errorType };
  const st = fromSubmission ?? driverStatus(d);
  const submissionId = s?.submissionId ?? d?.def?.metadata?.job_submission_id ?? null;
  const driverNodeId =
    latest(s?.transitions, (t) => t.driverNodeId !== undefined)?.driverNodeId ?? d?.def?.driverNodeId;
  const exitCode =
    latest(s?.transitions, (t) => t.driverExitCode !== undefined)?.driverExitCode ??
    latest(d?.transitions, (t) => t.exitCode !== undefined)?.exitCode;
  const start = s?.transitions?.[0]?.t ?? d?.transitions?.find((t) => t.state === 'CREATED')?.t;
  const end =
    s !== undefined
      ? latest(s.transitions, (t) => TERMINAL.has(t.state))?.t
      : latest(d?.transitions, (t) => t.state === 'FINISHED')?.t;
  return {
    type: submissionId === null ? 'DRIVER' : 'SUBMISSION',
    job_id: d?.jobId ?? null,
    submission_id: submissionId,
    driver_info:
      d === undefined
        ? null
        : {
            id: d.jobId,
            node_ip_address: (d.def?.driverNodeId && ipOf(d.def.driverNodeId)) || '',
            node_id: d.def?.driverNodeId ?? '',
            pid: d.def?.driverPid ?? '',
          },
    status: st.status,
    entrypoint: s?.def?.entrypoint ?? d?.def?.entrypoint ?? '',
    message: st.message ?? null,
    error_type: st.errorType ?? null,
    start_time: start === undefined ? null : nsToMs(start),
    end_time: end === undefined ? null : nsToMs(end),
    metadata: s?.def?.metadata ?? d?.def?.metadata ?? null,
    runtime_env: parseEnv(s?.def?.runtimeEnv ?? d?.def?.runtimeEnv),
    driver_agent_http_address:
      latest(s?.transitions, (t) => t.driverAgentHttpAddress !== undefined)?.driverAgentHttpAddress ?? null,
    driver_node_id: driverNodeId ?? null,
    driver_exit_code: exitCode ?? null,
  };
}

/** Every job of the session, ordered by start time (unknown last), then ids. */
export function renderJobs(
  state: JobsState,
  ipOf: (nodeId: string) => string | undefined = () => undefined,
): Job[] {
  const drivers = [...state.drivers].sort((a, b) => (a.jobId < b.jobId ? -1 : 1));
  const used = new Set<string>();
  const jobs: Job[] = [];
  for (const s of state.submissions) {
    const d = drivers.find(
      (x) => !used.has(x.jobId) && x.def?.metadata?.job_submission_id === s.submissionId,
    );
    if (d !== undefined) used.add(d.jobId);
    jobs.push(renderOne(s, d, ipOf));
  }
  for (const d of drivers) if (!used.has(d.jobId)) jobs.push(renderOne(undefined, d, ipOf));
  const key = (j: Job) => `${j.job_id ?? ''}|${j.submission_id ?? ''}`;
  return jobs.sort(
    (a, b) =>
      (a.start_time ?? Infinity) - (b.start_time ?? Infinity) ||
      (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0),
  );
}

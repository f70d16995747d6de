/**
 * Ray-like log files for the nodes of the event corpus (./rayCorpus.ts), named as Ray names them on
 * each node, with the worker ids, job ids and pids the corpus's events carry, so that a task, an
 * actor or a pid selects its file end to end: `worker-<workerId>-<jobId>-<pid>.{out,err}`,
 * `raylet.out`, `gcs_server.out`, `python-core-worker-<workerId>_<pid>.log`, `job-driver-<submission>.log`,
 * `events/event_*.log`. Task h's `taskLogInfo` byte ranges (stdout [120, 180), stderr [4096, 5120))
 * hold exactly its own output. Everything a test compares against is exported.
 */
import { IPS, JOBS, NAMES, NODES, SESSION, SUBMISSIONS, WORKERS } from './rayCorpus.js';

/** `worker-<workerId>-<jobId>-<pid>.<suffix>`. */
export const workerFile = (workerId: string, jobId: string, pid: number, suffix: 'out' | 'err') =>
  `worker-${workerId}-${jobId}-${pid}.${suffix}`;

/** Log-like lines of exactly `bytes` bytes (the last line padded), each ending in `\n`. */
export function filler(tag: string, bytes: number): string {
  let out = '';
  for (let i = 0; out.length < bytes; i++) out += `[${tag}] filler line ${i}\n`;
  if (out.length === bytes) return out;
  const cut = out.slice(0, out.lastIndexOf('\n', bytes - 2) + 1);
  return `${cut}${'.'.repeat(bytes - cut.length - 1)}\n`;
}

/** A rare token several files hold, for search. */
export const NEEDLE = 'RARE-NEEDLE';

// Task h (job 2, attempt 0) ran in worker w1a as pid 7311; its events say stdout [120, 180), stderr [4096, 5120).
export const H_OUT = filler(`h says ${NEEDLE} 1`, 60);
const H_ERR_HEAD = 'Traceback (most recent call last):\n  File "h.py", line 3, in h\n';
const H_ERR_TAIL = 'ValueError: boom\n';
export const H_ERR =
  H_ERR_HEAD + filler('h traceback', 1024 - H_ERR_HEAD.length - H_ERR_TAIL.length) + H_ERR_TAIL;
export const H_OUT_FILE = workerFile(WORKERS.w1a, JOBS.j2, 7311, 'out');
export const H_ERR_FILE = workerFile(WORKERS.w1a, JOBS.j2, 7311, 'err');
const H_OUT_TEXT = `${filler('before h', 120)}${H_OUT}${filler('after h', 200)}`;
const H_ERR_TEXT = `${filler('before h err', 4096)}${H_ERR}${filler('after h err', 300)}`;

/** f1..f3 ran in worker w1a as pid 7001 (no taskLogInfo: the whole worker file is theirs). */
export const F_OUT_FILE = workerFile(WORKERS.w1a, JOBS.j1, 7001, 'out');
export const F_OUT = 'f(1) = 1\nf(2) = 4\nf(3) = 9\n';

/** g attempt 0 died in worker w2a (pid 6001, node w2); attempt 1 ran in w1b (pid 7002, node w1). */
export const G0_OUT_FILE = workerFile(WORKERS.w2a, JOBS.j1, 6001, 'out');
export const G0_OUT = 'g attempt 0 starting\n';
export const G0_ERR_FILE = workerFile(WORKERS.w2a, JOBS.j1, 6001, 'err');
export const G0_ERR = `*** SIGSEGV received at time=1769511181 on cpu 3 ***\n${NEEDLE} 2 in g\n`;
export const G1_OUT_FILE = workerFile(WORKERS.w1b, JOBS.j1, 7002, 'out');
export const G1_OUT = 'g attempt 1 done\norphan ran here too\n';

/** The Counter actor's worker (w1, pid 7100): coloured output. */
export const COUNTER_OUT_FILE = workerFile(WORKERS.counter, JOBS.j1, 7100, 'out');
export const COUNTER_OUT =
  ':actor_name:Counter\n\x1b[32mcount=1\x1b[0m\n\x1b[1m\x1b[36m(Counter pid=7100)\x1b[0m incr done\n';
export const COUNTER_OUT_PLAIN = ':actor_name:Counter\ncount=1\n(Counter pid=7100) incr done\n';

/** Flaky's first worker (w2, pid 6100) and its restart (w1, pid 5151). */
export const FLAKY1_ERR_FILE = workerFile(WORKERS.flaky1, JOBS.j1, 6100, 'err');
export const FLAKY1_ERR = 'Flaky worker 1: lost its node\n';
export const FLAKY2_OUT_FILE = workerFile(WORKERS.flaky2, JOBS.j1, 5151, 'out');
export const FLAKY2_OUT = ':actor_name:Flaky\nFlaky.work attempt 1 finished\n';
export const FLAKY2_ERR_FILE = workerFile(WORKERS.flaky2, JOBS.j1, 5151, 'err');
export const FLAKY2_ERR = `Flaky worker 2: exiting, SYSTEM_ERROR ${NEEDLE} 3\n`;

/** The failed submission's driver log on the head. */
export const J2_DRIVER_LOG = `job-driver-${SUBMISSIONS.j2}.log`;
export const J2_DRIVER_TEXT = 'Traceback (most recent call last):\nValueError: boom\n';

/** w1's raylet.out: more than 10,000 lines (for `lines` past Ray's cap). */
export const W1_RAYLET_LINES = Array.from(
  { length: 12_345 },
  (_, i) =>
    `[2026-01-27 10:53:${String(i % 60).padStart(2, '0')},${String(i % 1000).padStart(3, '0')} I raylet] line ${i + 1}`,
);
export const W1_RAYLET = `${W1_RAYLET_LINES.join('\n')}\n`;
export const W2_RAYLET = `raylet on w2 started\n[raylet] ${NEEDLE} 4: lost heartbeats\n`;
export const HEAD_RAYLET = 'raylet on the head started\n';
export const GCS_OUT = 'GCS started\nNode w2 dead: health check failed due to missing heartbeats\n';

/** Ray's event_*.log lines (Python's EventLoggerAdapter), one job's and the cluster's. */
export const EVENTS_JOBS = [
  {
    event_id: 'a1'.repeat(18),
    source_type: 'JOBS',
    source_hostname: NAMES.head,
    source_pid: 312,
    severity: 'INFO',
    label: '',
    message: `Started a ray job ${SUBMISSIONS.j2}.`,
    timestamp: '1769511189',
    custom_fields: { submission_id: SUBMISSIONS.j2, job_id: JOBS.j2 },
  },
  {
    event_id: 'a2'.repeat(18),
    source_type: 'JOBS',
    source_hostname: NAMES.head,
    source_pid: 312,
    severity: 'ERROR',
    label: '',
    message: `Job ${SUBMISSIONS.j2} failed.`,
    timestamp: '1769511191',
    custom_fields: { submission_id: SUBMISSIONS.j2, job_id: JOBS.j2 },
  },
];
export const EVENTS_RAYLET = [
  {
    event_id: 'b1'.repeat(18),
    source_type: 'RAYLET',
    source_hostname: NAMES.w1,
    source_pid: 200,
    severity: 'WARNING',
    label: '',
    message: 'worker w1a exited',
    timestamp: '1769511185',
    custom_fields: {},
  },
];

/**
 * Bait for a backtracking regex engine: `(a+)+$` against a long run of `a` ending in `b` takes
 * exponential time there; RE2 answers in linear time. Only the second line matches.
 */
export const REGEX_BAIT_FILE = 'old/regex-bait.log';
export const REGEX_BAIT = `${'a'.repeat(50_000)}b\n${'a'.repeat(40)}\n`;

/** Every file of the session by node (storage name), in the order a collector would ship them. */
export const RAY_LOGS: Record<string, Record<string, string>> = {
  [NAMES.head]: {
    'raylet.out': HEAD_RAYLET,
    'raylet.err': '',
    'gcs_server.out': GCS_OUT,
    'dashboard.log': 'dashboard started\n',
    'dashboard_agent.log': 'agent started\n',
    'log_monitor.log': 'log monitor started\n',
    [`python-core-driver-${JOBS.j1}_4242.log`]: 'core driver of job 1\n',
    [J2_DRIVER_LOG]: J2_DRIVER_TEXT,
    'events/event_JOBS.log': `${EVENTS_JOBS.map((e) => JSON.stringify(e)).join('\n')}\n`,
    [REGEX_BAIT_FILE]: REGEX_BAIT,
  },
  [NAMES.w1]: {
    'raylet.out': W1_RAYLET,
    [F_OUT_FILE]: F_OUT,
    [workerFile(WORKERS.w1a, JOBS.j1, 7001, 'err')]: '',
    [H_OUT_FILE]: H_OUT_TEXT,
    [H_ERR_FILE]: H_ERR_TEXT,
    [G1_OUT_FILE]: G1_OUT,
    [COUNTER_OUT_FILE]: COUNTER_OUT,
    [workerFile(WORKERS.counter, JOBS.j1, 7100, 'err')]: '',
    [FLAKY2_OUT_FILE]: FLAKY2_OUT,
    [FLAKY2_ERR_FILE]: FLAKY2_ERR,
    [`python-core-worker-${WORKERS.w1a}_7001.log`]: 'core worker w1a\n',
    'events/event_RAYLET.log': `${EVENTS_RAYLET.map((e) => JSON.stringify(e)).join('\n')}\n`,
  },
  [NAMES.w2]: {
    'raylet.out': W2_RAYLET,
    [G0_OUT_FILE]: G0_OUT,
    [G0_ERR_FILE]: G0_ERR,
    [workerFile(WORKERS.flaky1, JOBS.j1, 6100, 'out')]: ':actor_name:Flaky\n',
    [FLAKY1_ERR_FILE]: FLAKY1_ERR,
    [`python-core-worker-${WORKERS.flaky1}_6100.log`]: 'core worker flaky1\n',
  },
};

/** Ray's taskLogInfo of task h, as its events give it. */
export const H_RANGES = { stdout: [120, 180] as const, stderr: [4096, 5120] as const };

export { IPS, NODES, SESSION };

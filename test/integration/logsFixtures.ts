/**
 * A Ray-like session ingested through the real ingest code (`appendLog`, in pieces, as a collector
 * sends them): two nodes with Ray's file names, worker logs with two tasks' byte ranges, ANSI colours,
 * Ray's event_*.log lines (Python and C++ formats), an autoscaler monitor.log, debug_state.txt files,
 * and a big multi-segment file. Everything the tests compare against is exported.
 */
import { appendLog } from '../../src/core/ingest/logs.js';
import type { LocatedSession } from '../../src/core/query/locate.js';
import type { BlobStore } from '../../src/storage/blobStore.js';
import { CLUSTER, NS, SESSION } from './queryFixtures.js';

export const SESSION_REF: LocatedSession = {
  namespace: NS,
  cluster: CLUSTER,
  clusterId: NS,
  session: SESSION,
};

export const HEAD = 'raycluster-kuberay-head-x7b2k';
export const WORKER = 'raycluster-kuberay-worker-cpu-8dfq2';
export const HEAD_ID = 'a1'.repeat(28);
export const WORKER_ID_NODE = 'b2'.repeat(28);

/** Worker processes: id (hex), job (hex), pid. */
export const DRIVER_WORKER = { workerId: '0f'.repeat(28), jobId: '01000000', pid: 4521 };
export const TASK_WORKER = { workerId: '7c'.repeat(28), jobId: '02000000', pid: 7001 };

export const workerFile = (w: { workerId: string; jobId: string; pid: number }, suffix: 'out' | 'err') =>
  `worker-${w.workerId}-${w.jobId}-${w.pid}.${suffix}`;

/** A deterministic pseudo-random sequence (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function logLines(n: number, seed: number, tag: string): string[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const level = r() < 0.02 ? 'ERROR' : r() < 0.1 ? 'WARNING' : 'INFO';
    const pad = 'x'.repeat(Math.floor(r() * 80));
    return `[2026-01-27 10:53:${String(i % 60).padStart(2, '0')},${String(i % 1000).padStart(3, '0')} ${level} ${tag}.cc:${(i * 7) % 997}] line ${i} ${pad}`;
  });
}

// Task A (attempt 0) and task B (attempt 0, then retried as attempt 1) printed into the same worker file.
export const TASK_A_OUT = 'task A: starting\ntask A: \x1b[32mresult=42\x1b[0m\n';
export const TASK_B_OUT = 'task B: attempt 0 says hello\n';
export const TASK_B1_OUT = 'task B: attempt 1 says hello again\n';
export const TASK_WORKER_OUT_PREFIX = ':actor_name:\n';
export const TASK_WORKER_OUT = TASK_WORKER_OUT_PREFIX + TASK_A_OUT + TASK_B_OUT + TASK_B1_OUT;
export const TASK_A_RANGE = {
  start: TASK_WORKER_OUT_PREFIX.length,
  end: TASK_WORKER_OUT_PREFIX.length + TASK_A_OUT.length,
};
export const TASK_B_RANGE = { start: TASK_A_RANGE.end, end: TASK_A_RANGE.end + TASK_B_OUT.length };
export const TASK_B1_RANGE = { start: TASK_B_RANGE.end, end: TASK_B_RANGE.end + TASK_B1_OUT.length };
export const TASK_WORKER_ERR = 'Traceback (most recent call last):\nValueError: task A failed once\n';

export const RAYLET_OUT = `${logLines(300, 1, 'raylet').join('\n')}\n\x1b[33m(raylet)\x1b[0m RARE-NEEDLE at the end\n`;
export const GCS_OUT = `${logLines(200, 2, 'gcs_server').join('\n')}\nGcs Server Stopped, exit code 0`;
export const DRIVER_OUT = `hello from the driver\n${'\x1b[1m\x1b[36m(pid=4521)\x1b[0m progress 50%\n'.repeat(3)}`;

/** The big file: many lines, one far longer than the search line cap, a rare token near the end. */
export const BIG_LINES = (() => {
  const lines = logLines(150_000, 3, 'big');
  lines[1234] = `LONG ${'y'.repeat(200_000)} needle-after-the-cap`;
  lines[149_990] = 'the RARE-NEEDLE is near the end of the big file';
  return lines;
})();
export const BIG_TEXT = `${BIG_LINES.join('\n')}\n`;

// Ray's event lines: Python's EventLoggerAdapter (timestamp in seconds as a string) and the C++
// LogEventReporter (`time_stamp`, `host_name`, `pid`, job_id copied up).
export const EVENT_JOBS = [
  {
    event_id: 'e1'.repeat(18),
    source_type: 'JOBS',
    source_hostname: HEAD,
    source_pid: 312,
    severity: 'INFO',
    label: '',
    message: 'Started a ray job raysubmit_aaa.',
    timestamp: '1769511190',
    custom_fields: { submission_id: 'raysubmit_aaa', job_id: '01000000' },
  },
  {
    event_id: 'e2'.repeat(18),
    source_type: 'JOBS',
    source_hostname: HEAD,
    source_pid: 312,
    severity: 'ERROR',
    label: '',
    message: 'Job raysubmit_aaa failed.\\nTraceback: boom',
    timestamp: '1769511290',
    custom_fields: { submission_id: 'raysubmit_aaa', job_id: '01000000' },
  },
];
export const EVENT_GCS = [
  {
    time_stamp: '2026-01-27 10:53:10.123456',
    severity: 'WARNING',
    label: 'RAYLET_NODE_DEAD',
    event_id: 'e3'.repeat(18),
    source_type: 'GCS',
    host_name: HEAD,
    pid: '100',
    message: 'Node worker-b died',
    custom_fields: { node_id: WORKER_ID_NODE },
  },
];
export const EVENT_RAYLET = Array.from({ length: 40 }, (_, i) => ({
  event_id: `f${String(i).padStart(35, '0')}`,
  source_type: 'RAYLET',
  source_hostname: WORKER,
  source_pid: 200,
  severity: i % 7 === 0 ? 'ERROR' : 'INFO',
  label: '',
  message: `raylet event ${i}`,
  timestamp: String(1769511200 + i),
  custom_fields: i % 2 === 0 ? { job_id: '02000000' } : {},
}));

export const AUTOSCALER_STATUS_OLD = [
  '======== Autoscaler status: 2026-01-27 10:55:00.000001 ========',
  'Node status',
  '---------------------------------------------------------------',
  'Active:',
  ' 1 headgroup',
].join('\n');
export const AUTOSCALER_STATUS = [
  '======== Autoscaler status: 2026-01-27 10:59:59.123456 ========',
  'Node status',
  '---------------------------------------------------------------',
  'Active:',
  ' 1 headgroup',
  ' 1 cpu',
  'Idle:',
  ' (no idle nodes)',
  'Pending:',
  ' (no pending nodes)',
  'Recent failures:',
  ' (no failures)',
  '',
  'Resources',
  '---------------------------------------------------------------',
  'Total Usage:',
  ' 1.0/6.0 CPU',
  ' 0B/9.31GiB memory',
  '',
  'From request_resources:',
  ' (none)',
  'Pending Demands:',
  " {'CPU': 1.0}: 2+ pending tasks/actors",
].join('\n');
export const MONITOR_LOG = [
  '2026-01-27 10:54:59,001\tINFO monitor.py:700 -- Starting monitor',
  `2026-01-27 10:55:00,002\tINFO autoscaler.py:471 -- `,
  AUTOSCALER_STATUS_OLD,
  ...logLines(50, 4, 'autoscaler'),
  `2026-01-27 10:59:59,124\tINFO autoscaler.py:471 -- `,
  AUTOSCALER_STATUS,
  '2026-01-27 10:59:59,125\tINFO autoscaler.py:1200 -- StandardAutoscaler: terminating',
  '',
].join('\n');

export const debugStateText = (group: string, idle: boolean, cpuTotal: number, cpuAvail: number) =>
  [
    'NodeManager:',
    `Node ID: ${HEAD_ID}`,
    'Node name: 10.0.0.1',
    'cluster_resource_scheduler state:',
    `Local id: 1 Local resources: {"total":{CPU: [${Array(cpuTotal).fill(10000).join(', ')}], memory: [20000000000000], node:10.0.0.1: [10000]}, "available":{CPU: [${Array(cpuAvail).fill(10000).join(', ')}], memory: [20000000000000]}}, "labels":{"ray.io/node-group":"${group}"} is_draining: 0 is_idle: ${idle ? 1 : 0} Cluster resources: {"total":{CPU: [999]}}`,
    'ClusterTaskManager:',
    '',
  ].join('\n');

export const HEAD_FILES: Record<string, string> = {
  'raylet.out': RAYLET_OUT,
  'raylet.err': '',
  'gcs_server.out': GCS_OUT,
  'monitor.log': MONITOR_LOG,
  'monitor.out': '',
  'log_monitor.log': 'log monitor started\n',
  'dashboard.log': 'dashboard started\n',
  'dashboard_agent.log': 'agent started\n',
  'debug_state.txt': debugStateText('headgroup', false, 2, 1),
  'python-core-driver-01000000_4410.log': 'core driver\n',
  [workerFile(DRIVER_WORKER, 'out')]: DRIVER_OUT,
  [workerFile(DRIVER_WORKER, 'err')]: 'driver stderr\n',
  [`python-core-worker-${DRIVER_WORKER.workerId}_4521.log`]: 'core worker\n',
  'events/event_JOBS.log': `${EVENT_JOBS.map((e) => JSON.stringify(e)).join('\n')}\n`,
  'events/event_GCS.log': `${EVENT_GCS.map((e) => JSON.stringify(e)).join('\n')}\nnot json at all\n`,
  'old/raylet.1.out': 'rotated raylet log\n',
};

export const WORKER_FILES: Record<string, string> = {
  'raylet.out': `${logLines(100, 5, 'raylet').join('\r\n')}\r\n`,
  [workerFile(TASK_WORKER, 'out')]: TASK_WORKER_OUT,
  [workerFile(TASK_WORKER, 'err')]: TASK_WORKER_ERR,
  'debug_state.txt': debugStateText('cpu', true, 4, 4),
  // The last line has no newline: a dead cluster's final write.
  'events/event_RAYLET.log': `${EVENT_RAYLET.map((e) => JSON.stringify(e)).join('\n')}`,
  'big.log': BIG_TEXT,
};

const PIECE = 1024 * 1024;

/** Appends `text` to a node's file through ingest, in 1 MiB requests; `maxBlocks` small makes segments. */
export async function ingestFile(
  store: BlobStore,
  node: string,
  file: string,
  text: string,
  maxBlocks = 45_000,
) {
  const bytes = Buffer.from(text, 'utf8');
  const target = { namespace: NS, cluster: CLUSTER, clusterId: NS, session: SESSION, node, file };
  if (bytes.length === 0) {
    await appendLog(store, target, 0, [], maxBlocks);
    return;
  }
  for (let at = 0; at < bytes.length; at += PIECE) {
    await appendLog(store, target, at, [bytes.subarray(at, at + PIECE)], maxBlocks);
  }
}

/** Ingests the whole session; big.log rolls over into several segments. */
export async function ingestRaySession(store: BlobStore): Promise<void> {
  for (const [file, text] of Object.entries(HEAD_FILES)) await ingestFile(store, HEAD, file, text);
  for (const [file, text] of Object.entries(WORKER_FILES)) {
    await ingestFile(store, WORKER, file, text, file === 'big.log' ? 4 : 45_000);
  }
}

/**
 * The demo session's Ray side, for the dashboard views' browser tests and screenshots: the Ray-shaped
 * corpus (test/helpers/rayCorpus.ts: jobs that succeed and fail, retried and failed tasks, a dead
 * actor, a dead node) plus a batch of `preprocess` tasks with profile spans (some failing, their
 * tracebacks at known byte ranges of their workers' stderr), and the log files the failures point
 * at, so every failure's log link lands on real bytes. Posted through the app's own API.
 */
import { request } from '../helpers/http.js';
import {
  IPS,
  JOBS,
  NAMES,
  NODES,
  rayCorpus,
  SESSION,
  SUBMISSIONS,
  T0,
  WORKERS,
} from '../helpers/rayCorpus.js';
import {
  b64,
  idHex,
  normalTaskHex,
  protoTime,
  taskDefinition,
  taskLifecycle,
  taskProfile,
  workerHex,
  type Json,
} from '../helpers/rayEvents.js';

const at = (ms: number, ns = 0) => T0 + BigInt(ms) * 1_000_000n + BigInt(ns);

/** How many `preprocess` tasks the demo adds, and every how many one fails. */
export const BULK_TASKS = 240;
const FAIL_EVERY = 20;

/** Workers the bulk tasks run on: node key, worker id, pid. */
const BULK_WORKERS = [
  { node: 'w1', worker: workerHex('bulk-w1-0'), pid: 7400 },
  { node: 'w1', worker: workerHex('bulk-w1-1'), pid: 7401 },
  { node: 'w1', worker: workerHex('bulk-w1-2'), pid: 7402 },
  { node: 'head', worker: workerHex('bulk-head-0'), pid: 7500 },
] as const;

const workerErr = (w: { worker: string; pid: number }, job: string) =>
  `worker-${w.worker}-${job}-${w.pid}.err`;

/** A traceback as Ray prints a task's exception into its worker's stderr. */
function traceback(i: number): string {
  return [
    'Traceback (most recent call last):',
    '  File "/home/ray/pipeline.py", line 31, in preprocess',
    `    rows = decode(shard_${String(i).padStart(3, '0')})`,
    '  File "/home/ray/pipeline.py", line 12, in decode',
    '    raise ValueError(f"bad shard {shard.name}: truncated record")',
    `ValueError: bad shard shard-${String(i).padStart(3, '0')}: truncated record`,
    '',
  ].join('\n');
}

export interface RayDemo {
  /** Events by the collector node name that posts them. */
  events: Map<string, Json[]>;
  /** Log files by node name: file → text. */
  logs: Map<string, Map<string, string>>;
  /** The failing bulk tasks: task id, node name, file, byte range of its traceback. */
  failed: { taskId: string; node: string; file: string; range: [number, number] }[];
}

function bulk(b: RayDemo): void {
  let seq = 0;
  const event = (type: string, field: string, payload: Json, t: bigint) => ({
    eventId: b64(idHex(`ui-demo:${++seq}`, 28)),
    sourceType: 'CORE_WORKER',
    eventType: type,
    timestamp: protoTime(t),
    severity: 'INFO',
    message: '',
    sessionName: SESSION,
    [field]: payload,
  });
  const post = (node: string, e: Json) => b.events.set(node, [...(b.events.get(node) ?? []), e]);
  const errText = new Map<string, string>();
  const driver = 'f'.repeat(40) + JOBS.j1;
  for (let i = 0; i < BULK_TASKS; i++) {
    const w = BULK_WORKERS[i % BULK_WORKERS.length]!;
    const node = NAMES[w.node];
    const taskId = normalTaskHex(`preprocess-${i}`, 1);
    const start = 600 + Math.floor(i / BULK_WORKERS.length) * 130 + (i % 3) * 7;
    const ms = 40 + ((i * 37) % 90);
    const fails = i % FAIL_EVERY === 7;
    post(
      NAMES.head,
      event(
        'TASK_DEFINITION_EVENT',
        'taskDefinitionEvent',
        taskDefinition({
          taskId,
          attempt: 0,
          type: 'NORMAL_TASK',
          func: { fn: 'preprocess' },
          name: 'preprocess',
          job: JOBS.j1,
          parent: driver,
          resources: { CPU: 1 },
        }),
        at(start - 20),
      ),
    );
    post(
      NAMES.head,
      event(
        'TASK_LIFECYCLE_EVENT',
        'taskLifecycleEvent',
        taskLifecycle({
          taskId,
          attempt: 0,
          job: JOBS.j1,
          transitions: [
            ['PENDING_ARGS_AVAIL', at(start - 20, 1)],
            ['PENDING_NODE_ASSIGNMENT', at(start - 19, 2)],
            ['SUBMITTED_TO_WORKER', at(start - 18, 3)],
          ],
          node: NODES[w.node],
          worker: w.worker,
        }),
        at(start - 18),
      ),
    );
    let logInfo;
    if (fails) {
      const file = workerErr(w, JOBS.j1);
      const before = errText.get(file) ?? '';
      const text = traceback(i);
      errText.set(file, before + text);
      const range: [number, number] = [Buffer.byteLength(before), Buffer.byteLength(before + text)];
      b.failed.push({ taskId, node, file, range });
      logInfo = {
        stderrFile: `/tmp/ray/${SESSION}/logs/${file}`,
        stderrStart: range[0],
        stderrEnd: range[1],
      };
    }
    post(
      node,
      event(
        'TASK_LIFECYCLE_EVENT',
        'taskLifecycleEvent',
        taskLifecycle({
          taskId,
          attempt: 0,
          job: JOBS.j1,
          transitions: [
            ['RUNNING', at(start, 4)],
            [fails ? 'FAILED' : 'FINISHED', at(start + ms, 5)],
          ],
          node: NODES[w.node],
          worker: w.worker,
          pid: w.pid,
          ...(fails && {
            error: {
              errorMessage: `ray.exceptions.RayTaskError(ValueError): ray::preprocess() (pid=${w.pid}, ip=${IPS[w.node]})\nValueError: bad shard shard-${String(i).padStart(3, '0')}: truncated record`,
              errorType: 'TASK_EXECUTION_EXCEPTION',
            },
          }),
          ...(logInfo !== undefined && { logInfo }),
        }),
        at(start + ms),
      ),
    );
    const third = Math.floor(ms / 3);
    post(
      node,
      event(
        'TASK_PROFILE_EVENT',
        'taskProfileEvents',
        taskProfile({
          taskId,
          attempt: 0,
          job: JOBS.j1,
          worker: w.worker,
          ip: IPS[w.node],
          events: [
            {
              name: 'task::preprocess',
              start: at(start, 4),
              end: at(start + ms, 5),
              extra: { name: 'preprocess', task_id: taskId },
            },
            { name: 'task:deserialize_arguments', start: at(start, 4), end: at(start + 2) },
            { name: 'task:execute', start: at(start + 2), end: at(start + ms - third) },
            { name: 'task:store_outputs', start: at(start + ms - third), end: at(start + ms, 5) },
          ],
        }),
        at(start + ms + 5),
      ),
    );
  }
  for (const [file, text] of errText) {
    const w = BULK_WORKERS.find((x) => workerErr(x, JOBS.j1) === file)!;
    logFile(b, NAMES[w.node], file, text);
  }
}

function logFile(b: RayDemo, node: string, file: string, text: string): void {
  const files = b.logs.get(node) ?? new Map<string, string>();
  files.set(file, text);
  b.logs.set(node, files);
}

/** Filler lines of exactly `bytes` bytes (each ends with a newline). */
function filler(bytes: number, what: string): string {
  const out: string[] = [];
  let n = 0;
  for (let i = 1; n < bytes; i++) {
    let line = `${what} ${i}: processing batch ${i * 17}`;
    const room = bytes - n;
    if (room <= 80) line = 'x'.repeat(Math.max(0, room - 1));
    out.push(`${line}\n`);
    n += line.length + 1;
  }
  return out.join('');
}

/** Task h's traceback: bytes [4096, 5120) of its worker's stderr, as its events say. */
export const H_TRACEBACK = (() => {
  const lines = [
    'Traceback (most recent call last):',
    '  File "/home/ray/h.py", line 9, in h',
    '    raise ValueError("boom")',
    'ValueError: boom',
  ];
  const text = `${lines.join('\n')}\n`;
  return text + filler(1024 - text.length, 'h cleanup');
})();

function corpusLogs(b: RayDemo): void {
  const j1 = JOBS.j1;
  const j2 = JOBS.j2;
  // h (job 2) on w1: stderr bytes [4096, 5120) are its own.
  logFile(
    b,
    NAMES.w1,
    `worker-${WORKERS.w1a}-${j2}-7311.err`,
    filler(4096, 'worker w1a before h') + H_TRACEBACK + filler(300, 'worker w1a after h'),
  );
  // g attempt 0 died with its worker on w2 (no range: the whole stderr).
  logFile(
    b,
    NAMES.w2,
    `worker-${WORKERS.w2a}-${j1}-6001.err`,
    '[2026-01-27 10:53:01,512 E 6001 6001] core_worker.cc:812: SIGKILL received: the node is going away\n',
  );
  // Counter's worker, on w1 (alive when the events end: its pid is not in them).
  logFile(
    b,
    NAMES.w1,
    `worker-${WORKERS.counter}-${j1}-7100.err`,
    '[2026-01-27 10:53:03,473 I 7100 7100] core_worker.cc:310: Counter ready\n',
  );
  // Flaky's first worker, on w2: Flaky.work attempt 0 died with it (ACTOR_DIED).
  logFile(
    b,
    NAMES.w2,
    `worker-${WORKERS.flaky1}-${j1}-6100.err`,
    '[2026-01-27 10:53:04,998 E 6100 6100] core_worker.cc:901: The worker exits: its node is out of memory\n',
  );
  // Flaky's last worker, on w1.
  logFile(
    b,
    NAMES.w1,
    `worker-${WORKERS.flaky2}-${j1}-5151.err`,
    [
      'Traceback (most recent call last):',
      '  File "/home/ray/flaky.py", line 20, in work',
      '    os._exit(1)',
      'SystemExit: the Flaky actor exited its worker process',
      '',
    ].join('\n'),
  );
  // The dead node's raylet.
  logFile(
    b,
    NAMES.w2,
    'raylet.out',
    [
      '[2026-01-27 10:52:59,400 I 88 88] (raylet) main.cc:180: Setting cluster ID to: 3f8a…',
      '[2026-01-27 10:53:05,100 I 88 88] (raylet) node_manager.cc:510: Starting worker 6001',
      '[2026-01-27 10:53:08,990 W 88 88] (raylet) memory_monitor.cc:197: Node memory usage is 96% — above the threshold',
      '[2026-01-27 10:53:08,999 E 88 88] (raylet) raylet.cc:240: The raylet is exiting: health check failed due to missing heartbeats',
      '',
    ].join('\n'),
  );
  // The failed submission's driver log, on the head.
  logFile(
    b,
    NAMES.head,
    `job-driver-${SUBMISSIONS.j2}.log`,
    [
      '2026-01-27 10:53:09,700\tINFO worker.py:1642 -- Connecting to existing Ray cluster at address: 10.244.0.11:6379...',
      'Traceback (most recent call last):',
      '  File "/home/ray/h.py", line 14, in <module>',
      '    ray.get(h.remote())',
      'ray.exceptions.RayTaskError(ValueError): ray::h() (pid=7311, ip=10.244.1.12)',
      'ValueError: boom',
      '',
    ].join('\n'),
  );
}

/** The demo session's Ray events and log files (deterministic). */
export function rayDemo(): RayDemo {
  const b: RayDemo = { events: new Map(), logs: new Map(), failed: [] };
  for (const p of rayCorpus()) b.events.set(p.postedBy, [...(b.events.get(p.postedBy) ?? []), p.event]);
  bulk(b);
  corpusLogs(b);
  return b;
}

/** Posts the demo's events (one request per node, as Ray's aggregators) and log files through the API. */
export async function ingestRayDemo(
  baseUrl: string,
  at: { namespace: string; cluster: string },
  headers: Record<string, string> = {},
): Promise<RayDemo> {
  const demo = rayDemo();
  for (const [node, files] of demo.logs) {
    for (const [file, text] of files) {
      const path = `/api/v1/logs/${at.namespace}/${at.cluster}/${SESSION}/${node}/${file}?offset=0`;
      const r = await request(baseUrl, path, {
        method: 'PUT',
        body: text,
        headers: { 'Content-Type': 'text/plain', ...headers },
      });
      if (r.status !== 200) throw new Error(`log ${node}/${file}: ${r.status} ${r.text}`);
    }
  }
  for (const [node, events] of demo.events) {
    const r = await request(
      baseUrl,
      `/api/v1/events?namespace=${at.namespace}&cluster=${at.cluster}&node=${node}`,
      {
        method: 'POST',
        body: JSON.stringify(events),
        headers: { 'Content-Type': 'application/json', ...headers },
      },
    );
    if (r.status !== 200) throw new Error(`events of ${node}: ${r.status} ${r.text}`);
    const body = r.json() as { rejected: number; errors?: unknown };
    if (body.rejected !== 0) throw new Error(`events of ${node} rejected: ${JSON.stringify(body.errors)}`);
  }
  return demo;
}

/**
 * Data for the UI's browser tests and screenshots, ingested through the app's own API (batch and
 * append routes): three clusters, sessions with several nodes, nested log folders, ANSI colours, a
 * Python traceback. The listings come from the index, which the host's blob trigger builds.
 */
import { request } from '../helpers/http.js';
import { NAMES } from '../helpers/rayCorpus.js';
import { eventually } from '../helpers/storage.js';
import { ingestRayDemo, type RayDemo } from './rayDemo.js';

export const DEMO = {
  namespace: 'default',
  cluster: 'raycluster-kuberay',
  session: 'session_2026-01-27_10-52-59_373533_1',
  olderSession: 'session_2026-01-26_08-15-02_120044_1',
  /** The nodes' names are the Ray corpus's (test/helpers/rayCorpus.ts), so its events and these logs meet. */
  head: NAMES.head,
  worker: NAMES.w1,
  /** The worker node that died (its events say so). */
  deadWorker: NAMES.w2,
} as const;

const ESC = '\u001b';
const red = (s: string) => `${ESC}[31m${s}${ESC}[0m`;
const green = (s: string) => `${ESC}[32m${s}${ESC}[0m`;
const yellow = (s: string) => `${ESC}[33m${s}${ESC}[0m`;
const bold = (s: string) => `${ESC}[1m${s}${ESC}[0m`;

/** A raylet-style log with coloured levels, `n` lines. */
export function rayletLog(n: number): string {
  const out: string[] = [];
  for (let i = 1; i <= n; i++) {
    const t = `[2026-01-27 10:${String(53 + Math.floor(i / 600)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')},${String(i % 1000).padStart(3, '0')}`;
    const level = i % 50 === 0 ? yellow('W') : i % 97 === 0 ? red('E') : green('I');
    out.push(`${t} ${level} 1 1] (raylet) node_manager.cc:${1000 + (i % 900)}: line ${i} of the raylet log`);
  }
  return out.join('\n') + '\n';
}

export const TRACEBACK = [
  `${bold('Traceback (most recent call last):')}`,
  '  File "/home/ray/train.py", line 42, in <module>',
  '    result = ray.get(trainer.fit.remote())',
  '  File "/home/ray/anaconda3/lib/python3.11/site-packages/ray/_private/worker.py", line 2667, in get',
  '    raise value.as_instanceof_cause()',
  red('ray.exceptions.RayTaskError(OutOfMemoryError): ray::Trainer.fit() (pid=2841, ip=10.244.1.17)'),
  red('torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB'),
  '',
].join('\n');

/** A colour opened on one line and closed two lines later (as tqdm and loggers do). */
export const ANSI_CARRY = `${ESC}[33mwarning: the colour starts here\nand carries to this line\nand this one${ESC}[0m\nplain again\n`;

interface Chunk {
  file: string;
  offset?: number;
  data: string;
}

/** Posts one batch of files (each from offset 0) for one node of one session. */
export async function ingest(
  baseUrl: string,
  at: { namespace: string; cluster: string; session: string; node: string },
  chunks: Chunk[],
  metadata: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<void> {
  const body = JSON.stringify({
    ...at,
    chunks: chunks.map((c) => ({ file: c.file, offset: c.offset ?? 0, data: c.data })),
    metadata,
  });
  const r = await request(baseUrl, '/api/v1/batch', {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
  if (r.status !== 200) throw new Error(`batch failed: ${r.status} ${r.text}`);
  const failed = (r.json().chunks as { error?: string }[]).filter((c) => c.error !== undefined);
  if (failed.length > 0) throw new Error(`batch chunks failed: ${JSON.stringify(failed)}`);
}

/** Lines of Ray's event_*.log files (what the dashboard's event table reads), C++ and Python forms. */
const EVENT_GCS = [
  {
    time_stamp: '2026-01-27 10:53:08.999512',
    severity: 'ERROR',
    label: 'RAYLET_NODE_DEAD',
    event_id: 'e3'.repeat(18),
    source_type: 'GCS',
    host_name: NAMES.head,
    pid: '100',
    message: `Node ${NAMES.w2} died: health check failed due to missing heartbeats`,
    custom_fields: {},
  },
]
  .map((e) => JSON.stringify(e))
  .join('\n')
  .concat('\n');
const EVENT_JOBS = [
  ['e1', 'INFO', 'Started a ray job raysubmit_Zx81LmQeRt.', 1769511189],
  ['e2', 'ERROR', 'Job raysubmit_Zx81LmQeRt failed: exit code 1 (ValueError: boom).', 1769511191],
]
  .map(([id, severity, message, t]) =>
    JSON.stringify({
      event_id: String(id).repeat(18),
      source_type: 'JOBS',
      source_hostname: NAMES.head,
      source_pid: 312,
      severity,
      label: '',
      message,
      timestamp: String(t),
      custom_fields: { submission_id: 'raysubmit_Zx81LmQeRt', job_id: '02000000' },
    }),
  )
  .join('\n')
  .concat('\n');

/** Ingests the demo data (logs, and the Ray events of the newest session) and waits until the listings show it. */
export async function seedDemo(baseUrl: string, headers: Record<string, string> = {}): Promise<RayDemo> {
  const { namespace, cluster, session, olderSession, head, worker } = DEMO;
  const meta = { rayVersion: '2.52.1', submitter: 'rayjob/nightly-train' };
  await ingest(
    baseUrl,
    { namespace, cluster, session, node: head },
    [
      { file: 'raylet.out', data: rayletLog(400) },
      { file: 'gcs_server.out', data: rayletLog(120).replaceAll('raylet', 'gcs_server') },
      { file: 'worker-01000000ffffffffffffffffffffffffffffffffffffffff-2841.err', data: TRACEBACK },
      { file: 'dashboard.log', data: '' },
      { file: 'ansi-carry.log', data: ANSI_CARRY },
      { file: 'events/event_GCS.log', data: EVENT_GCS },
      { file: 'events/event_JOBS.log', data: EVENT_JOBS },
    ],
    meta,
    headers,
  );
  await ingest(
    baseUrl,
    { namespace, cluster, session, node: worker },
    [
      { file: 'raylet.out', data: rayletLog(80) },
      { file: 'python-core-worker-2841.log', data: 'core worker started\n' },
    ],
    meta,
    headers,
  );
  await ingest(
    baseUrl,
    { namespace, cluster, session: olderSession, node: head },
    [{ file: 'raylet.out', data: rayletLog(30) }],
    {},
    headers,
  );
  await ingest(
    baseUrl,
    {
      namespace: 'ml-team',
      cluster: 'train-llm',
      session: 'session_2026-01-20_17-00-00_000001_1',
      node: 'head-0',
    },
    [{ file: 'raylet.out', data: rayletLog(10) }],
    {},
    headers,
  );
  await ingest(
    baseUrl,
    {
      namespace: 'prod',
      cluster: 'rayjob-nightly',
      session: 'session_2026-01-25_02-00-00_000001_1',
      node: 'head-0',
    },
    [{ file: 'raylet.out', data: rayletLog(10) }],
    {},
    headers,
  );
  const demo = await ingestRayDemo(baseUrl, { namespace, cluster }, headers);
  await waitForIndex(baseUrl, { clusters: 3, sessions: 4 }, headers);
  return demo;
}

/** Waits until the clusters listing holds this many clusters and sessions. */
export async function waitForIndex(
  baseUrl: string,
  want: { clusters: number; sessions: number },
  headers: Record<string, string> = {},
): Promise<void> {
  await eventually(
    async () => {
      const r = await request(baseUrl, '/api/v1/clusters', { headers });
      const list = r.status === 200 ? (r.json().clusters as { sessions: number }[]) : [];
      const sessions = list.reduce((n, c) => n + c.sessions, 0);
      return list.length >= want.clusters && sessions >= want.sessions ? true : undefined;
    },
    30_000,
    `${want.clusters} clusters and ${want.sessions} sessions in the index`,
  );
}

/**
 * Issue 14 over HTTP through the local host: the dashboard's log and cluster routes in both forms
 * (shareable under the session, by id and as `latest`, and the root paths after GET /enter_cluster),
 * and the session search, against a session whose Ray-like files (worker-<id>-<job>-<pid>.out/.err,
 * raylet.out, gcs_server.out, events/event_*.log, python-core-worker-*.log) and Ray events were
 * ingested through the API; the worker ids, pids and nodes in the file names are the event corpus's,
 * so task, actor and pid selection works end to end. Also: traversal and bad input in every new
 * parameter (documented 4xx, nothing read outside the session), a catastrophic regex answered in
 * bounded time, and a host with tiny SEARCH_* limits whose partial pages continue exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clusterMetadataRoute,
  clusterStatusRoute,
  eventTableRoute,
  logsRoute,
  timezoneRoute,
} from '../../src/api/ray.js';
import { searchRoute } from '../../src/api/search.js';
import type { RouteSpec } from '../../src/http/route.js';
import { ErrorBody } from '../../src/schemas/common.js';
import { startHost, type RunningHost } from '../helpers/host.js';
import { request, type Reply } from '../helpers/http.js';
import { ACTORS, IPS, JOBS, NAMES, NODES, TASKS, WORKERS } from '../helpers/rayCorpus.js';
import { enterCluster, rootForm, scopedForm, type RayForm } from '../helpers/rayForms.js';
import {
  COUNTER_OUT,
  COUNTER_OUT_PLAIN,
  EVENTS_JOBS,
  EVENTS_RAYLET,
  F_OUT,
  FLAKY2_ERR,
  FLAKY2_OUT,
  G0_ERR,
  G0_OUT,
  G1_OUT,
  H_ERR,
  H_OUT,
  NEEDLE,
  RAY_LOGS,
  REGEX_BAIT_FILE,
  W1_RAYLET,
  W1_RAYLET_LINES,
  workerFile,
} from '../helpers/rayLogs.js';
import {
  CLUSTER,
  EMPTY_SESSION,
  ingestRaySessionHttp,
  METADATA,
  NS,
  SECRET,
  SESSION_PATH,
} from '../helpers/raySessionHttp.js';

let host: RunningHost;
const forms = new Map<string, RayForm>();
/** Every answer body this file received for the corpus session (none may hold another session's bytes). */
const bodies: string[] = [];

beforeAll(async () => {
  host = await startHost();
  await ingestRaySessionHttp(host.baseUrl);
  const base = host.baseUrl;
  const keep = (f: RayForm): RayForm => ({
    name: f.name,
    get: async (p, h) => {
      const r = await f.get(p, h);
      bodies.push(r.text);
      return r;
    },
  });
  forms.set('shareable', keep(scopedForm(base, 'shareable', SESSION_PATH)));
  forms.set(
    'shareable, latest',
    keep(scopedForm(base, 'latest', `/api/v1/clusters/${NS}/${CLUSTER}/sessions/latest`)),
  );
  forms.set('root, after enter_cluster', keep(rootForm(base, 'root', await enterCluster(base, NS, CLUSTER))));
}, 240_000);

afterAll(async () => {
  await host?.stop();
});

function ok<T>(r: Reply, spec: RouteSpec): T {
  expect(r.status, r.text.slice(0, 300)).toBe(200);
  const body = r.json() as unknown;
  spec.responses[200]?.schema?.parse(body);
  return body as T;
}

function rejected(r: Reply, status: number, expected: { error?: string; field?: string } = {}) {
  expect(r.status, r.text.slice(0, 300)).toBe(status);
  expect(ErrorBody.parse(r.json())).toMatchObject(expected);
}

/** `tail -n`: the last n lines of a text (a final newline ends the last line). */
function tailLines(t: string, n: number): string {
  const lines = t.endsWith('\n') ? t.slice(0, -1).split('\n') : t.split('\n');
  const kept = lines.slice(Math.max(0, lines.length - n)).join('\n');
  return t.endsWith('\n') && kept !== '' ? `${kept}\n` : kept;
}

interface Hit {
  node: string;
  nodeId?: string;
  file: string;
  line: number;
  offset: number;
  text: string;
  read: string;
}

/** The reference search: every line of every ingested file that `match` accepts, in storage order. */
function grep(match: (line: string) => boolean): Omit<Hit, 'read' | 'nodeId'>[] {
  const hits: Omit<Hit, 'read' | 'nodeId'>[] = [];
  for (const node of Object.keys(RAY_LOGS).sort()) {
    const files = RAY_LOGS[node] ?? {};
    for (const file of Object.keys(files).sort()) {
      let offset = 0;
      const text = files[file] ?? '';
      const lines = text.split('\n');
      if (text.endsWith('\n')) lines.pop();
      lines.forEach((line, i) => {
        if (match(line)) hits.push({ node, file, line: i + 1, offset, text: line });
        offset += Buffer.byteLength(line) + 1;
      });
    }
  }
  return hits;
}

const NODE_IDS: Record<string, string> = {
  [NAMES.head]: NODES.head,
  [NAMES.w1]: NODES.w1,
  [NAMES.w2]: NODES.w2,
};

describe.each(['shareable', 'shareable, latest', 'root, after enter_cluster'])('%s form', (formName) => {
  const get = (path: string, headers?: Record<string, string>) =>
    (forms.get(formName) as RayForm).get(path, headers);
  const logFile = (q: string, headers?: Record<string, string>) => get(`api/v0/logs/file?${q}`, headers);
  const text = async (q: string, status = 200) => {
    const r = await logFile(q);
    expect(r.status, r.text.slice(0, 300)).toBe(status);
    return r.text;
  };

  it("api/v0/logs: a node's files in Ray's categories, by Ray node id, storage name or IP", async () => {
    const files = Object.keys(RAY_LOGS[NAMES.w1] ?? {});
    const of = (re: RegExp) => files.filter((f) => re.test(f) && !f.includes('/')).sort();
    const expected = {
      worker_out: of(/^worker-.*\.out$/),
      worker_err: of(/^worker-.*\.err$/),
      core_worker: of(/^python-core-worker-/),
      raylet: ['raylet.out'],
      internal: ['events/'],
    };
    const byId = ok<{ data: { result: Record<string, string[]> } }>(
      await get(`api/v0/logs?node_id=${NODES.w1}`),
      logsRoute.scoped,
    );
    expect(byId.data.result).toEqual(expected);
    expect(expected.worker_out).toHaveLength(5);
    for (const q of [`node_id=${NAMES.w1}`, `node_ip=${IPS.w1}`, `node_id=${NODES.w1.toUpperCase()}`]) {
      expect(ok<object>(await get(`api/v0/logs?${q}`), logsRoute.scoped)).toEqual(byId);
    }
    const head = ok<{ data: { result: Record<string, string[]> } }>(
      await get(`api/v0/logs?node_id=${NODES.head}`),
      logsRoute.scoped,
    );
    expect(head.data.result).toEqual({
      raylet: ['raylet.err', 'raylet.out'],
      gcs_server: ['gcs_server.out'],
      dashboard: ['dashboard.log'],
      agent: ['dashboard_agent.log'],
      driver: [`python-core-driver-${JOBS.j1}_4242.log`],
      internal: ['events/', `job-driver-raysubmit_Zx81LmQeRt.log`, 'log_monitor.log', 'old/'],
    });
  });

  it('api/v0/logs: glob selects within the node (one level, a directory, ** recursive)', async () => {
    const list = async (q: string) =>
      ok<{ data: { result: Record<string, string[]> } }>(await get(`api/v0/logs?${q}`), logsRoute.scoped).data
        .result;
    expect(await list(`node_id=${NODES.head}&glob=events/*`)).toEqual({
      internal: ['events/event_JOBS.log'],
    });
    expect(await list(`node_id=${NODES.w1}&glob=${encodeURIComponent('worker-*.err')}`)).toEqual({
      worker_err: Object.keys(RAY_LOGS[NAMES.w1] ?? {})
        .filter((f) => f.startsWith('worker-') && f.endsWith('.err'))
        .sort(),
    });
    expect(await list(`node_id=${NODES.head}&glob=${encodeURIComponent('**/*.log')}`)).toEqual({
      dashboard: ['dashboard.log'],
      agent: ['dashboard_agent.log'],
      driver: [`python-core-driver-${JOBS.j1}_4242.log`],
      internal: [
        'events/event_JOBS.log',
        `job-driver-raysubmit_Zx81LmQeRt.log`,
        'log_monitor.log',
        REGEX_BAIT_FILE,
      ],
    });
    expect(await list(`node_id=${NODES.w2}&glob=nothing*`)).toEqual({});
  });

  it('api/v0/logs/file by node and filename: lines (default 1000, -1, past 10,000), node_ip, download name', async () => {
    const r = await logFile(`node_id=${NODES.w1}&filename=raylet.out`);
    expect(r.status).toBe(200);
    expect(r.text).toBe(tailLines(W1_RAYLET, 1000));
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(r.headers['content-disposition']).toMatch(/^attachment; filename="file\.txt"/);
    expect(await text(`node_id=${NODES.w1}&filename=raylet.out&lines=-1`)).toBe(W1_RAYLET);
    expect(await text(`node_id=${NODES.w1}&filename=raylet.out&lines=10001`)).toBe(
      tailLines(W1_RAYLET, 10_001),
    );
    expect(await text(`node_id=${NODES.w1}&filename=raylet.out&lines=20000`)).toBe(W1_RAYLET);
    expect(await text(`node_id=${NODES.w1}&filename=raylet.out&lines=1`)).toBe(`${W1_RAYLET_LINES.at(-1)}\n`);
    expect(await text(`node_id=${NODES.w1}&filename=raylet.out&lines=0`)).toBe(tailLines(W1_RAYLET, 1000));
    expect(await text(`node_ip=${IPS.w2}&filename=raylet.out&lines=-1`)).toBe(
      RAY_LOGS[NAMES.w2]?.['raylet.out'],
    );
    expect(await text(`node_id=${NAMES.head}&filename=events/event_JOBS.log&lines=1`)).toBe(
      `${JSON.stringify(EVENTS_JOBS[1])}\n`,
    );
    const named = await logFile(
      `node_id=${NODES.w1}&filename=raylet.out&lines=2&download_filename=w1-raylet.txt`,
    );
    expect(named.headers['content-disposition']).toMatch(/^attachment; filename="w1-raylet\.txt"/);
  });

  it('api/v0/logs/file by task: its worker file, its attempt, and its own byte range from taskLogInfo', async () => {
    // h: the events carry taskLogInfo; only its own bytes are answered.
    expect(await text(`task_id=${TASKS.h}`)).toBe(H_OUT);
    expect(await text(`task_id=${TASKS.h}&suffix=err&lines=-1`)).toBe(H_ERR);
    expect(await text(`task_id=${TASKS.h}&suffix=err&lines=2`)).toBe(tailLines(H_ERR, 2));
    // g: attempt 0 died on w2, attempt 1 ran on w1 (no taskLogInfo: the worker's file).
    expect(await text(`task_id=${TASKS.g}&attempt_number=0`)).toBe(G0_OUT);
    expect(await text(`task_id=${TASKS.g}&attempt_number=0&suffix=err`)).toBe(G0_ERR);
    expect(await text(`task_id=${TASKS.g}&attempt_number=1`)).toBe(G1_OUT);
    expect(await text(`task_id=${TASKS.f2.toUpperCase()}`)).toBe(F_OUT);
    rejected(await logFile(`task_id=${TASKS.g}&attempt_number=5`), 404, { error: 'task_not_found' });
    rejected(await logFile(`task_id=${'ab'.repeat(24)}`), 404, { error: 'task_not_found' });
    // An actor task without taskLogInfo: its output is in the actor's log.
    const incr = await logFile(`task_id=${TASKS.incr}`);
    rejected(incr, 404, { error: 'log_not_found' });
    expect(incr.json().message).toContain(`actor_id=${ACTORS.counter}`);
  });

  it('api/v0/logs/file by actor and by pid; ANSI filtering; format=leading_1', async () => {
    expect(await text(`actor_id=${ACTORS.counter}&lines=-1`)).toBe(COUNTER_OUT);
    expect(await text(`actor_id=${ACTORS.counter}&filter_ansi_code=true`)).toBe(COUNTER_OUT_PLAIN);
    // Flaky restarted on w1: its last worker's files.
    expect(await text(`actor_id=${ACTORS.flaky}`)).toBe(FLAKY2_OUT);
    expect(await text(`actor_id=${ACTORS.flaky}&suffix=err`)).toBe(FLAKY2_ERR);
    rejected(await logFile(`actor_id=${'0'.repeat(32)}`), 404, { error: 'actor_not_found' });
    expect(await text(`node_id=${NODES.w1}&pid=7100`)).toBe(COUNTER_OUT);
    expect(await text(`node_ip=${IPS.w2}&pid=6001&suffix=err`)).toBe(G0_ERR);
    rejected(await logFile(`node_id=${NODES.w1}&pid=999`), 404, { error: 'log_not_found' });
    expect(await text(`actor_id=${ACTORS.counter}&format=leading_1&filter_ansi_code=1`)).toBe(
      `1${COUNTER_OUT_PLAIN}`,
    );
    expect(await text(`node_id=${NODES.head}&filename=raylet.err&format=leading_1`)).toBe('');
    // Not found, as Ray's log viewer expects it: 200, "0" and the reason.
    const missing = await text(`task_id=${TASKS.incr}&format=leading_1`);
    expect(missing).toMatch(/^0.*actor_id=/);
  });

  it('api/v0/logs/file: ETag, If-None-Match, Range and If-Range as the file route has them', async () => {
    const q = `node_id=${NODES.w1}&filename=raylet.out&lines=-1`;
    const whole = await logFile(q);
    const etag = String(whole.headers.etag);
    expect(etag).toMatch(/^"/);
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect((await logFile(q, { 'If-None-Match': etag })).status).toBe(304);
    const part = await logFile(q, { Range: 'bytes=0-9' });
    expect(part.status).toBe(206);
    expect(part.text).toBe(W1_RAYLET.slice(0, 10));
    expect(part.headers['content-range']).toBe(`bytes 0-9/${Buffer.byteLength(W1_RAYLET)}`);
    expect((await logFile(q, { Range: 'bytes=0-9', 'If-Range': '"other"' })).status).toBe(200);
    expect((await logFile(q, { Range: `bytes=${Buffer.byteLength(W1_RAYLET)}-` })).status).toBe(416);
    // Within a task's own bytes, and a tail's ETag differs from the file's.
    const task = await logFile(`task_id=${TASKS.h}&suffix=err&lines=-1`, { Range: 'bytes=0-34' });
    expect(task.status).toBe(206);
    expect(task.text).toBe(H_ERR.slice(0, 35));
    const tail = await logFile(`node_id=${NODES.w1}&filename=raylet.out&lines=5`);
    expect(tail.headers.etag).not.toBe(etag);
    expect(
      (
        await logFile(`node_id=${NODES.w1}&filename=raylet.out&lines=5`, {
          'If-None-Match': String(tail.headers.etag),
        })
      ).status,
    ).toBe(304);
  });

  it('events: the event table from events/event_*.log, by job, paged', async () => {
    const all = ok<{ msg: string; data: { events: Record<string, { eventId: string; message: string }[]> } }>(
      await get('events'),
      eventTableRoute.scoped,
    );
    expect(all.msg).toBe('All events fetched.');
    expect(
      Object.fromEntries(Object.entries(all.data.events).map(([k, v]) => [k, v.map((e) => e.eventId)])),
    ).toEqual({
      [JOBS.j2]: EVENTS_JOBS.map((e) => e.event_id),
      global: EVENTS_RAYLET.map((e) => e.event_id),
    });
    const j2 = ok<{ msg: string; data: { jobId: string; events: Record<string, unknown>[] } }>(
      await get(`events?job_id=${JOBS.j2}`),
      eventTableRoute.scoped,
    );
    expect(j2.msg).toBe('Job events fetched.');
    expect(j2.data.jobId).toBe(JOBS.j2);
    expect(j2.data.events[1]).toMatchObject({
      eventId: EVENTS_JOBS[1]?.event_id,
      sourceType: 'JOBS',
      severity: 'ERROR',
      message: EVENTS_JOBS[1]?.message,
      customFields: { jobId: JOBS.j2 },
    });
    const first = ok<{ data: { events: Record<string, unknown[]>; nextCursor?: string } }>(
      await get('events?limit=1'),
      eventTableRoute.scoped,
    );
    expect(Object.values(first.data.events).flat()).toHaveLength(1);
    expect(first.data.nextCursor).toBeDefined();
    const rest = ok<{ data: { events: Record<string, unknown[]>; nextCursor?: string } }>(
      await get(`events?limit=100&cursor=${encodeURIComponent(first.data.nextCursor ?? '')}`),
      eventTableRoute.scoped,
    );
    expect(Object.values(rest.data.events).flat()).toHaveLength(2);
    expect(rest.data.nextCursor).toBeUndefined();
  });

  it('api/cluster_status?format=1: a ray status text of the nodes alive and dead and their resources', async () => {
    const s = ok<{ data: { clusterStatus: string; source: string } }>(
      await get('api/cluster_status?format=1'),
      clusterStatusRoute.scoped,
    );
    expect(s.data.source).toBe('reconstructed');
    const lines = s.data.clusterStatus.split('\n');
    expect(lines[0]).toMatch(/^======== Autoscaler status: 2026-01-27 10:52:59\.\d+ ========$/);
    const section = (title: string) => {
      const at = lines.indexOf(`${title}:`);
      const end = lines.findIndex((l, i) => i > at && !l.startsWith(' '));
      return lines.slice(at + 1, end);
    };
    expect(section('Active')).toEqual([' 1 headgroup', ' 1 workergroup']);
    expect(section('Dead')).toEqual([' 1 workergroup']);
    expect(section('Recent failures')).toEqual([` workergroup: NodeTerminated (ip: ${IPS.w2})`]);
    expect(section('Total Usage')).toEqual([
      ' 0.0/12.0 CPU',
      ' 0.0/1.0 GPU',
      ' 0B/24.00GiB memory',
      ' 0B/6.00GiB object_store_memory',
    ]);
    const plain = ok<{ data: object }>(await get('api/cluster_status'), clusterStatusRoute.scoped);
    expect(plain.data).toEqual({ autoscalingStatus: null, autoscalingError: null, clusterStatus: null });
  });

  it('api/v0/cluster_metadata and timezone: what the session recorded', async () => {
    const m = ok<{ data: Record<string, unknown> }>(
      await get('api/v0/cluster_metadata'),
      clusterMetadataRoute.scoped,
    );
    expect(m.data).toEqual({
      sessionName: expect.stringMatching(/^session_2026-01-27/) as unknown,
      rayVersion: METADATA.rayVersion,
      pythonVersion: METADATA.pythonVersion,
    });
    expect(ok<object>(await get('timezone'), timezoneRoute.scoped)).toEqual(METADATA.timezone);
  });

  it('bad input and traversal in every parameter: the documented 4xx naming it, never 500', async () => {
    const bad = async (p: string, field: string, status = 400) =>
      rejected(await get(p), status, status === 400 ? { error: 'invalid_parameter', field } : {});
    await bad('api/v0/logs?node_id=w1&glob=../*', 'glob');
    await bad(`api/v0/logs?node_id=${NODES.w1}&glob=${encodeURIComponent('/etc/*')}`, 'glob');
    await bad(`api/v0/logs?node_id=${NODES.w1}&glob=${encodeURIComponent('a/../../*')}`, 'glob');
    await bad('api/v0/logs', 'node_id');
    await bad('api/v0/logs?node_id=..', 'node_id');
    await bad('api/v0/logs?node_ip=not-an-ip', 'node_ip');
    await bad(`api/v0/logs?node_id=${NODES.w1}&limit=0`, 'limit');
    await bad(`api/v0/logs?node_id=${NODES.w1}&cursor=garbage`, 'cursor');
    rejected(await get(`api/v0/logs?node_id=${'ab'.repeat(28)}`), 404, { error: 'node_not_found' });
    const file = (q: string, field: string) => bad(`api/v0/logs/file?${q}`, field);
    await file(`node_id=${NODES.w1}&filename=${encodeURIComponent('../../x')}`, 'filename');
    await file(`node_id=${NODES.w1}&filename=${encodeURIComponent('/etc/passwd')}`, 'filename');
    await file(
      `node_id=${NODES.w1}&filename=${encodeURIComponent(`../../${EMPTY_SESSION}/logs/head-0/raylet.out`)}`,
      'filename',
    );
    await file(`node_id=${NODES.w1}&filename=%2e%2e%2fx`, 'filename');
    await file(`node_id=${NODES.w1}&filename=raylet.out&lines=100000001`, 'lines');
    await file(`node_id=${NODES.w1}&filename=raylet.out&lines=-2`, 'lines');
    await file(`node_id=${NODES.w1}&filename=raylet.out&lines=1e9`, 'lines');
    await file(`node_id=${NODES.w1}&filename=raylet.out&lines=${'9'.repeat(40)}`, 'lines');
    await file(
      `node_id=${NODES.w1}&filename=raylet.out&download_filename=${encodeURIComponent('../x')}`,
      'download_filename',
    );
    await file(`node_id=${NODES.w1}&filename=raylet.out&format=html`, 'format');
    await file(`node_id=${NODES.w1}&filename=raylet.out&filter_ansi_code=maybe`, 'filter_ansi_code');
    await file(`task_id=${TASKS.h}&suffix=log`, 'suffix');
    await file(`task_id=${TASKS.h}&attempt_number=-1`, 'attempt_number');
    await file('task_id=not-hex', 'task_id');
    await file('actor_id=../x', 'actor_id');
    await file(`node_id=${NODES.w1}&pid=0`, 'pid');
    await file(`node_id=${NODES.w1}`, 'filename');
    await file('filename=raylet.out', 'node_id');
    rejected(await get(`api/v0/logs/file?node_id=${NODES.w1}&filename=missing.out`), 404, {
      error: 'file_not_found',
    });
    await bad('events?job_id=ZZ', 'job_id');
    await bad('events?limit=0', 'limit');
    await bad('events?cursor=garbage', 'cursor');
    await bad('api/cluster_status?format=2', 'format');
  });
});

describe('search across the session', () => {
  const search = async (q: string, base = host.baseUrl) => {
    const r = await request(base, `${SESSION_PATH}/search?${q}`);
    bodies.push(r.text);
    return r;
  };
  const page = async (q: string, base = host.baseUrl) =>
    ok<{ hits: Hit[]; nextCursor?: string; partial?: true }>(await search(q, base), searchRoute);
  /** Every hit, following cursors; the pages seen. */
  const all = async (q: string, base = host.baseUrl) => {
    const hits: Hit[] = [];
    const pages: { hits: Hit[]; nextCursor?: string; partial?: true }[] = [];
    let cursor: string | undefined;
    do {
      const p = await page(
        `${q}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
        base,
      );
      pages.push(p);
      hits.push(...p.hits);
      cursor = p.nextCursor;
    } while (cursor !== undefined);
    return { hits, pages };
  };
  const withoutRead = (hits: Hit[]) => hits.map(({ read: _read, nodeId: _id, ...h }) => h);
  const needles = grep((l) => l.includes(NEEDLE));

  it('finds a literal in every file, in storage order, with line numbers, byte offsets and Ray node ids', async () => {
    expect(needles).toHaveLength(4);
    const p = await page(`q=${NEEDLE}`);
    expect(withoutRead(p.hits)).toEqual(needles);
    expect(p.hits.map((h) => h.nodeId)).toEqual(p.hits.map((h) => NODE_IDS[h.node]));
    expect(p.nextCursor).toBeUndefined();
    expect(p.partial).toBeUndefined();
    expect(p.hits.find((h) => h.file === workerFile(WORKERS.w1a, JOBS.j2, 7311, 'out'))?.offset).toBe(120);
  });

  it("a hit's read link reads the file from that line", async () => {
    for (const h of (await page(`q=${NEEDLE}`)).hits) {
      const r = await request(host.baseUrl, `${SESSION_PATH}/${h.read}`);
      expect(r.status).toBe(206);
      expect(r.text.startsWith(`${h.text}\n`)).toBe(true);
      expect(r.headers['content-range']).toMatch(new RegExp(`^bytes ${h.offset}-`));
    }
  });

  it('regex (RE2), case-insensitive, node (name or Ray id) and glob', async () => {
    expect(withoutRead((await page(`q=${encodeURIComponent(`${NEEDLE} [13]$`)}&regex=true`)).hits)).toEqual(
      grep((l) => new RegExp(`${NEEDLE} [13]$`).test(l)),
    );
    expect(withoutRead((await page(`q=${NEEDLE.toLowerCase()}&ignoreCase=true`)).hits)).toEqual(needles);
    expect((await page(`q=${NEEDLE.toLowerCase()}`)).hits).toEqual([]);
    const onW2 = needles.filter((h) => h.node === NAMES.w2);
    expect(onW2).toHaveLength(2);
    expect(withoutRead((await page(`q=${NEEDLE}&node=${NAMES.w2}`)).hits)).toEqual(onW2);
    expect(withoutRead((await page(`q=${NEEDLE}&node=${NODES.w2}`)).hits)).toEqual(onW2);
    expect(withoutRead((await page(`q=${NEEDLE}&glob=${encodeURIComponent('worker-*.err')}`)).hits)).toEqual(
      needles.filter((h) => /^worker-.*\.err$/.test(h.file)),
    );
    expect((await page(`q=${SECRET}`)).hits).toEqual([]);
  });

  it('pages: limit hits a page, a cursor continuing exactly to the end', async () => {
    const { hits, pages } = await all(`q=${NEEDLE}&limit=1`);
    expect(pages.map((p) => p.hits.length)).toEqual([1, 1, 1, 1, 0]);
    expect(withoutRead(hits)).toEqual(needles);
  });

  it('a catastrophic regex is answered in linear time, and the host stays up', async () => {
    const p = await page(`q=${encodeURIComponent('(a+)+$')}&regex=true&node=${NAMES.head}`);
    expect(withoutRead(p.hits)).toEqual(grep((l) => l.endsWith('a')).filter((h) => h.node === NAMES.head));
    expect(p.hits.map((h) => h.file)).toEqual([REGEX_BAIT_FILE]);
    expect((await request(host.baseUrl, '/livez')).text).toBe('ok');
  });

  it('bad input is 400 naming the field', async () => {
    const bad = async (q: string, field: string) =>
      rejected(await search(q), 400, { error: 'invalid_parameter', field });
    await bad('q=', 'q');
    await bad('regex=true', 'q');
    await bad(`q=${encodeURIComponent('(a')}&regex=true`, 'q');
    await bad(`q=${encodeURIComponent('(?<=a)b')}&regex=true`, 'q');
    await bad(`q=x&glob=${encodeURIComponent('../*')}`, 'glob');
    await bad('q=x&node=..', 'node');
    await bad('q=x&limit=0', 'limit');
    await bad('q=x&limit=1001', 'limit');
    await bad('q=x&cursor=garbage', 'cursor');
    const other = (await page(`q=${NEEDLE}&limit=1`)).nextCursor ?? '';
    await bad(`q=other&cursor=${encodeURIComponent(other)}`, 'cursor');
  });
});

describe('search bounded by SEARCH_MAX_BYTES and SEARCH_DEADLINE_MS', () => {
  let tiny: RunningHost;
  beforeAll(async () => {
    // The same container: the session as ingested above, read by a host with the smallest limits.
    tiny = await startHost({
      container: host.container,
      env: { SEARCH_MAX_BYTES: '65536', SEARCH_DEADLINE_MS: '100', SEARCH_CONCURRENCY: '1' },
    });
  }, 120_000);
  afterAll(async () => {
    await tiny?.stop();
  });

  it('ends a page partial with a cursor when a limit is reached; the pages continue exactly', async () => {
    const pages: { hits: Hit[]; nextCursor?: string; partial?: true; scannedBytes: number }[] = [];
    let cursor: string | undefined;
    do {
      const r = await request(
        tiny.baseUrl,
        `${SESSION_PATH}/search?q=${NEEDLE}&limit=1000${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
      );
      const p = ok<(typeof pages)[number]>(r, searchRoute);
      pages.push(p);
      cursor = p.nextCursor;
      if (cursor !== undefined) expect(p.partial).toBe(true);
    } while (cursor !== undefined && pages.length < 1000);
    // The session holds more than 64 KiB of logs, so the byte budget alone ends at least one page.
    expect(pages.length).toBeGreaterThan(1);
    expect(pages[0]?.partial).toBe(true);
    expect(pages.at(-1)?.partial).toBeUndefined();
    const hits = pages.flatMap((p) => p.hits);
    expect(hits.map(({ read: _r, nodeId: _n, ...h }) => h)).toEqual(grep((l) => l.includes(NEEDLE)));
  });
});

describe('the log routes read nothing outside the session', () => {
  it('no answer for the corpus session (log routes, search, traversal attempts) held another session’s bytes', () => {
    expect(bodies.length).toBeGreaterThan(100);
    expect(bodies.filter((b) => b.includes(SECRET))).toEqual([]);
  });
});

/**
 * Issue 13 over HTTP: the Ray Dashboard's job, task, actor and node paths and the failures view,
 * through the local host, against the Ray-shaped event corpus posted to POST /api/v1/events as Ray's
 * aggregators post it (one request per node), in both route forms — shareable under the session (by
 * id and as `latest`) and upstream's root paths after GET /enter_cluster with the cookies it set.
 * Expected states, counts, filters, limits and truncation fields, the Chrome trace, unknown and
 * malformed ids and bad queries (4xx naming the field, never 500), and a session without events
 * (empty, schema-valid answers). Every answer is checked against the route's declared schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actorRoute,
  actorsRoute,
  failuresRoute,
  jobRoute,
  jobsRoute,
  nodeRoute,
  nodesRoute,
  taskSummaryRoute,
  tasksRoute,
  timelineRoute,
} from '../../src/api/ray.js';
import type { RouteSpec } from '../../src/http/route.js';
import { ErrorBody } from '../../src/schemas/common.js';
import type {
  ActorsResponse,
  FailuresResponse,
  Job,
  NodesSummaryResponse,
  TaskListResponse,
  TaskSummaryByFunc,
  TaskSummaryByLineage,
  TaskSummaryResponse,
  TraceEvent,
} from '../../src/schemas/dashboard.js';
import { startHost, type RunningHost } from '../helpers/host.js';
import { request, type Reply } from '../helpers/http.js';
import {
  ACTORS,
  IPS,
  JOBS,
  MESSAGES,
  NAMES,
  NODES,
  SUBMISSIONS,
  TASKS,
  WORKERS,
} from '../helpers/rayCorpus.js';
import { enterCluster, rootForm, scopedForm, setCookies, type RayForm } from '../helpers/rayForms.js';
import {
  FLAKY1_ERR,
  FLAKY2_ERR,
  G0_ERR,
  H_ERR,
  J2_DRIVER_TEXT,
  SESSION,
  W2_RAYLET,
} from '../helpers/rayLogs.js';
import {
  CLUSTER,
  EMPTY_PATH,
  EMPTY_SESSION,
  ingestRaySessionHttp,
  NS,
  SESSION_PATH,
} from '../helpers/raySessionHttp.js';

let host: RunningHost;
const MISSING = 'session_2025-01-01_00-00-00_000000';
const forms = new Map<string, RayForm>();

beforeAll(async () => {
  host = await startHost();
  await ingestRaySessionHttp(host.baseUrl);
  const base = host.baseUrl;
  forms.set('shareable', scopedForm(base, 'shareable', SESSION_PATH));
  forms.set(
    'shareable, latest',
    scopedForm(base, 'latest', `/api/v1/clusters/${NS}/${CLUSTER}/sessions/latest`),
  );
  forms.set('root, after enter_cluster', rootForm(base, 'root', await enterCluster(base, NS, CLUSTER)));
}, 240_000);

afterAll(async () => {
  await host?.stop();
});

/** The body of a 200, checked against the route's declared answer. */
function ok<T>(r: Reply, spec: RouteSpec): T {
  expect(r.status, r.text.slice(0, 300)).toBe(200);
  expect(r.headers['content-type']).toMatch(/^application\/json/);
  const body = r.json() as unknown;
  const schema = spec.responses[200]?.schema;
  if (schema !== undefined) schema.parse(body);
  return body as T;
}

/** A 4xx in the contract's error shape, naming the field when one is expected. */
function rejected(r: Reply, status: number, expected: { error?: string; field?: string } = {}) {
  expect(r.status, r.text.slice(0, 300)).toBe(status);
  const body = ErrorBody.parse(r.json());
  expect(body).toMatchObject(expected);
  return body;
}

const ids = (rows: { task_id: string; attempt_number: number }[]) =>
  rows.map((r) => `${r.task_id}:${r.attempt_number}`);
const filter = (...f: [string, string, string][]) =>
  f
    .map(
      ([k, p, v]) =>
        `filter_keys=${k}&filter_predicates=${encodeURIComponent(p)}&filter_values=${encodeURIComponent(v)}`,
    )
    .join('&');

describe.each(['shareable', 'shareable, latest', 'root, after enter_cluster'])('%s form', (formName) => {
  const form = () => forms.get(formName) as RayForm;
  const get = (path: string) => form().get(path);

  it('api/jobs/: a submission and its driver as one job; the failed job with its message', async () => {
    const jobs = ok<Job[]>(await get('api/jobs/'), jobsRoute.scoped);
    expect(jobs.map((j) => [j.type, j.job_id, j.submission_id, j.status])).toEqual([
      ['SUBMISSION', JOBS.j1, SUBMISSIONS.j1, 'SUCCEEDED'],
      ['SUBMISSION', JOBS.j2, SUBMISSIONS.j2, 'FAILED'],
      ['DRIVER', JOBS.j3, null, 'SUCCEEDED'],
    ]);
    expect(jobs[0]).toMatchObject({
      entrypoint: 'python train.py',
      driver_info: { id: JOBS.j1, node_ip_address: IPS.head, node_id: NODES.head, pid: '4242' },
      metadata: { job_submission_id: SUBMISSIONS.j1, job_name: 'train' },
    });
    const failed = ok<Job>(await get(`api/jobs/${JOBS.j2}`), jobRoute.scoped);
    expect(failed).toMatchObject({
      status: 'FAILED',
      message: MESSAGES.j2Failed,
      error_type: 'JOB_ENTRYPOINT_COMMAND_ERROR',
      driver_exit_code: 1,
    });
    expect(ok<Job>(await get(`api/jobs/${SUBMISSIONS.j2}`), jobRoute.scoped)).toEqual(failed);
    rejected(await get('api/jobs/raysubmit_nope'), 404, { error: 'job_not_found' });
    rejected(await get('api/jobs/bad!id'), 400, { error: 'invalid_parameter', field: 'job_id' });
  });

  it('api/v0/tasks: the StateApi envelope, drivers excluded by default, limits and truncation', async () => {
    const all = ok<TaskListResponse>(await get('api/v0/tasks'), tasksRoute.scoped);
    expect(all).toMatchObject({ result: true, msg: '' });
    const page = all.data.result;
    expect(page).toMatchObject({ total: 15, num_after_truncation: 15, num_filtered: 12 });
    expect(page.result).toHaveLength(12);
    expect(page.result.some((t) => t.type === 'DRIVER_TASK')).toBe(false);
    expect(page.result[0]).not.toHaveProperty('events');
    const two = ok<TaskListResponse>(
      await get('api/v0/tasks?limit=2&detail=true&exclude_driver=false'),
      tasksRoute.scoped,
    ).data.result;
    expect(two).toMatchObject({ total: 15, num_after_truncation: 15, num_filtered: 15 });
    expect(two.result).toHaveLength(2);
    expect(two.result[0]?.events?.length).toBeGreaterThan(0);
    const drivers = ok<TaskListResponse>(
      await get('api/v0/tasks?limit=10000&exclude_driver=0'),
      tasksRoute.scoped,
    ).data.result.result.filter((t) => t.type === 'DRIVER_TASK');
    expect(drivers.map((t) => t.task_id).sort()).toEqual(
      [TASKS.driver1, TASKS.driver2, TASKS.driver3].sort(),
    );
  });

  it('api/v0/tasks: state=FAILED, job_id=…, !=, several filters, upstream key names', async () => {
    const tasks = async (q: string) =>
      ok<TaskListResponse>(await get(`api/v0/tasks?${q}`), tasksRoute.scoped).data.result;
    const failed = await tasks(filter(['state', '=', 'FAILED']));
    expect(failed).toMatchObject({ total: 15, num_after_truncation: 15, num_filtered: 3 });
    expect(ids(failed.result)).toEqual([`${TASKS.g}:0`, `${TASKS.h}:0`, `${TASKS.work}:0`]);
    expect(failed.result.map((t) => [t.error_type, t.node_id, t.worker_id])).toEqual([
      ['WORKER_DIED', NODES.w2, WORKERS.w2a],
      ['TASK_EXECUTION_EXCEPTION', NODES.w1, WORKERS.w1a],
      ['ACTOR_DIED', NODES.w2, WORKERS.flaky1],
    ]);
    expect(ids((await tasks(`limit=100&${filter(['state', '=', 'failed'])}`)).result)).toEqual(
      ids(failed.result),
    );
    expect(ids((await tasks(filter(['job_id', '=', JOBS.j2]))).result)).toEqual([`${TASKS.h}:0`]);
    const notFinished = await tasks(filter(['state', '!=', 'FINISHED']));
    expect(ids(notFinished.result).sort()).toEqual(ids(failed.result).sort());
    const both = await tasks(filter(['job_id', '=', JOBS.j1], ['state', '=', 'FAILED']));
    expect(ids(both.result)).toEqual([`${TASKS.g}:0`, `${TASKS.work}:0`]);
    const notJ1 = await tasks(filter(['job_id', '!=', JOBS.j1], ['type', '=', 'NORMAL_TASK']));
    expect(ids(notJ1.result)).toEqual([`${TASKS.h}:0`]);
    const named = await tasks(`limit=2&${filter(['task_name', '=', 'f'])}`);
    expect(named).toMatchObject({ num_filtered: 3 });
    expect(named.result).toHaveLength(2);
    const oneTask = await tasks(`detail=1&${filter(['task_id', '=', TASKS.g])}`);
    expect(ids(oneTask.result)).toEqual([`${TASKS.g}:0`, `${TASKS.g}:1`]);
    expect(oneTask.result.map((t) => [t.state, t.node_id])).toEqual([
      ['FAILED', NODES.w2],
      ['FINISHED', NODES.w1],
    ]);
    const unknown = await tasks(filter(['task_id', '=', 'ab'.repeat(24)]));
    expect(unknown).toMatchObject({ num_filtered: 0, result: [] });
    const actorTasks = await tasks(filter(['actor_id', '=', ACTORS.flaky]));
    expect(ids(actorTasks.result)).toEqual(
      [`${TASKS.flakyInit}:0`, `${TASKS.work}:0`, `${TASKS.work}:1`].sort(),
    );
  });

  it('api/v0/tasks?detail: why each attempt failed, the retry that finished, a task without its definition', async () => {
    const tasks = async (q: string) =>
      ok<TaskListResponse>(await get(`api/v0/tasks?detail=true&${q}`), tasksRoute.scoped).data.result.result;
    const failed = await tasks(filter(['state', '=', 'FAILED']));
    expect(failed.map((t) => [t.task_id, t.attempt_number, t.name, t.error_type, t.error_message])).toEqual([
      [TASKS.g, 0, 'g', 'WORKER_DIED', MESSAGES.workerDied],
      [TASKS.h, 0, 'h', 'TASK_EXECUTION_EXCEPTION', MESSAGES.valueError],
      [TASKS.work, 0, 'Flaky.work', 'ACTOR_DIED', MESSAGES.actorDied],
    ]);
    // h's log offsets came in two lifecycle events (start, then end): the row carries both halves.
    expect(failed[1]?.task_log_info).toEqual({
      stdout_file: `/tmp/ray/${SESSION}/logs/worker-${WORKERS.w1a}-${JOBS.j2}-7311.out`,
      stderr_file: `/tmp/ray/${SESSION}/logs/worker-${WORKERS.w1a}-${JOBS.j2}-7311.err`,
      stdout_start: 120,
      stdout_end: 180,
      stderr_start: 4096,
      stderr_end: 5120,
    });
    expect(failed[1]).toMatchObject({ job_id: JOBS.j2, node_id: NODES.w1, worker_pid: 7311 });
    const work = await tasks(filter(['task_id', '=', TASKS.work]));
    expect(work.map((t) => [t.attempt_number, t.state, t.node_id, t.worker_id, t.error_type])).toEqual([
      [0, 'FAILED', NODES.w2, WORKERS.flaky1, 'ACTOR_DIED'],
      [1, 'FINISHED', NODES.w1, WORKERS.flaky2, null],
    ]);
    expect(work[1]?.events?.map((e) => e.state)).toEqual([
      'PENDING_ARGS_AVAIL',
      'SUBMITTED_TO_WORKER',
      'RUNNING',
      'FINISHED',
    ]);
    // Only its lifecycle arrived: type and job come from the id's layout, node and worker from the lifecycle.
    const orphan = await tasks(filter(['task_id', '=', TASKS.orphan]));
    expect(orphan).toHaveLength(1);
    expect(orphan[0]).toMatchObject({
      attempt_number: 0,
      state: 'FINISHED',
      type: 'NORMAL_TASK',
      job_id: JOBS.j1,
      name: '',
      node_id: NODES.w1,
      worker_id: WORKERS.w1b,
      worker_pid: 7002,
      error_type: null,
    });
  });

  it('api/v0/tasks: bad filters and limits are 400 naming the field, never 500', async () => {
    const bad = async (q: string, field: string) =>
      rejected(await get(`api/v0/tasks?${q}`), 400, { error: 'invalid_parameter', field });
    await bad('limit=0', 'limit');
    await bad('limit=10001', 'limit');
    await bad('limit=ten', 'limit');
    await bad('limit=-1', 'limit');
    await bad('detail=maybe', 'detail');
    await bad('exclude_driver=2', 'exclude_driver');
    await bad(filter(['colour', '=', 'red']), 'filter_keys[0]');
    await bad(filter(['state', '=', 'FAILED'], ['state', '>', 'FAILED']), 'filter_predicates[1]');
    await bad('filter_keys=state&filter_predicates=%3D', 'filter_keys');
    await bad(`${filter(['state', '=', 'FAILED'])}&filter_values=RUNNING`, 'filter_keys');
  });

  it('api/v0/tasks/summarize: by func_name and by lineage', async () => {
    const byFunc = ok<TaskSummaryResponse>(await get('api/v0/tasks/summarize'), taskSummaryRoute.scoped);
    const s = byFunc.data.result.result.node_id_to_summary.cluster as TaskSummaryByFunc;
    expect(s.summary_by).toBe('func_name');
    expect(Object.fromEntries(Object.entries(s.summary).map(([k, v]) => [k, v.state_counts]))).toEqual({
      f: { FINISHED: 3 },
      g: { FAILED: 1, FINISHED: 1 },
      h: { FAILED: 1 },
      'Counter.__init__': { FINISHED: 1 },
      'Counter.incr': { FINISHED: 1 },
      'Flaky.__init__': { FINISHED: 1 },
      'Flaky.work': { FAILED: 1, FINISHED: 1 },
    });
    expect(s).toMatchObject({ total_tasks: 6, total_actor_tasks: 3, total_actor_scheduled: 2 });
    const j2 = ok<TaskSummaryResponse>(
      await get(`api/v0/tasks/summarize?summary_by=func_name&${filter(['job_id', '=', JOBS.j2])}`),
      taskSummaryRoute.scoped,
    );
    expect(
      Object.keys((j2.data.result.result.node_id_to_summary.cluster as TaskSummaryByFunc).summary),
    ).toEqual(['h']);
    const lineage = ok<TaskSummaryResponse>(
      await get(`api/v0/tasks/summarize?summary_by=lineage&${filter(['job_id', '=', JOBS.j1])}`),
      taskSummaryRoute.scoped,
    ).data.result.result.node_id_to_summary.cluster as TaskSummaryByLineage;
    expect(lineage.summary_by).toBe('lineage');
    expect(lineage.summary.map((n) => [n.name, n.type])).toEqual([
      ['g', 'NORMAL_TASK'],
      ['Flaky', 'ACTOR'],
      ['f', 'GROUP'],
      ['Counter', 'ACTOR'],
      ['', 'NORMAL_TASK'],
    ]);
    expect(lineage.summary[1]).toMatchObject({
      link: { type: 'actor', id: ACTORS.flaky },
      state_counts: { FAILED: 1, FINISHED: 2 },
    });
    rejected(await get('api/v0/tasks/summarize?summary_by=colour'), 400, { field: 'summary_by' });
  });

  it("api/v0/tasks/timeline: a JSON array Chrome's trace viewer loads; download=1 is an attachment", async () => {
    const r = await get('api/v0/tasks/timeline');
    const trace = ok<TraceEvent[]>(r, timelineRoute.scoped);
    expect(r.headers['content-disposition']).toBeUndefined();
    expect(Array.isArray(trace)).toBe(true);
    for (const e of trace) {
      // The Trace Event Format's required fields; complete events need numeric ts and dur.
      expect(typeof e.name).toBe('string');
      expect(['X', 'M']).toContain(e.ph);
      expect(typeof e.pid).toBe('number');
      expect('tid' in e).toBe(true);
      if (e.ph === 'X') {
        expect(Number.isFinite(e.ts)).toBe(true);
        expect(Number.isFinite(e.dur)).toBe(true);
        expect(e.dur).toBeGreaterThanOrEqual(0);
      }
    }
    const meta = trace.filter((e) => e.ph === 'M');
    expect(meta.map((e) => [e.name, e.args])).toEqual([
      ['process_name', { name: `Node ${IPS.w1}` }],
      ['thread_name', { name: `worker:${WORKERS.w1a}` }],
    ]);
    const spans = trace.filter((e) => e.ph === 'X');
    expect(spans).toHaveLength(12);
    expect(new Set(spans.map((e) => e.args.task_id))).toEqual(new Set([TASKS.f1, TASKS.f2, TASKS.f3]));
    const download = await get('api/v0/tasks/timeline?download=1');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="timeline\.json"/);
    expect(JSON.parse(download.text)).toEqual(trace);
    expect(
      ok<TraceEvent[]>(await get(`api/v0/tasks/timeline?job_id=${JOBS.j2}`), timelineRoute.scoped),
    ).toEqual([]);
    expect(
      ok<TraceEvent[]>(await get(`api/v0/tasks/timeline?job_id=${JOBS.j1}`), timelineRoute.scoped),
    ).toHaveLength(14);
    rejected(await get('api/v0/tasks/timeline?job_id=zz'), 400, { field: 'job_id' });
    rejected(await get('api/v0/tasks/timeline?download=yes'), 400, { field: 'download' });
  });

  it('logical/actors: restarted then dead with its death cause; one actor; unknown as Ray answers', async () => {
    const all = ok<ActorsResponse>(await get('logical/actors'), actorsRoute.scoped).data.actors;
    expect(Object.keys(all).sort()).toEqual([ACTORS.counter, ACTORS.flaky].sort());
    expect(all[ACTORS.counter]).toMatchObject({
      state: 'ALIVE',
      actorClass: 'Counter',
      name: 'counter',
      numRestarts: '0',
      address: { nodeId: NODES.w1, ipAddress: IPS.w1, workerId: WORKERS.counter },
    });
    const flaky = all[ACTORS.flaky];
    expect(flaky).toMatchObject({
      state: 'DEAD',
      actorClass: 'Flaky',
      numRestarts: '1',
      exitDetail: MESSAGES.flakyDead,
      pid: 5151,
      address: { nodeId: NODES.w1, workerId: WORKERS.flaky2 },
    });
    expect(flaky?.deathCause).toMatchObject({ actorDiedErrorContext: { errorMessage: MESSAGES.flakyDead } });
    const one = ok<object>(await get(`logical/actors/${ACTORS.flaky.toUpperCase()}`), actorRoute.scoped);
    expect(one).toEqual({ result: true, msg: expect.any(String) as unknown, data: { detail: flaky } });
    const unknown = ok<object>(await get(`logical/actors/${'0'.repeat(32)}`), actorRoute.scoped);
    expect(unknown).toEqual({ result: false, msg: 'Actor not found.', data: {} });
    rejected(await get('logical/actors/not-an-id'), 400, { error: 'invalid_parameter', field: 'actor_id' });
  });

  it('nodes: the dead node with its reason; summary and hostNameList; detail by Ray id and by storage name', async () => {
    const nodes = ok<NodesSummaryResponse>(await get('nodes?view=summary'), nodesRoute.scoped).data.summary;
    expect(
      nodes.map((n) => [n.raylet.nodeId, n.raylet.state, n.raylet.isHeadNode, n.hostname, n.ip]),
    ).toEqual([
      [NODES.head, 'ALIVE', true, NAMES.head, IPS.head],
      [NODES.w1, 'ALIVE', false, NAMES.w1, IPS.w1],
      [NODES.w2, 'DEAD', false, NAMES.w2, IPS.w2],
    ]);
    expect(nodes[2]?.raylet.stateMessage).toBe(`Unexpected termination: ${MESSAGES.nodeDead}`);
    expect(nodes[2]?.raylet.endTimeMs).toBeGreaterThan(0);
    expect(ok<NodesSummaryResponse>(await get('nodes'), nodesRoute.scoped).data.summary).toEqual(nodes);
    const hosts = ok<{ data: { hostNameList: string[] } }>(
      await get('nodes?view=hostNameList'),
      nodesRoute.scoped,
    );
    expect(hosts.data.hostNameList).toEqual([NAMES.head, NAMES.w1]);
    const byId = ok<{ data: { detail: NodesSummaryResponse['data']['summary'][number] } }>(
      await get(`nodes/${NODES.w1}`),
      nodeRoute.scoped,
    );
    expect(Object.keys(byId.data.detail.actors).sort()).toEqual([ACTORS.counter, ACTORS.flaky].sort());
    expect(byId.data.detail.raylet.nodeId).toBe(NODES.w1);
    expect(ok<object>(await get(`nodes/${NAMES.w1}`), nodeRoute.scoped)).toEqual(byId);
    const dead = ok<{ data: { detail: { raylet: { state: string }; actors: object } } }>(
      await get(`nodes/${NAMES.w2}`),
      nodeRoute.scoped,
    );
    expect(dead.data.detail).toMatchObject({ raylet: { state: 'DEAD' }, actors: {} });
    rejected(await get(`nodes/${'ab'.repeat(28)}`), 404, { error: 'node_not_found' });
    rejected(await get('nodes/bad!node'), 400, { error: 'invalid_parameter', field: 'node_id' });
    rejected(await get('nodes?view=everything'), 400, { field: 'view' });
  });

  it('what a dead cluster does not keep: 501 for Grafana and Prometheus, empty Serve and placement groups', async () => {
    for (const p of ['api/grafana_health', 'api/prometheus_health']) {
      const r = await get(p);
      expect(r.status).toBe(501);
      expect(ErrorBody.parse(r.json()).error).toBe('not_implemented');
    }
    expect((await get('api/serve/applications/')).json()).toEqual({ applications: {} });
    expect((await get('api/v0/placement_groups')).json()).toMatchObject({
      result: true,
      data: { result: { total: 0, result: [] } },
    });
  });
});

describe('the root form', () => {
  it('renews the session cookies on every answer and answers 400 naming a missing cookie', async () => {
    const cookie = await enterCluster(host.baseUrl, NS, CLUSTER, SESSION);
    const r = await request(host.baseUrl, '/api/jobs/', { headers: { cookie } });
    expect(r.status).toBe(200);
    expect(setCookies(r)).toEqual({ cluster_name: CLUSTER, cluster_namespace: NS, session_name: SESSION });
    expect(r.headers['set-cookie']?.every((c) => /Max-Age=600/i.test(c))).toBe(true);
    rejected(await request(host.baseUrl, '/api/jobs/'), 400, {
      error: 'no_session_selected',
      field: 'cluster_name',
    });
  });

  it('enter_cluster resolves latest to the newest session, so later calls keep answering for it', async () => {
    const r = await request(host.baseUrl, `/enter_cluster/${NS}/raycluster/${CLUSTER}/latest`);
    expect(r.json()).toEqual({ result: 'success', name: CLUSTER, namespace: NS, session: SESSION });
    expect(setCookies(r).session_name).toBe(SESSION);
  });
});

describe('the failures view', () => {
  let f: FailuresResponse;
  beforeAll(async () => {
    f = ok<FailuresResponse>(await request(host.baseUrl, `${SESSION_PATH}/failures`), failuresRoute);
  });

  it('answers why it failed: the job, task attempts by error type, the dead actor and node', () => {
    expect(f.jobs).toEqual([
      expect.objectContaining({
        job_id: JOBS.j2,
        submission_id: SUBMISSIONS.j2,
        status: 'FAILED',
        message: MESSAGES.j2Failed,
        error_type: 'JOB_ENTRYPOINT_COMMAND_ERROR',
        driver_exit_code: 1,
      }),
    ]);
    expect(f.tasks.failedAttempts).toBe(3);
    expect(f.tasks.groups.map((g) => [g.errorType, g.count, g.example.taskId, g.example.attempt])).toEqual([
      ['ACTOR_DIED', 1, TASKS.work, 0],
      ['TASK_EXECUTION_EXCEPTION', 1, TASKS.h, 0],
      ['WORKER_DIED', 1, TASKS.g, 0],
    ]);
    expect(
      f.tasks.groups.map((g) => [g.example.jobId, g.example.funcOrClassName, g.example.message]),
    ).toEqual([
      [JOBS.j1, 'Flaky.work', MESSAGES.actorDied],
      [JOBS.j2, 'h', MESSAGES.valueError],
      [JOBS.j1, 'g', MESSAGES.workerDied],
    ]);
    expect(f.actors.map((a) => [a.actorId, a.jobId, a.className, a.numRestarts, a.exitDetail])).toEqual([
      [ACTORS.flaky, JOBS.j1, 'Flaky', 1, MESSAGES.flakyDead],
    ]);
    expect(f.actors[0]?.deathCause).toMatchObject({
      actorDiedErrorContext: {
        errorMessage: MESSAGES.flakyDead,
        className: 'Flaky',
        pid: 5151,
        nodeIpAddress: IPS.w1,
      },
    });
    expect(f.actors[0]?.endTime).toBeGreaterThan(0);
    expect(f.nodes.map((n) => [n.nodeId, n.storageNode, n.ip, n.reason, n.reasonMessage])).toEqual([
      [NODES.w2, NAMES.w2, IPS.w2, 'UNEXPECTED_TERMINATION', MESSAGES.nodeDead],
    ]);
    expect(f.nodes[0]?.stateMessage).toBe(`Unexpected termination: ${MESSAGES.nodeDead}`);
  });

  it("each failure's log route, fetched under the session, reads that failure's bytes", async () => {
    // A locator with a range reads it with ?offset=&length= (206 and its Content-Range, as the file route answers).
    const read = async (log: { read: string; range?: [number, number] | undefined } | null | undefined) => {
      expect(log).toBeTruthy();
      const r = await request(host.baseUrl, `${SESSION_PATH}/${log?.read ?? ''}`);
      expect(r.status, `${log?.read}: ${r.text.slice(0, 200)}`).toBe(log?.range === undefined ? 200 : 206);
      if (log?.range !== undefined) {
        expect(r.headers['content-range']).toMatch(new RegExp(`^bytes ${log.range[0]}-${log.range[1] - 1}/`));
      }
      return r.text;
    };
    expect(await read(f.jobs[0]?.log)).toBe(J2_DRIVER_TEXT);
    const [actorDied, exception, workerDied] = f.tasks.groups;
    expect(exception?.example.log?.range).toEqual([4096, 5120]);
    expect(await read(exception?.example.log)).toBe(H_ERR);
    expect(await read(workerDied?.example.log)).toBe(G0_ERR);
    expect(await read(actorDied?.example.log)).toBe(FLAKY1_ERR);
    expect(await read(f.actors[0]?.log)).toBe(FLAKY2_ERR);
    expect(await read(f.nodes[0]?.log)).toBe(W2_RAYLET);
  });

  it('is 400 for a malformed session and 404 for an unknown one', async () => {
    const at = (session: string) => `/api/v1/clusters/${NS}/${CLUSTER}/sessions/${session}/failures`;
    rejected(await request(host.baseUrl, at('session_x')), 400, { field: 'session' });
    rejected(await request(host.baseUrl, at(MISSING)), 404, { error: 'session_not_found' });
  });
});

describe('a session without events', () => {
  it('answers every view empty and schema-valid, in both forms', async () => {
    const cookie = await enterCluster(host.baseUrl, NS, CLUSTER, EMPTY_SESSION);
    for (const form of [
      scopedForm(host.baseUrl, 'scoped', EMPTY_PATH),
      rootForm(host.baseUrl, 'root', cookie),
    ]) {
      const get = (p: string) => form.get(p);
      expect(ok<Job[]>(await get('api/jobs/'), jobsRoute.scoped)).toEqual([]);
      expect(ok<TaskListResponse>(await get('api/v0/tasks'), tasksRoute.scoped).data.result).toMatchObject({
        total: 0,
        num_after_truncation: 0,
        num_filtered: 0,
        result: [],
      });
      const s = ok<TaskSummaryResponse>(await get('api/v0/tasks/summarize'), taskSummaryRoute.scoped);
      expect(s.data.result.result.node_id_to_summary.cluster).toMatchObject({ summary: {}, total_tasks: 0 });
      const l = ok<TaskSummaryResponse>(
        await get('api/v0/tasks/summarize?summary_by=lineage'),
        taskSummaryRoute.scoped,
      );
      expect(l.data.result.result.node_id_to_summary.cluster).toMatchObject({ summary: [], total_tasks: 0 });
      expect(ok<TraceEvent[]>(await get('api/v0/tasks/timeline'), timelineRoute.scoped)).toEqual([]);
      expect(ok<ActorsResponse>(await get('logical/actors'), actorsRoute.scoped).data.actors).toEqual({});
      expect(ok<object>(await get(`logical/actors/${ACTORS.flaky}`), actorRoute.scoped)).toMatchObject({
        result: false,
      });
      expect(ok<NodesSummaryResponse>(await get('nodes'), nodesRoute.scoped).data.summary).toEqual([]);
      expect(
        ok<{ data: { hostNameList: string[] } }>(await get('nodes?view=hostNameList'), nodesRoute.scoped).data
          .hostNameList,
      ).toEqual([]);
      rejected(await get(`nodes/${NODES.w1}`), 404, { error: 'node_not_found' });
      rejected(await get(`api/jobs/${JOBS.j1}`), 404, { error: 'job_not_found' });
    }
    expect(
      ok<FailuresResponse>(await request(host.baseUrl, `${EMPTY_PATH}/failures`), failuresRoute),
    ).toEqual({
      jobs: [],
      tasks: { failedAttempts: 0, groups: [] },
      actors: [],
      nodes: [],
    });
  });

  it('is 404 for a session or cluster that does not exist, in both forms', async () => {
    const missing = scopedForm(
      host.baseUrl,
      'missing',
      `/api/v1/clusters/${NS}/${CLUSTER}/sessions/${MISSING}`,
    );
    const gone = rootForm(
      host.baseUrl,
      'gone',
      `cluster_name=${CLUSTER}; cluster_namespace=${NS}; session_name=${MISSING}`,
    );
    for (const form of [missing, gone]) {
      for (const p of ['api/jobs/', 'api/v0/tasks', 'logical/actors', 'nodes', 'api/v0/tasks/timeline']) {
        rejected(await form.get(p), 404, { error: 'session_not_found' });
      }
    }
    rejected(await request(host.baseUrl, `/enter_cluster/${NS}/raycluster/${CLUSTER}/${MISSING}`), 404, {
      error: 'session_not_found',
    });
    rejected(await request(host.baseUrl, `/api/v1/clusters/${NS}/nope/sessions/latest/ray/api/jobs/`), 404, {
      error: 'cluster_not_found',
    });
  });
});

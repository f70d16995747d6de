/**
 * Every dashboard read against the Ray-shaped corpus, delivered through ingest into the run's
 * Azurite: expected states, counts, filters, limits, the timeline, the failures view; and an empty
 * session answering empty, schema-valid views without writing anything.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ActorResponseSchema,
  ActorsResponseSchema,
  FailuresResponseSchema,
  HostNameListResponseSchema,
  JobListSchema,
  JobSchema,
  NodeDetailResponseSchema,
  NodesSummaryResponseSchema,
  TaskListResponseSchema,
  TaskSummaryResponseSchema,
  TraceEventSchema,
  type TaskFilter,
} from '../../src/schemas/dashboard.js';
import {
  failures,
  getActor,
  getJob,
  getNode,
  listActors,
  listJobs,
  listNodes,
  listTasks,
  resolveNode,
  summarizeTasks,
  type ReadOptions,
} from '../../src/core/dashboard/index.js';
import { appendLog } from '../../src/core/ingest/logs.js';
import { dashboardPrefix } from '../../src/core/layout.js';
import type { BlobStore } from '../../src/storage/blobStore.js';
import { ingestInOrder, MAX_BLOCKS, REF, timelineText } from '../helpers/dashboard.js';
import {
  ACTORS,
  IPS,
  JOBS,
  MESSAGES,
  NAMES,
  NODES,
  rayCorpus,
  SUBMISSIONS,
  TASKS,
  WORKERS,
} from '../helpers/rayCorpus.js';
import { freshStore } from '../helpers/storage.js';

let store: BlobStore;
const o: ReadOptions = {};
const eq = (key: TaskFilter['key'], value: string): TaskFilter => ({ key, predicate: '=', value });
const ne = (key: TaskFilter['key'], value: string): TaskFilter => ({ key, predicate: '!=', value });
const ids = (rows: { task_id: string; attempt_number: number }[]) =>
  rows.map((r) => `${r.task_id}:${r.attempt_number}`);

beforeAll(async () => {
  store = freshStore('dash');
  await ingestInOrder(store, rayCorpus());
});

describe('api/v0/tasks', () => {
  it('lists attempts in (task id, attempt) order with exact envelope counts; drivers excluded by default', async () => {
    const r = TaskListResponseSchema.parse(await listTasks(store, REF, {}, o));
    expect(r).toMatchObject({ result: true, msg: '' });
    const page = r.data.result;
    expect(page).toMatchObject({ total: 15, num_after_truncation: 15, num_filtered: 12 });
    expect(page.result).toHaveLength(12);
    expect(page.result.every((t) => t.type !== 'DRIVER_TASK')).toBe(true);
    expect(ids(page.result)).toEqual([...ids(page.result)].sort());
    expect(page.result[0]).not.toHaveProperty('events'); // detail=false
  });

  it('filters state=FAILED to the failed attempts, counted without reading a task', async () => {
    const page = (await listTasks(store, REF, { filters: [eq('state', 'failed')] }, o)).data.result;
    expect(page.num_filtered).toBe(3);
    expect(ids(page.result)).toEqual([`${TASKS.g}:0`, `${TASKS.h}:0`, `${TASKS.work}:0`]);
    expect(page.result.map((t) => t.error_type)).toEqual([
      'WORKER_DIED',
      'TASK_EXECUTION_EXCEPTION',
      'ACTOR_DIED',
    ]);
  });

  it('filters by job, by !=, by task id and by name (a filter counted by reading the rows)', async () => {
    const byJob = (await listTasks(store, REF, { filters: [eq('job_id', JOBS.j2)] }, o)).data.result;
    expect(ids(byJob.result)).toEqual([`${TASKS.h}:0`]);
    const notFinished = (await listTasks(store, REF, { filters: [ne('state', 'FINISHED')] }, o)).data.result;
    expect(notFinished.num_filtered).toBe(3);
    const one = (await listTasks(store, REF, { filters: [eq('task_id', TASKS.g)], detail: true }, o)).data
      .result;
    expect(ids(one.result)).toEqual([`${TASKS.g}:0`, `${TASKS.g}:1`]);
    const named = (await listTasks(store, REF, { filters: [eq('name', 'f')], limit: 2 }, o)).data.result;
    expect(named).toMatchObject({ num_filtered: 3 });
    expect(named.result).toHaveLength(2);
    const none = (await listTasks(store, REF, { filters: [eq('task_id', 'zz-not-hex')] }, o)).data.result;
    expect(none).toMatchObject({ num_filtered: 0, result: [] });
  });

  it('truncates to the limit and includes drivers when asked', async () => {
    const page = (await listTasks(store, REF, { limit: 2, excludeDriver: false, detail: true }, o)).data
      .result;
    expect(page).toMatchObject({ total: 15, num_filtered: 15 });
    expect(page.result).toHaveLength(2);
    expect(page.result[0]?.events?.length).toBeGreaterThan(0);
    const all = (await listTasks(store, REF, { limit: 10_000, excludeDriver: false }, o)).data.result;
    expect(all.result.filter((t) => t.type === 'DRIVER_TASK')).toHaveLength(3);
  });

  it('rejects a bad query naming the field (never a 500)', async () => {
    await expect(listTasks(store, REF, { limit: 0 }, o)).rejects.toMatchObject({
      status: 400,
      extra: { field: 'limit' },
    });
    await expect(
      listTasks(store, REF, { filters: [{ key: 'colour', predicate: '=', value: 'x' } as never] }, o),
    ).rejects.toMatchObject({ status: 400 });
  });
});

describe('api/v0/tasks/summarize', () => {
  it('summarises by function over every attempt, drivers and definition-less tasks left out', async () => {
    const r = TaskSummaryResponseSchema.parse(await summarizeTasks(store, REF, {}, o));
    const s = r.data.result.result.node_id_to_summary.cluster;
    expect(s.summary_by).toBe('func_name');
    if (s.summary_by !== 'func_name') return;
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
    expect(r.data.result).toMatchObject({ total: 15, num_filtered: 12 });
    const j2 = (await summarizeTasks(store, REF, { filters: [eq('job_id', JOBS.j2)] }, o)).data.result;
    expect(Object.keys((j2.result.node_id_to_summary.cluster as { summary: object }).summary)).toEqual(['h']);
  });

  it('summarises by lineage: tasks under their submitters, actor tasks under their actor, same names grouped', async () => {
    const r = TaskSummaryResponseSchema.parse(
      await summarizeTasks(store, REF, { summaryBy: 'lineage', filters: [eq('job_id', JOBS.j1)] }, o),
    );
    const s = r.data.result.result.node_id_to_summary.cluster;
    if (s.summary_by !== 'lineage') throw new Error('not a lineage summary');
    expect(s.summary.map((n) => [n.name, n.type])).toEqual([
      ['g', 'NORMAL_TASK'],
      ['Flaky', 'ACTOR'],
      ['f', 'GROUP'],
      ['Counter', 'ACTOR'],
      ['', 'NORMAL_TASK'],
    ]);
    const flaky = s.summary[1];
    expect(flaky?.link).toEqual({ type: 'actor', id: ACTORS.flaky });
    expect(flaky?.state_counts).toEqual({ FAILED: 1, FINISHED: 2 });
    expect(flaky?.children.map((c) => c.name).sort()).toEqual(['Flaky.__init__', 'Flaky.work']);
    expect(s.summary[2]?.children).toHaveLength(3);
    expect(s.summary[0]?.state_counts).toEqual({ FAILED: 1, FINISHED: 1 });
    expect(s).toMatchObject({ total_tasks: 6, total_actor_tasks: 3, total_actor_scheduled: 2 });
  });
});

describe('api/v0/tasks/timeline', () => {
  it('is Chrome trace JSON: a process per node, a thread per worker, an X event per span', async () => {
    const trace = (JSON.parse(await timelineText(store, REF, undefined, o)) as unknown[]).map((e) =>
      TraceEventSchema.parse(e),
    );
    const meta = trace.filter((e) => e.ph === 'M');
    const spans = trace.filter((e) => e.ph === 'X');
    expect(meta).toEqual([
      { name: 'process_name', ph: 'M', pid: 0, tid: null, args: { name: `Node ${IPS.w1}` } },
      { name: 'thread_name', ph: 'M', pid: 0, tid: 0, args: { name: `worker:${WORKERS.w1a}` } },
    ]);
    expect(spans).toHaveLength(12);
    for (const e of spans) {
      expect(e).toMatchObject({ pid: 0, tid: 0 });
      expect(e.ts).toBeGreaterThan(1.7e15);
      expect(e.dur).toBeGreaterThanOrEqual(0);
      expect(e.args).toMatchObject({
        job_id: JOBS.j1,
        attempt_number: 0,
        func_or_class_name: 'f',
        actor_id: null,
      });
    }
    expect(spans.filter((e) => e.cat === 'task::f').map((e) => e.name)).toEqual(['f', 'f', 'f']);
    expect(spans.find((e) => e.cat === 'task:execute')?.cname).toBe('rail_animation');
  });

  it('narrows to one job, and is an empty array when a job has no spans', async () => {
    expect(JSON.parse(await timelineText(store, REF, JOBS.j2, o))).toEqual([]);
    expect((JSON.parse(await timelineText(store, REF, JOBS.j1, o)) as unknown[]).length).toBe(14);
  });
});

describe('logical/actors', () => {
  it('lists every actor by id; one actor by id; an unknown one as upstream answers', async () => {
    const all = ActorsResponseSchema.parse(await listActors(store, REF, o));
    expect(Object.keys(all.data.actors).sort()).toEqual([ACTORS.counter, ACTORS.flaky].sort());
    expect(all.data.actors[ACTORS.counter]).toMatchObject({
      state: 'ALIVE',
      actorClass: 'Counter',
      name: 'counter',
      address: { nodeId: NODES.w1, ipAddress: IPS.w1, workerId: WORKERS.counter },
      requiredResources: { CPU: 1 },
    });
    const one = ActorResponseSchema.parse(await getActor(store, REF, ACTORS.flaky.toUpperCase(), o));
    expect(one).toMatchObject({
      result: true,
      data: { detail: { state: 'DEAD', numRestarts: '1', exitDetail: MESSAGES.flakyDead } },
    });
    for (const unknown of ['0'.repeat(32), 'not-an-id', ''])
      expect(await getActor(store, REF, unknown, o)).toEqual({
        result: false,
        msg: 'Actor not found.',
        data: {},
      });
  });
});

describe('api/jobs', () => {
  it("lists jobs as Ray's job API does, a submission and its driver as one", async () => {
    const jobs = JobListSchema.parse(await listJobs(store, REF, o));
    expect(jobs.map((j) => [j.job_id, j.submission_id, j.status])).toEqual([
      [JOBS.j1, SUBMISSIONS.j1, 'SUCCEEDED'],
      [JOBS.j2, SUBMISSIONS.j2, 'FAILED'],
      [JOBS.j3, null, 'SUCCEEDED'],
    ]);
    expect(jobs[0]?.driver_info).toEqual({
      id: JOBS.j1,
      node_ip_address: IPS.head,
      node_id: NODES.head,
      pid: '4242',
    });
  });

  it("finds a job by job id or submission id; an unknown id is null (the route's 404)", async () => {
    const byJob = JobSchema.parse(await getJob(store, REF, JOBS.j2, o));
    expect(await getJob(store, REF, SUBMISSIONS.j2, o)).toEqual(byJob);
    expect(byJob).toMatchObject({ status: 'FAILED', message: MESSAGES.j2Failed, type: 'SUBMISSION' });
    expect(await getJob(store, REF, 'raysubmit_nope', o)).toBeNull();
  });
});

describe('nodes', () => {
  it('summarises nodes with the raylet fields the dashboard reads, head first', async () => {
    const r = NodesSummaryResponseSchema.parse(await listNodes(store, REF, {}, o));
    expect(
      r.data.summary.map((n) => [n.raylet.nodeId, n.raylet.state, n.raylet.isHeadNode, n.hostname]),
    ).toEqual([
      [NODES.head, 'ALIVE', true, NAMES.head],
      [NODES.w1, 'ALIVE', false, NAMES.w1],
      [NODES.w2, 'DEAD', false, NAMES.w2],
    ]);
    expect(r.data.summary[2]?.raylet.stateMessage).toBe(`Unexpected termination: ${MESSAGES.nodeDead}`);
    expect(r.data.summary[2]?.storageNode).toBe(NAMES.w2);
    expect(r.data.nodeLogicalResources[NODES.w1]).toBe(
      '0.0/8.0 CPU\n0.0/1.0 GPU\n0B/16.00GiB memory\n0B/4.00GiB object_store_memory',
    );
    const hosts = HostNameListResponseSchema.parse(await listNodes(store, REF, { view: 'hostNameList' }, o));
    expect(hosts.data.hostNameList).toEqual([NAMES.head, NAMES.w1]);
  });

  it('details one node by id or by storage name, with the actors placed on it; unknown is null', async () => {
    const byName = NodeDetailResponseSchema.parse(await getNode(store, REF, NAMES.w1, o));
    expect(Object.keys(byName.data.detail.actors).sort()).toEqual([ACTORS.counter, ACTORS.flaky].sort());
    expect(await getNode(store, REF, NODES.w1, o)).toEqual(byName);
    expect((await getNode(store, REF, NODES.w2, o))?.data.detail.actors).toEqual({});
    expect(await getNode(store, REF, 'nobody', o)).toBeNull();
    expect(await resolveNode(store, REF, NAMES.w2, o)).toEqual({ nodeId: NODES.w2, storageNode: NAMES.w2 });
    expect(await resolveNode(store, REF, NODES.head, o)).toEqual({
      nodeId: NODES.head,
      storageNode: NAMES.head,
    });
  });
});

/** A locator with the file route that reads it (relative to the session). */
const loc = (node: string, file: string, range?: [number, number]) => ({
  node,
  file,
  ...(range !== undefined && { range }),
  read: `logs/${node}/${file}${range === undefined ? '' : `?offset=${range[0]}&length=${range[1] - range[0]}`}`,
});

describe('failures', () => {
  it('answers why it failed: jobs, task attempts by error type, dead actors, dead nodes, with their logs', async () => {
    const f = FailuresResponseSchema.parse(await failures(store, REF, o));
    expect(f.jobs).toEqual([
      {
        job_id: JOBS.j2,
        submission_id: SUBMISSIONS.j2,
        status: 'FAILED',
        message: MESSAGES.j2Failed,
        error_type: 'JOB_ENTRYPOINT_COMMAND_ERROR',
        driver_exit_code: 1,
        log: loc(NAMES.head, `job-driver-${SUBMISSIONS.j2}.log`),
      },
    ]);
    expect(f.tasks.failedAttempts).toBe(3);
    expect(f.tasks.groups.map((g) => [g.errorType, g.count, g.example.taskId, g.example.log])).toEqual([
      ['ACTOR_DIED', 1, TASKS.work, loc(NAMES.w2, `worker-${WORKERS.flaky1}-${JOBS.j1}-6100.err`)],
      [
        'TASK_EXECUTION_EXCEPTION',
        1,
        TASKS.h,
        loc(NAMES.w1, `worker-${WORKERS.w1a}-${JOBS.j2}-7311.err`, [4096, 5120]),
      ],
      ['WORKER_DIED', 1, TASKS.g, loc(NAMES.w2, `worker-${WORKERS.w2a}-${JOBS.j1}-6001.err`)],
    ]);
    expect(f.tasks.groups[1]?.example.message).toBe(MESSAGES.valueError);
    expect(f.actors).toEqual([
      expect.objectContaining({
        actorId: ACTORS.flaky,
        className: 'Flaky',
        numRestarts: 1,
        exitDetail: MESSAGES.flakyDead,
        log: loc(NAMES.w1, `worker-${WORKERS.flaky2}-${JOBS.j1}-5151.err`),
      }),
    ]);
    expect(f.nodes).toEqual([
      expect.objectContaining({
        nodeId: NODES.w2,
        storageNode: NAMES.w2,
        reason: 'UNEXPECTED_TERMINATION',
        reasonMessage: MESSAGES.nodeDead,
        log: loc(NAMES.w2, 'raylet.out'),
      }),
    ]);
  });
});

describe('a session without events', () => {
  it('answers every view empty and schema-valid, and writes nothing', async () => {
    const empty = freshStore('dashempty');
    const ref = { ...REF, session: 'session_2026-02-01_00-00-00_000001' };
    // The session exists (it has a log), but no events.
    await appendLog(
      empty,
      { namespace: 'default', ...ref, node: 'head', file: 'raylet.out' },
      0,
      [Buffer.from('x\n')],
      MAX_BLOCKS,
    );
    expect(TaskListResponseSchema.parse(await listTasks(empty, ref, {}))).toMatchObject({
      data: { result: { total: 0, num_filtered: 0, result: [] } },
    });
    const s = TaskSummaryResponseSchema.parse(await summarizeTasks(empty, ref, {}));
    expect(s.data.result.result.node_id_to_summary.cluster).toMatchObject({ summary: {}, total_tasks: 0 });
    expect(ActorsResponseSchema.parse(await listActors(empty, ref)).data.actors).toEqual({});
    expect(await listJobs(empty, ref)).toEqual([]);
    expect(NodesSummaryResponseSchema.parse(await listNodes(empty, ref)).data.summary).toEqual([]);
    expect(FailuresResponseSchema.parse(await failures(empty, ref))).toEqual({
      jobs: [],
      tasks: { failedAttempts: 0, groups: [] },
      actors: [],
      nodes: [],
    });
    expect(await timelineText(empty, ref)).toBe('[]');
    expect(await getNode(empty, ref, 'x')).toBeNull();
    expect(
      await empty.list({ prefix: dashboardPrefix(ref), pageSize: 10 }).catch(() => ({ blobs: [] })),
    ).toMatchObject({ blobs: [] });
  });

  it('is 404 session_not_found for a session of which nothing is stored (not an empty answer)', async () => {
    const none = freshStore('dashnone');
    const ref = { ...REF, session: 'session_2026-02-01_00-00-00_000002' };
    for (const read of [
      () => listTasks(none, ref, {}),
      () => listJobs(none, ref),
      () => failures(none, ref),
      () => timelineText(none, ref),
      () => listNodes(none, { ...ref, namespace: 'default' } as typeof ref),
    ]) {
      await expect(read()).rejects.toMatchObject({ status: 404, code: 'session_not_found' });
    }
  });
});

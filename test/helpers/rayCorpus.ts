/**
 * A small Ray session as its export events, posted the way Ray posts them: GCS events (nodes,
 * actors, driver jobs) and submission-job events through the head node's aggregator, task events
 * through the aggregator of the node whose worker emitted them. Covers: a submission job linked to
 * its driver job that succeeds, a submission job that fails, a plain driver job; normal and actor
 * tasks with retries (attempt 0 failed, attempt 1 finished); a task failing with a Ray error whose
 * log offsets arrive split over two events; an actor restarted then dead with a death cause; a node
 * that died; a task whose worker never sent its definition.
 */
import {
  actorDefinition,
  actorDied,
  actorHex,
  actorLifecycle,
  actorTaskDefinition,
  actorTaskHex,
  creationTaskHex,
  driverJobDefinition,
  driverJobLifecycle,
  driverTaskHex,
  idHex,
  jobHex,
  nodeDefinition,
  nodeHex,
  nodeLifecycle,
  normalTaskHex,
  rayEvent,
  submissionJobDefinition,
  submissionJobLifecycle,
  taskDefinition,
  taskLifecycle,
  taskProfile,
  workerHex,
  type Json,
} from './rayEvents.js';

export interface Posted {
  event: Json;
  /** The collector node name the event was posted under (`node` of POST /api/v1/events). */
  postedBy: string;
}

export const SESSION = 'session_2026-01-27_10-52-59_373533_1';
export const T0 = 1_769_511_179_373_533_000n; // 2026-01-27T10:52:59.373533Z

/** `ms` after the session started, plus `ns` nanoseconds (so that times differ below the millisecond). */
const at = (ms: number, ns = 0) => T0 + BigInt(ms) * 1_000_000n + BigInt(ns);

export const NAMES = {
  head: 'raycluster-kuberay-head-x7k2p',
  w1: 'raycluster-kuberay-worker-5fz8q',
  w2: 'raycluster-kuberay-worker-9qd2m',
};
export const NODES = { head: nodeHex('head'), w1: nodeHex('w1'), w2: nodeHex('w2') };
export const IPS = { head: '10.244.0.11', w1: '10.244.1.12', w2: '10.244.2.13' };
export const JOBS = { j1: jobHex(1), j2: jobHex(2), j3: jobHex(3) };
export const SUBMISSIONS = { j1: 'raysubmit_9f3aQkP2Lm', j2: 'raysubmit_Zx81LmQeRt' };
export const ACTORS = { counter: actorHex('counter', 1), flaky: actorHex('flaky', 1) };
export const WORKERS = {
  headDriver: workerHex('driver1'),
  w1a: workerHex('w1a'),
  w2a: workerHex('w2a'),
  counter: workerHex('counter'),
  flaky1: workerHex('flaky1'),
  flaky2: workerHex('flaky2'),
  w1b: workerHex('w1b'),
};
export const TASKS = {
  driver1: driverTaskHex(1),
  driver2: driverTaskHex(2),
  driver3: driverTaskHex(3),
  f1: normalTaskHex('f1', 1),
  f2: normalTaskHex('f2', 1),
  f3: normalTaskHex('f3', 1),
  g: normalTaskHex('g', 1),
  h: normalTaskHex('h', 2),
  orphan: normalTaskHex('orphan', 1),
  counterInit: creationTaskHex(ACTORS.counter),
  incr: actorTaskHex('incr', ACTORS.counter),
  flakyInit: creationTaskHex(ACTORS.flaky),
  work: actorTaskHex('work', ACTORS.flaky),
};

export const MESSAGES = {
  workerDied:
    'The worker died unexpectedly while executing this task. Check python-core-worker-*.log files for more information.',
  valueError:
    'ray.exceptions.RayTaskError(ValueError): ray::h() (pid=7311, ip=10.244.1.12)\nValueError: boom',
  actorDied: 'The actor died unexpectedly before finishing this task. The actor was restarted 1 time(s).',
  flakyDead: 'The actor is dead because its worker process has died. Worker exit type: SYSTEM_ERROR',
  nodeDead: 'health check failed due to missing heartbeats',
  j2Failed:
    'Job entrypoint command failed with exit code 1, last available logs (truncated to 20,000 chars):\nValueError: boom',
};

const HEAD_RES = {
  CPU: 4,
  memory: 8 * 2 ** 30,
  object_store_memory: 2 * 2 ** 30,
  [`node:${IPS.head}`]: 1,
  'node:__internal_head__': 1,
};
const WORKER_RES = (ip: string) => ({
  CPU: 8,
  GPU: 1,
  memory: 16 * 2 ** 30,
  object_store_memory: 4 * 2 ** 30,
  [`node:${ip}`]: 1,
  'accelerator_type:T4': 1,
});

export interface CorpusOptions {
  /** Print RayEvent.nodeId (newer Ray); default true. */
  withNodeId?: boolean;
}

class Builder {
  readonly events: Posted[] = [];
  private seq = 0;
  constructor(private readonly withNodeId: boolean) {}

  emit(
    type: string,
    source: string,
    field: string,
    payload: Json,
    time: bigint,
    postedBy: keyof typeof NAMES,
  ): void {
    const base = {
      eventType: type,
      sourceType: source,
      time,
      session: SESSION,
      emitter: NODES[postedBy],
      withNodeId: this.withNodeId,
      eventId: idHex(`event:${++this.seq}`, 28),
    };
    this.events.push({ event: rayEvent(base, field, payload), postedBy: NAMES[postedBy] });
  }

  taskDef(p: Parameters<typeof taskDefinition>[0], time: bigint, by: keyof typeof NAMES): void {
    this.emit('TASK_DEFINITION_EVENT', 'CORE_WORKER', 'taskDefinitionEvent', taskDefinition(p), time, by);
  }

  actorTaskDef(p: Parameters<typeof actorTaskDefinition>[0], time: bigint, by: keyof typeof NAMES): void {
    this.emit(
      'ACTOR_TASK_DEFINITION_EVENT',
      'CORE_WORKER',
      'actorTaskDefinitionEvent',
      actorTaskDefinition(p),
      time,
      by,
    );
  }

  life(p: Parameters<typeof taskLifecycle>[0], by: keyof typeof NAMES): void {
    const time = p.transitions.at(-1)?.[1] ?? T0;
    this.emit('TASK_LIFECYCLE_EVENT', 'CORE_WORKER', 'taskLifecycleEvent', taskLifecycle(p), time, by);
  }

  gcs(type: string, field: string, payload: Json, time: bigint, source = 'GCS'): void {
    this.emit(type, source, field, payload, time, 'head');
  }
}

function nodesAndJobs(b: Builder): void {
  const labels = (group: string) => ({ 'ray.io/node-group': group, 'ray.io/node-id': '' });
  for (const [key, group] of [
    ['head', 'headgroup'],
    ['w1', 'workergroup'],
    ['w2', 'workergroup'],
  ] as const) {
    const node = NODES[key];
    b.gcs(
      'NODE_DEFINITION_EVENT',
      'nodeDefinitionEvent',
      nodeDefinition({ node, ip: IPS[key], labels: labels(group), start: at(0) }),
      at(5),
    );
    const res = key === 'head' ? HEAD_RES : WORKER_RES(IPS[key]);
    b.gcs(
      'NODE_LIFECYCLE_EVENT',
      'nodeLifecycleEvent',
      nodeLifecycle(node, [{ state: 'ALIVE', t: at(6), resources: res }]),
      at(6),
    );
  }
  b.gcs(
    'NODE_LIFECYCLE_EVENT',
    'nodeLifecycleEvent',
    nodeLifecycle(NODES.w2, [
      { state: 'DEAD', t: at(9000), death: ['UNEXPECTED_TERMINATION', MESSAGES.nodeDead] },
    ]),
    at(9000),
  );

  // j1: a submission job and its driver, linked by metadata.job_submission_id.
  const s1 = SUBMISSIONS.j1;
  b.gcs(
    'SUBMISSION_JOB_DEFINITION_EVENT',
    'submissionJobDefinitionEvent',
    submissionJobDefinition({ submissionId: s1, entrypoint: 'python train.py' }),
    at(100),
    'JOBS',
  );
  b.gcs(
    'SUBMISSION_JOB_LIFECYCLE_EVENT',
    'submissionJobLifecycleEvent',
    submissionJobLifecycle(s1, [{ state: 'PENDING', t: at(100), message: 'Job has not started yet.' }]),
    at(100),
    'JOBS',
  );
  b.gcs(
    'SUBMISSION_JOB_LIFECYCLE_EVENT',
    'submissionJobLifecycleEvent',
    submissionJobLifecycle(s1, [
      {
        state: 'RUNNING',
        t: at(400),
        message: 'Job is currently running.',
        driverNode: NODES.head,
        agent: `http://${IPS.head}:52365`,
      },
    ]),
    at(400),
    'JOBS',
  );
  b.gcs(
    'SUBMISSION_JOB_LIFECYCLE_EVENT',
    'submissionJobLifecycleEvent',
    submissionJobLifecycle(s1, [
      { state: 'SUCCEEDED', t: at(9500), message: 'Job finished successfully.', exitCode: 0 },
    ]),
    at(9500),
    'JOBS',
  );
  b.gcs(
    'DRIVER_JOB_DEFINITION_EVENT',
    'driverJobDefinitionEvent',
    driverJobDefinition({
      job: JOBS.j1,
      pid: 4242,
      node: NODES.head,
      entrypoint: 'python train.py',
      metadata: { job_submission_id: s1, job_name: 'train' },
    }),
    at(500),
  );
  b.gcs(
    'DRIVER_JOB_LIFECYCLE_EVENT',
    'driverJobLifecycleEvent',
    driverJobLifecycle(JOBS.j1, [['CREATED', at(500)]]),
    at(500),
  );
  b.gcs(
    'DRIVER_JOB_LIFECYCLE_EVENT',
    'driverJobLifecycleEvent',
    driverJobLifecycle(JOBS.j1, [['FINISHED', at(9400)]]),
    at(9400),
  );

  // j2: a submission job that fails.
  const s2 = SUBMISSIONS.j2;
  b.gcs(
    'SUBMISSION_JOB_DEFINITION_EVENT',
    'submissionJobDefinitionEvent',
    submissionJobDefinition({ submissionId: s2, entrypoint: 'python h.py' }),
    at(10_000),
    'JOBS',
  );
  b.gcs(
    'SUBMISSION_JOB_LIFECYCLE_EVENT',
    'submissionJobLifecycleEvent',
    submissionJobLifecycle(s2, [
      { state: 'PENDING', t: at(10_000), message: 'Job has not started yet.' },
      {
        state: 'RUNNING',
        t: at(10_300),
        message: 'Job is currently running.',
        driverNode: NODES.head,
        agent: `http://${IPS.head}:52365`,
      },
    ]),
    at(10_300),
    'JOBS',
  );
  b.gcs(
    'SUBMISSION_JOB_LIFECYCLE_EVENT',
    'submissionJobLifecycleEvent',
    submissionJobLifecycle(s2, [
      {
        state: 'FAILED',
        t: at(12_000),
        message: MESSAGES.j2Failed,
        errorType: 'JOB_ENTRYPOINT_COMMAND_ERROR',
        exitCode: 1,
      },
    ]),
    at(12_000),
    'JOBS',
  );
  b.gcs(
    'DRIVER_JOB_DEFINITION_EVENT',
    'driverJobDefinitionEvent',
    driverJobDefinition({
      job: JOBS.j2,
      pid: 7300,
      node: NODES.head,
      entrypoint: 'python h.py',
      metadata: { job_submission_id: s2 },
    }),
    at(10_400),
  );
  b.gcs(
    'DRIVER_JOB_LIFECYCLE_EVENT',
    'driverJobLifecycleEvent',
    driverJobLifecycle(JOBS.j2, [
      ['CREATED', at(10_400)],
      ['FINISHED', at(11_900)],
    ]),
    at(11_900),
  );

  // j3: a plain driver job (ray.init in a script), no submission.
  b.gcs(
    'DRIVER_JOB_DEFINITION_EVENT',
    'driverJobDefinitionEvent',
    driverJobDefinition({
      job: JOBS.j3,
      pid: 8800,
      node: NODES.head,
      entrypoint: 'python -c "import ray; ray.init()"',
      metadata: {},
    }),
    at(13_000),
  );
  b.gcs(
    'DRIVER_JOB_LIFECYCLE_EVENT',
    'driverJobLifecycleEvent',
    driverJobLifecycle(JOBS.j3, [
      ['CREATED', at(13_000)],
      ['FINISHED', at(14_000)],
    ]),
    at(14_000),
  );
}

const PENDING = (ms: number): [string, bigint][] => [
  ['PENDING_ARGS_AVAIL', at(ms, 1)],
  ['PENDING_NODE_ASSIGNMENT', at(ms + 1, 2)],
  ['SUBMITTED_TO_WORKER', at(ms + 2, 3)],
];

function normalTasks(b: Builder): void {
  const j1 = JOBS.j1;
  for (const [k, ms] of [
    ['driver1', 500],
    ['driver2', 10_400],
    ['driver3', 13_000],
  ] as const) {
    const job = k === 'driver1' ? j1 : k === 'driver2' ? JOBS.j2 : JOBS.j3;
    b.taskDef({ taskId: TASKS[k], attempt: 0, type: 'DRIVER_TASK', name: '', job }, at(ms), 'head');
    b.life(
      {
        taskId: TASKS[k],
        attempt: 0,
        job,
        transitions: [['RUNNING', at(ms, 7)]],
        node: NODES.head,
        worker: WORKERS.headDriver,
        pid: 4242,
      },
      'head',
    );
  }
  for (const [i, k] of (['f1', 'f2', 'f3'] as const).entries()) {
    const ms = 1000 + i * 100;
    b.taskDef(
      {
        taskId: TASKS[k],
        attempt: 0,
        type: 'NORMAL_TASK',
        func: { fn: 'f' },
        name: 'f',
        job: j1,
        parent: TASKS.driver1,
        resources: { CPU: 1 },
      },
      at(ms),
      'head',
    );
    b.life(
      {
        taskId: TASKS[k],
        attempt: 0,
        job: j1,
        transitions: PENDING(ms),
        node: NODES.w1,
        worker: WORKERS.w1a,
      },
      'head',
    );
    b.life(
      {
        taskId: TASKS[k],
        attempt: 0,
        job: j1,
        transitions: [
          ['RUNNING', at(ms + 10, 4)],
          ['FINISHED', at(ms + 50, 5)],
        ],
        node: NODES.w1,
        worker: WORKERS.w1a,
        pid: 7001,
      },
      'w1',
    );
    b.emit('TASK_PROFILE_EVENT', 'CORE_WORKER', 'taskProfileEvents', taskProfileOf(k, ms), at(ms + 60), 'w1');
  }
  // g: attempt 0 dies with its worker on w2 (the owner reports the failure with no node or worker);
  // attempt 1 runs on w1.
  b.taskDef(
    {
      taskId: TASKS.g,
      attempt: 0,
      type: 'NORMAL_TASK',
      func: { fn: 'g' },
      name: 'g',
      job: j1,
      parent: TASKS.driver1,
    },
    at(2000),
    'head',
  );
  b.life(
    { taskId: TASKS.g, attempt: 0, job: j1, transitions: PENDING(2000), node: NODES.w2, worker: WORKERS.w2a },
    'head',
  );
  b.life(
    {
      taskId: TASKS.g,
      attempt: 0,
      job: j1,
      transitions: [['RUNNING', at(2010, 4)]],
      node: NODES.w2,
      worker: WORKERS.w2a,
      pid: 6001,
    },
    'w2',
  );
  b.life(
    {
      taskId: TASKS.g,
      attempt: 0,
      job: j1,
      transitions: [['FAILED', at(2500, 9)]],
      error: { errorMessage: MESSAGES.workerDied, errorType: 'WORKER_DIED' },
    },
    'head',
  );
  b.taskDef(
    {
      taskId: TASKS.g,
      attempt: 1,
      type: 'NORMAL_TASK',
      func: { fn: 'g' },
      name: 'g',
      job: j1,
      parent: TASKS.driver1,
    },
    at(2501),
    'head',
  );
  b.life(
    { taskId: TASKS.g, attempt: 1, job: j1, transitions: PENDING(2501), node: NODES.w1, worker: WORKERS.w1b },
    'head',
  );
  b.life(
    {
      taskId: TASKS.g,
      attempt: 1,
      job: j1,
      transitions: [
        ['RUNNING', at(2520)],
        ['FINISHED', at(2600)],
      ],
      node: NODES.w1,
      worker: WORKERS.w1b,
      pid: 7002,
    },
    'w1',
  );

  // h (job 2): fails with a user exception; its log offsets come in two events (start, then end).
  const j2 = JOBS.j2;
  const out = `/tmp/ray/${SESSION}/logs/worker-${WORKERS.w1a}-${j2}-7311.out`;
  const err = `/tmp/ray/${SESSION}/logs/worker-${WORKERS.w1a}-${j2}-7311.err`;
  b.taskDef(
    {
      taskId: TASKS.h,
      attempt: 0,
      type: 'NORMAL_TASK',
      func: { fn: 'h' },
      name: 'h',
      job: j2,
      parent: TASKS.driver2,
    },
    at(10_500),
    'head',
  );
  b.life(
    {
      taskId: TASKS.h,
      attempt: 0,
      job: j2,
      transitions: PENDING(10_500),
      node: NODES.w1,
      worker: WORKERS.w1a,
    },
    'head',
  );
  b.life(
    {
      taskId: TASKS.h,
      attempt: 0,
      job: j2,
      transitions: [['RUNNING', at(10_520)]],
      node: NODES.w1,
      worker: WORKERS.w1a,
      pid: 7311,
      logInfo: { stdoutFile: out, stderrFile: err, stdoutStart: 120, stderrStart: 4096 },
    },
    'w1',
  );
  b.life(
    {
      taskId: TASKS.h,
      attempt: 0,
      job: j2,
      transitions: [['FAILED', at(10_900)]],
      node: NODES.w1,
      worker: WORKERS.w1a,
      pid: 7311,
      error: { errorMessage: MESSAGES.valueError, errorType: 'TASK_EXECUTION_EXCEPTION' },
      logInfo: { stdoutEnd: 180, stderrEnd: 5120 },
    },
    'w1',
  );

  // A worker that never sent the task's definition: only its lifecycle exists.
  b.life(
    {
      taskId: TASKS.orphan,
      attempt: 0,
      job: j1,
      transitions: [
        ['RUNNING', at(3000)],
        ['FINISHED', at(3100)],
      ],
      node: NODES.w1,
      worker: WORKERS.w1b,
      pid: 7002,
    },
    'w1',
  );
}

function taskProfileOf(k: 'f1' | 'f2' | 'f3', ms: number): Json {
  return taskProfile({
    taskId: TASKS[k],
    attempt: 0,
    job: JOBS.j1,
    worker: WORKERS.w1a,
    ip: IPS.w1,
    events: [
      {
        name: 'task::f',
        start: at(ms + 10, 4),
        end: at(ms + 50, 5),
        extra: { name: 'f', task_id: TASKS[k] },
      },
      { name: 'task:deserialize_arguments', start: at(ms + 10, 4), end: at(ms + 12) },
      { name: 'task:execute', start: at(ms + 12), end: at(ms + 48) },
      { name: 'task:store_outputs', start: at(ms + 48), end: at(ms + 50, 5) },
    ],
  });
}

function actors(b: Builder): void {
  const j1 = JOBS.j1;
  const counter = ACTORS.counter;
  b.gcs(
    'ACTOR_DEFINITION_EVENT',
    'actorDefinitionEvent',
    actorDefinition({ actor: counter, job: j1, name: 'counter', cls: 'Counter', resources: { CPU: 1 } }),
    at(4000),
  );
  b.gcs(
    'ACTOR_LIFECYCLE_EVENT',
    'actorLifecycleEvent',
    actorLifecycle(counter, [
      { state: 'DEPENDENCIES_UNREADY', t: at(4000) },
      { state: 'PENDING_CREATION', t: at(4001) },
    ]),
    at(4001),
  );
  b.gcs(
    'ACTOR_LIFECYCLE_EVENT',
    'actorLifecycleEvent',
    actorLifecycle(counter, [{ state: 'ALIVE', t: at(4100), node: NODES.w1, worker: WORKERS.counter }]),
    at(4100),
  );
  b.taskDef(
    {
      taskId: TASKS.counterInit,
      attempt: 0,
      type: 'ACTOR_CREATION_TASK',
      func: { cls: 'Counter', fn: '__init__' },
      name: 'Counter.__init__',
      job: j1,
      parent: TASKS.driver1,
    },
    at(4000),
    'head',
  );
  b.life(
    {
      taskId: TASKS.counterInit,
      attempt: 0,
      job: j1,
      transitions: [
        ['RUNNING', at(4050)],
        ['FINISHED', at(4090)],
      ],
      node: NODES.w1,
      worker: WORKERS.counter,
      pid: 7100,
    },
    'w1',
  );
  b.actorTaskDef(
    {
      taskId: TASKS.incr,
      attempt: 0,
      func: { cls: 'Counter', fn: 'incr' },
      name: 'Counter.incr',
      job: j1,
      actor: counter,
      parent: TASKS.driver1,
    },
    at(4200),
    'head',
  );
  b.life(
    {
      taskId: TASKS.incr,
      attempt: 0,
      job: j1,
      transitions: [
        ['PENDING_ARGS_AVAIL', at(4200)],
        ['SUBMITTED_TO_WORKER', at(4201)],
      ],
    },
    'head',
  );
  b.life(
    {
      taskId: TASKS.incr,
      attempt: 0,
      job: j1,
      transitions: [
        ['RUNNING', at(4210)],
        ['FINISHED', at(4220)],
      ],
      node: NODES.w1,
      worker: WORKERS.counter,
      pid: 7100,
    },
    'w1',
  );

  // Flaky: alive on w2, restarted on w1 when w2's worker died, then dead for good.
  const flaky = ACTORS.flaky;
  b.gcs(
    'ACTOR_DEFINITION_EVENT',
    'actorDefinitionEvent',
    actorDefinition({ actor: flaky, job: j1, name: '', cls: 'Flaky' }),
    at(5000),
  );
  b.gcs(
    'ACTOR_LIFECYCLE_EVENT',
    'actorLifecycleEvent',
    actorLifecycle(flaky, [
      { state: 'DEPENDENCIES_UNREADY', t: at(5000) },
      { state: 'PENDING_CREATION', t: at(5001) },
      { state: 'ALIVE', t: at(5100), node: NODES.w2, worker: WORKERS.flaky1 },
    ]),
    at(5100),
  );
  b.gcs(
    'ACTOR_LIFECYCLE_EVENT',
    'actorLifecycleEvent',
    actorLifecycle(flaky, [
      { state: 'RESTARTING', t: at(6000) },
      { state: 'ALIVE', t: at(6200), node: NODES.w1, worker: WORKERS.flaky2 },
    ]),
    at(6200),
  );
  const died = actorDied({
    message: MESSAGES.flakyDead,
    owner: WORKERS.headDriver,
    ownerIp: IPS.head,
    ip: IPS.w1,
    pid: 5151,
    name: '',
    cls: 'Flaky',
    actor: flaky,
  });
  b.gcs(
    'ACTOR_LIFECYCLE_EVENT',
    'actorLifecycleEvent',
    actorLifecycle(flaky, [{ state: 'DEAD', t: at(8000), deathCause: died }]),
    at(8000),
  );
  b.taskDef(
    {
      taskId: TASKS.flakyInit,
      attempt: 0,
      type: 'ACTOR_CREATION_TASK',
      func: { cls: 'Flaky', fn: '__init__' },
      name: 'Flaky.__init__',
      job: j1,
      parent: TASKS.driver1,
    },
    at(5000),
    'head',
  );
  b.life(
    {
      taskId: TASKS.flakyInit,
      attempt: 0,
      job: j1,
      transitions: [
        ['RUNNING', at(5050)],
        ['FINISHED', at(5090)],
      ],
      node: NODES.w2,
      worker: WORKERS.flaky1,
      pid: 6100,
    },
    'w2',
  );
  // work: attempt 0 fails when the actor dies (reported by its owner), attempt 1 finishes on the restarted actor.
  const workDef = {
    taskId: TASKS.work,
    func: { cls: 'Flaky', fn: 'work' },
    name: 'Flaky.work',
    job: j1,
    actor: flaky,
    parent: TASKS.driver1,
  };
  b.actorTaskDef({ ...workDef, attempt: 0 }, at(5500), 'head');
  b.life(
    {
      taskId: TASKS.work,
      attempt: 0,
      job: j1,
      transitions: [
        ['PENDING_ARGS_AVAIL', at(5500)],
        ['SUBMITTED_TO_WORKER', at(5501)],
      ],
    },
    'head',
  );
  b.life(
    {
      taskId: TASKS.work,
      attempt: 0,
      job: j1,
      transitions: [['RUNNING', at(5510)]],
      node: NODES.w2,
      worker: WORKERS.flaky1,
      pid: 6100,
    },
    'w2',
  );
  const actorDiedError = {
    actorDiedError: actorDied({
      message: MESSAGES.actorDied,
      owner: WORKERS.headDriver,
      ownerIp: IPS.head,
      ip: IPS.w2,
      pid: 6100,
      name: '',
      cls: 'Flaky',
      actor: flaky,
    }),
    errorType: 'ACTOR_DIED',
  };
  b.life(
    { taskId: TASKS.work, attempt: 0, job: j1, transitions: [['FAILED', at(6001)]], error: actorDiedError },
    'head',
  );
  b.actorTaskDef({ ...workDef, attempt: 1 }, at(6002), 'head');
  b.life(
    {
      taskId: TASKS.work,
      attempt: 1,
      job: j1,
      transitions: [
        ['PENDING_ARGS_AVAIL', at(6002)],
        ['SUBMITTED_TO_WORKER', at(6201)],
      ],
    },
    'head',
  );
  b.life(
    {
      taskId: TASKS.work,
      attempt: 1,
      job: j1,
      transitions: [
        ['RUNNING', at(6210)],
        ['FINISHED', at(6300)],
      ],
      node: NODES.w1,
      worker: WORKERS.flaky2,
      pid: 5151,
    },
    'w1',
  );
}

/** The corpus, in the order Ray would have emitted it. */
export function rayCorpus(options: CorpusOptions = {}): Posted[] {
  const b = new Builder(options.withNodeId ?? true);
  nodesAndJobs(b);
  normalTasks(b);
  actors(b);
  return b.events;
}

/**
 * A big Ray session, generated (seeded): `tasks` normal tasks over `nodes` nodes (node 0 the head,
 * where the drivers run), about three events per task — the definition and the owner's pending
 * states from the head, RUNNING and FINISHED/FAILED from the executing worker — plus actors and
 * their tasks, jobs and nodes; about 1% of tasks fail. Yielded as the requests Ray's aggregators
 * would post (one node, one job, at most `perRequest` events), so a session of 100,000 tasks is
 * ≈ 300,000 events in ≈ 300 requests and never all in memory at once.
 */
import { mulberry32 } from './prng.js';
import {
  actorDefinition,
  actorHex,
  actorLifecycle,
  actorTaskDefinition,
  actorTaskHex,
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
  taskDefinition,
  taskLifecycle,
  workerHex,
  type Json,
} from './rayEvents.js';

export interface BigSessionOptions {
  tasks: number;
  nodes?: number;
  jobs?: number;
  actors?: number;
  perRequest?: number;
  seed?: number;
  session?: string;
}

export interface PostRequest {
  /** The collector node name (pod name) the request is posted under. */
  node: string;
  events: Json[];
}

export const BIG_SESSION = 'session_2026-03-01_08-00-00_000001_1';
export const bigNodeName = (i: number) => (i === 0 ? 'bench-head-0' : `bench-worker-${i}`);
export const bigNodeId = (i: number) => nodeHex(`big${i}`);
const ERRORS = ['TASK_EXECUTION_EXCEPTION', 'WORKER_DIED', 'OUT_OF_MEMORY', 'NODE_DIED'];

class Batches {
  private readonly open = new Map<string, PostRequest>();
  private seq = 0;
  constructor(
    private readonly perRequest: number,
    private readonly session: string,
  ) {}

  /** Adds an event; returns a full request when one fills up. */
  add(
    node: number,
    group: string,
    type: string,
    source: string,
    field: string,
    payload: Json,
    t: bigint,
  ): PostRequest | undefined {
    const key = `${node}|${group}`;
    const req = this.open.get(key) ?? { node: bigNodeName(node), events: [] };
    this.open.set(key, req);
    const base = {
      eventType: type,
      sourceType: source,
      time: t,
      session: this.session,
      emitter: bigNodeId(node),
      withNodeId: true,
      eventId: idHex(`big-event:${++this.seq}`, 28),
    };
    req.events.push(rayEvent(base, field, payload));
    if (req.events.length < this.perRequest) return undefined;
    this.open.delete(key);
    return req;
  }

  rest(): PostRequest[] {
    return [...this.open.values()];
  }
}

/** The session's requests, in a plausible posting order. */
export function* bigSession(o: BigSessionOptions): Generator<PostRequest> {
  const nodes = o.nodes ?? 8;
  const jobs = o.jobs ?? 4;
  const actors = o.actors ?? Math.max(1, Math.round(o.tasks / 500));
  const random = mulberry32(o.seed ?? 1);
  const session = o.session ?? BIG_SESSION;
  const b = new Batches(o.perRequest ?? 1000, session);
  const T0 = 1_772_352_000_000_000_000n;
  const at = (ms: number) => T0 + BigInt(Math.floor(ms * 1e6));
  const emit = function* (...r: (PostRequest | undefined)[]) {
    for (const x of r) if (x !== undefined) yield x;
  };
  for (let n = 0; n < nodes; n++) {
    const node = bigNodeId(n);
    const labels = { 'ray.io/node-group': n === 0 ? 'headgroup' : 'workers' };
    yield* emit(
      b.add(
        0,
        'nodes',
        'NODE_DEFINITION_EVENT',
        'GCS',
        'nodeDefinitionEvent',
        nodeDefinition({ node, ip: `10.1.0.${n + 1}`, labels, start: at(0) }),
        at(1),
      ),
      b.add(
        0,
        'nodes',
        'NODE_LIFECYCLE_EVENT',
        'GCS',
        'nodeLifecycleEvent',
        nodeLifecycle(node, [{ state: 'ALIVE', t: at(2), resources: { CPU: 16, memory: 64 * 2 ** 30 } }]),
        at(2),
      ),
    );
  }
  for (let j = 1; j <= jobs; j++) {
    const job = jobHex(j);
    yield* emit(
      b.add(
        0,
        `job${j}`,
        'DRIVER_JOB_DEFINITION_EVENT',
        'GCS',
        'driverJobDefinitionEvent',
        driverJobDefinition({
          job,
          pid: 1000 + j,
          node: bigNodeId(0),
          entrypoint: `python job${j}.py`,
          metadata: {},
        }),
        at(10 * j),
      ),
      b.add(
        0,
        `job${j}`,
        'DRIVER_JOB_LIFECYCLE_EVENT',
        'GCS',
        'driverJobLifecycleEvent',
        driverJobLifecycle(job, [['CREATED', at(10 * j)]]),
        at(10 * j),
      ),
    );
  }
  for (let a = 0; a < actors; a++) {
    const j = 1 + (a % jobs);
    const actor = actorHex(`big${a}`, j);
    const n = 1 + (a % Math.max(1, nodes - 1));
    const dead = a % 10 === 0;
    yield* emit(
      b.add(
        0,
        `job${j}`,
        'ACTOR_DEFINITION_EVENT',
        'GCS',
        'actorDefinitionEvent',
        actorDefinition({ actor, job: jobHex(j), name: '', cls: `Worker${a % 7}` }),
        at(100 + a),
      ),
      b.add(
        0,
        'actors',
        'ACTOR_LIFECYCLE_EVENT',
        'GCS',
        'actorLifecycleEvent',
        actorLifecycle(actor, [
          { state: 'ALIVE', t: at(200 + a), node: bigNodeId(n), worker: workerHex(`big-actor-${a}`) },
          ...(dead ? [{ state: 'DEAD', t: at(900_000 + a) }] : []),
        ]),
        at(200 + a),
      ),
    );
  }
  for (let i = 0; i < o.tasks; i++) {
    const j = 1 + (i % jobs);
    const job = jobHex(j);
    const n = 1 + Math.floor(random() * Math.max(1, nodes - 1));
    const ms = 1000 + i * 5;
    const failed = random() < 0.01;
    const onActor = actors > 0 && i % 10 === 0;
    const actor = actorHex(`big${i % actors}`, 1 + ((i % actors) % jobs));
    const taskId = onActor ? actorTaskHex(`big${i}`, actor) : normalTaskHex(`big${i}`, j);
    const def = onActor
      ? b.add(
          0,
          `job${j}`,
          'ACTOR_TASK_DEFINITION_EVENT',
          'CORE_WORKER',
          'actorTaskDefinitionEvent',
          actorTaskDefinition({
            taskId,
            attempt: 0,
            func: { cls: `Worker${(i % actors) % 7}`, fn: 'step' },
            name: `Worker${(i % actors) % 7}.step`,
            job,
            actor,
            parent: driverTaskHex(j),
          }),
          at(ms),
        )
      : b.add(
          0,
          `job${j}`,
          'TASK_DEFINITION_EVENT',
          'CORE_WORKER',
          'taskDefinitionEvent',
          taskDefinition({
            taskId,
            attempt: 0,
            type: 'NORMAL_TASK',
            func: { fn: `fn${i % 25}` },
            name: `fn${i % 25}`,
            job,
            parent: driverTaskHex(j),
            resources: { CPU: 1 },
          }),
          at(ms),
        );
    const node = bigNodeId(n);
    const worker = workerHex(`big-w${n}-${i % 16}`);
    const pending = b.add(
      0,
      `job${j}`,
      'TASK_LIFECYCLE_EVENT',
      'CORE_WORKER',
      'taskLifecycleEvent',
      taskLifecycle({
        taskId,
        attempt: 0,
        job,
        transitions: [
          ['PENDING_ARGS_AVAIL', at(ms)],
          ['SUBMITTED_TO_WORKER', at(ms + 1)],
        ],
        node,
        worker,
      }),
      at(ms + 1),
    );
    const end: [string, bigint] = [failed ? 'FAILED' : 'FINISHED', at(ms + 3)];
    const error = failed
      ? { errorMessage: `task ${i} failed`, errorType: ERRORS[i % ERRORS.length] }
      : undefined;
    const run = b.add(
      n,
      `job${j}`,
      'TASK_LIFECYCLE_EVENT',
      'CORE_WORKER',
      'taskLifecycleEvent',
      taskLifecycle({
        taskId,
        attempt: 0,
        job,
        transitions: [['RUNNING', at(ms + 2)], end],
        node,
        worker,
        pid: 20_000 + n * 100 + (i % 16),
        ...(error && { error }),
      }),
      at(ms + 3),
    );
    yield* emit(def, pending, run);
  }
  yield* b.rest();
}

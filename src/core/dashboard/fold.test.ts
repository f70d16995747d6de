import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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
} from '../../../test/helpers/rayCorpus.js';
import { attemptKey, SessionFold } from './fold.js';
import { canonical } from './lattice.js';
import { storageNames } from './nodeNames.js';
import { renderActor } from './renderActor.js';
import { renderJobs } from './renderJob.js';
import { renderNode } from './renderNode.js';
import { renderTask } from './renderTask.js';

function fold(events: { event: unknown; postedBy: string }[]): SessionFold {
  const f = new SessionFold();
  for (const e of events) f.addEvent(e.event, e.postedBy);
  return f;
}

/** Everything a fold holds, canonically (so that two folds compare by their facts, not their order). */
function snapshot(f: SessionFold): string {
  const sorted = <T>(m: Map<string, T>) => [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return canonical({
    tasks: sorted(f.tasks),
    profiles: sorted(f.profiles),
    actors: sorted(f.actors),
    drivers: sorted(f.drivers),
    submissions: sorted(f.submissions),
    nodes: sorted(f.nodes),
    evidence: f.evidence,
  });
}

const task = (f: SessionFold, id: string, attempt = 0) => {
  const t = f.tasks.get(attemptKey(id, attempt));
  if (t === undefined) throw new Error(`no attempt ${attempt} of ${id}`);
  return renderTask(t, true);
};

describe('the merge of the corpus', () => {
  const f = fold(rayCorpus());

  it('keeps a task attempt per (task id, attempt): attempt 0 failed, attempt 1 finished', () => {
    expect(task(f, TASKS.g, 0)).toMatchObject({
      state: 'FAILED',
      error_type: 'WORKER_DIED',
      error_message: MESSAGES.workerDied,
      // The owner reported the failure with empty node and worker ids: they do not erase the executor's.
      node_id: NODES.w2,
      worker_id: WORKERS.w2a,
      worker_pid: 6001,
    });
    expect(task(f, TASKS.g, 1)).toMatchObject({ state: 'FINISHED', node_id: NODES.w1, error_type: null });
    expect(task(f, TASKS.work, 0)).toMatchObject({
      type: 'ACTOR_TASK',
      state: 'FAILED',
      error_type: 'ACTOR_DIED',
    });
    expect(task(f, TASKS.work, 0).error_message).toBe(MESSAGES.actorDied);
    expect(task(f, TASKS.work, 1)).toMatchObject({
      state: 'FINISHED',
      actor_id: ACTORS.flaky,
      func_or_class_name: 'Flaky.work',
    });
  });

  it("derives Ray's times and event list from the transitions", () => {
    const h = task(f, TASKS.h);
    expect(h.events?.map((e) => e.state)).toEqual([
      'PENDING_ARGS_AVAIL',
      'PENDING_NODE_ASSIGNMENT',
      'SUBMITTED_TO_WORKER',
      'RUNNING',
      'FAILED',
    ]);
    expect(h.creation_time_ms).toBe(h.events?.[0]?.created_ms);
    expect(h.start_time_ms).toBe(h.events?.[3]?.created_ms);
    expect(h.end_time_ms).toBe(h.events?.[4]?.created_ms);
  });

  it('joins taskLogInfo that came in two events (files and starts, then ends)', () => {
    const info = task(f, TASKS.h).task_log_info;
    expect(info).toMatchObject({ stdout_start: 120, stdout_end: 180, stderr_start: 4096, stderr_end: 5120 });
    expect(String(info?.stderr_file)).toMatch(
      new RegExp(`/logs/worker-${WORKERS.w1a}-${JOBS.j2}-7311\\.err$`),
    );
  });

  it('keeps a task whose definition never came, with what its lifecycle says', () => {
    expect(task(f, TASKS.orphan)).toMatchObject({
      state: 'FINISHED',
      type: 'NORMAL_TASK',
      name: '',
      func_or_class_name: '',
      job_id: JOBS.j1,
      node_id: NODES.w1,
    });
  });

  it('types attempts from their ids when no definition says (drivers, creation and actor tasks)', () => {
    expect(task(f, TASKS.driver1).type).toBe('DRIVER_TASK');
    expect(task(f, TASKS.counterInit)).toMatchObject({
      type: 'ACTOR_CREATION_TASK',
      actor_id: ACTORS.counter,
    });
  });

  it('follows an actor restarted then dead, with its death cause', () => {
    const flaky = renderActor(f.actors.get(ACTORS.flaky) as never, (id) =>
      id === NODES.w1 ? IPS.w1 : undefined,
    );
    expect(flaky).toMatchObject({
      state: 'DEAD',
      numRestarts: '1',
      actorClass: 'Flaky',
      className: 'Flaky',
      pid: 5151,
      exitDetail: MESSAGES.flakyDead,
      address: { nodeId: NODES.w1, workerId: WORKERS.flaky2, ipAddress: IPS.w1 },
    });
    expect(flaky.endTime).toBeGreaterThan(flaky.startTime ?? Infinity);
    expect(flaky.deathCause).toMatchObject({ actorDiedErrorContext: { pid: 5151, actorId: ACTORS.flaky } });
    expect(renderActor(f.actors.get(ACTORS.counter) as never)).toMatchObject({
      state: 'ALIVE',
      numRestarts: '0',
      endTime: null,
      exitDetail: '',
    });
  });

  it("makes a submitted job and its driver one entry, with the submission's status", () => {
    const jobs = renderJobs({ drivers: [...f.drivers.values()], submissions: [...f.submissions.values()] });
    expect(jobs.map((j) => [j.type, j.job_id, j.submission_id, j.status])).toEqual([
      ['SUBMISSION', JOBS.j1, SUBMISSIONS.j1, 'SUCCEEDED'],
      ['SUBMISSION', JOBS.j2, SUBMISSIONS.j2, 'FAILED'],
      ['DRIVER', JOBS.j3, null, 'SUCCEEDED'],
    ]);
    expect(jobs[1]).toMatchObject({
      message: MESSAGES.j2Failed,
      error_type: 'JOB_ENTRYPOINT_COMMAND_ERROR',
      driver_exit_code: 1,
      entrypoint: 'python h.py',
      driver_info: { id: JOBS.j2, pid: '7300', node_id: NODES.head },
    });
    expect(jobs[0]?.driver_agent_http_address).toBe(`http://${IPS.head}:52365`);
  });

  it('shows the dead node with its death reason, and names every node as storage does', () => {
    const names = storageNames([...f.nodes.values()], f.evidence);
    expect(Object.fromEntries(names)).toEqual({
      [NODES.head]: NAMES.head,
      [NODES.w1]: NAMES.w1,
      [NODES.w2]: NAMES.w2,
    });
    const w2 = renderNode(f.nodes.get(NODES.w2) as never, NAMES.w2);
    expect(w2.raylet).toMatchObject({
      state: 'DEAD',
      isHeadNode: false,
      stateMessage: `Unexpected termination: ${MESSAGES.nodeDead}`,
    });
    expect(w2.raylet.endTimeMs).toBeGreaterThan(w2.raylet.startTimeMs);
    expect(renderNode(f.nodes.get(NODES.head) as never, NAMES.head).raylet.isHeadNode).toBe(true);
  });

  it('names nodes without RayEvent.nodeId too (older Ray): executors for workers, the GCS poster for the head', () => {
    const old = fold(rayCorpus({ withNodeId: false }));
    expect(Object.fromEntries(storageNames([...old.nodes.values()], old.evidence))).toEqual({
      [NODES.head]: NAMES.head,
      [NODES.w1]: NAMES.w1,
      [NODES.w2]: NAMES.w2,
    });
  });
});

describe('the merge is order-free', () => {
  const corpus = rayCorpus();
  const expected = snapshot(fold(corpus));

  it('gives the same state for any order, duplication and grouping of the events (seeded)', () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
    console.log(`fold order property: seed ${seed}`);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(corpus, { minLength: corpus.length, maxLength: corpus.length }),
        fc.array(fc.nat(corpus.length - 1), { maxLength: 40 }),
        (order, dups) => {
          const events = [...order, ...dups.map((i) => corpus[i] as (typeof corpus)[number])];
          expect(snapshot(fold(events))).toBe(expected);
        },
      ),
      { seed, numRuns: 200 },
    );
  });

  it('gives the same state when partial states are joined in any tree (split into files, folded apart)', () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
    console.log(`fold split property: seed ${seed}`);
    fc.assert(
      fc.property(fc.array(fc.nat(4), { minLength: corpus.length, maxLength: corpus.length }), (parts) => {
        // Fold each "file" apart, then fold the folds' states into one: what compaction does across batches.
        const files = [0, 1, 2, 3, 4].map((p) => fold(corpus.filter((_, i) => parts[i] === p)));
        const all = new SessionFold();
        for (const file of files.reverse()) {
          for (const state of file.tasks.values()) all.add({ kind: 'task', state });
          for (const state of file.profiles.values()) all.add({ kind: 'profile', state });
          for (const state of file.actors.values()) all.add({ kind: 'actor', state });
          for (const state of file.drivers.values()) all.add({ kind: 'driver', state });
          for (const state of file.submissions.values()) all.add({ kind: 'submission', state });
          for (const state of file.nodes.values()) all.add({ kind: 'node', state });
          all.add({ kind: 'evidence', evidence: file.evidence });
        }
        expect(snapshot(all)).toBe(expected);
      }),
      { seed, numRuns: 100 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import type { Actor, Job, NodeSummary, TaskRow } from '../api/types';
import { buildStory, eventTime, type Facts } from './story';

const links = {
  job: (id: string) => `/job/${id}`,
  node: (n: string) => `/node/${n}`,
  actor: (id: string) => `/actor/${id}`,
  task: (t: TaskRow) => `/task/${t.task_id}`,
};

const job = (p: Partial<Job>): Job =>
  ({
    type: 'SUBMISSION',
    job_id: null,
    submission_id: null,
    status: 'SUCCEEDED',
    entrypoint: 'python x.py',
    message: null,
    start_time: null,
    end_time: null,
    ...p,
  }) as Job;
const node = (id: string, name: string, start: number, end: number, msg = ''): NodeSummary =>
  ({
    ip: '10.0.0.1',
    storageNode: name,
    raylet: { nodeId: id, startTimeMs: start, endTimeMs: end, stateMessage: msg, isHeadNode: false },
  }) as NodeSummary;
const actor = (p: Partial<Actor>): Actor =>
  ({
    actorId: 'a1',
    actorClass: 'Flaky',
    name: '',
    state: 'ALIVE',
    numRestarts: '0',
    startTime: null,
    endTime: null,
    exitDetail: '',
    ...p,
  }) as Actor;
const task = (id: string, events: [string, number][], error: string | null = null): TaskRow =>
  ({
    task_id: id,
    name: id,
    func_or_class_name: id,
    error_type: error,
    events: events.map(([state, created_ms]) => ({ state, created_ms })),
  }) as TaskRow;

const facts: Facts = {
  jobs: [
    job({
      job_id: '02000000',
      submission_id: 'raysubmit_b',
      status: 'FAILED',
      start_time: 2000,
      end_time: 5000,
      message: 'boom',
    }),
    job({ job_id: '01000000', status: 'RUNNING', start_time: 1000 }),
    job({ job_id: '03000000', status: 'PENDING' }), // never started: no lane
  ],
  nodes: [node('n2', 'worker-2', 1100, 4000, 'health check failed'), node('n1', 'head', 1000, 0)],
  actors: [
    actor({ state: 'DEAD', startTime: 1500, endTime: 3000, numRestarts: '1', exitDetail: 'worker died' }),
  ],
  tasks: [
    task('t1', [
      ['PENDING_ARGS_AVAIL', 1200],
      ['RUNNING', 1300],
      ['FINISHED', 1800],
    ]),
    task(
      't2',
      [
        ['RUNNING', 1400],
        ['FAILED', 2500],
      ],
      'WORKER_DIED',
    ),
    task('t3', [['RUNNING', 1800]]), // still running when the events end
  ],
  events: {
    global: [
      {
        eventId: 'e1',
        severity: 'ERROR',
        sourceType: 'GCS',
        label: 'RAYLET_NODE_DEAD',
        message: 'node died',
        timeStamp: '1970-01-01 00:00:04.001500',
      },
    ],
    '02000000': [{ eventId: 'e2', severity: 'INFO', sourceType: 'JOBS', message: 'started', timestamp: '2' }],
  },
};

describe('the story of a session', () => {
  const story = buildStory(facts, links);

  it('draws a lane per job, node and actor that started, coloured by how it ended; open ones to the end', () => {
    expect(
      story.lanes.map((l) => [l.group, l.label, l.bars.map((b) => [b.from, b.to, b.open, b.tone])]),
    ).toEqual([
      ['job', '01000000', [[1000, 5000, true, 'busy']]],
      ['job', 'raysubmit_b', [[2000, 5000, false, 'bad']]],
      ['node', 'head', [[1000, 5000, true, 'good']]],
      ['node', 'worker-2', [[1100, 4000, false, 'good']]],
      ['actor', 'Flaky', [[1500, 3000, false, 'good']]],
      ['task', 'Task attempts', []],
      ['event', 'Ray event log', []],
    ]);
    expect([story.t0, story.t1]).toEqual([1000, 5000]);
  });

  it('marks deaths and failures, each linking to what failed', () => {
    const marks = Object.fromEntries(
      story.lanes.map((l) => [l.label, l.marks.map((m) => [m.at, m.tone, m.href])]),
    );
    expect(marks['worker-2']).toEqual([[4000, 'bad', '/node/worker-2']]);
    expect(marks.Flaky).toEqual([[3000, 'bad', '/actor/a1']]);
    expect(marks['Task attempts']).toEqual([[2500, 'bad', '/task/t2']]);
    expect(marks['Ray event log']).toEqual([
      [4001, 'bad', undefined],
      [2000, 'idle', undefined],
    ]);
  });

  it('counts the attempts running over time', () => {
    expect(story.running).toEqual([
      [1300, 1],
      [1400, 2],
      [1800, 2], // t1 ends as t3 starts
      [2500, 1],
    ]);
  });

  it('lists the changes in time order; every task change only when asked', () => {
    expect(story.changes.map((c) => `${c.at} ${c.group} ${c.subject} ${c.state}`)).toEqual([
      '1000 job 01000000 RUNNING',
      '1000 node head ALIVE',
      '1100 node worker-2 ALIVE',
      '1500 actor Flaky ALIVE',
      '2000 job raysubmit_b RUNNING',
      '2000 event JOBS INFO',
      '2500 task t2 FAILED',
      '3000 actor Flaky DEAD',
      '4000 node worker-2 DEAD',
      '4001 event GCS RAYLET_NODE_DEAD ERROR',
      '5000 job raysubmit_b FAILED',
    ]);
    expect(buildStory(facts, links, true).changes.filter((c) => c.group === 'task')).toHaveLength(6);
  });

  it('reads both event-log time forms, and nothing from a bad one', () => {
    expect(eventTime({ eventId: 'x', timestamp: '1769511191' })).toBe(1_769_511_191_000);
    expect(eventTime({ eventId: 'x', timeStamp: '2026-01-27 10:53:08.999512' })).toBe(
      Date.parse('2026-01-27T10:53:08.999Z'),
    );
    expect(eventTime({ eventId: 'x', timeStamp: 'yesterday' })).toBeNull();
    expect(eventTime({ eventId: 'x' })).toBeNull();
  });

  it('is empty without facts', () => {
    expect(buildStory({ jobs: [], nodes: [], actors: [], tasks: [], events: {} }, links)).toEqual({
      lanes: [],
      changes: [],
      running: [],
      t0: null,
      t1: null,
    });
  });
});

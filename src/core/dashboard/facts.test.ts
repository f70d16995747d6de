import { describe, expect, it } from 'vitest';
import {
  b64,
  nodeHex,
  normalTaskHex,
  protoTime,
  rayEvent,
  taskLifecycle,
  workerHex,
} from '../../../test/helpers/rayEvents.js';
import { factsOf } from './facts.js';
import { attemptKey, SessionFold } from './fold.js';
import { hexId, int64Ns, nsOf } from './ids.js';
import { cmpNs, joinReg } from './lattice.js';
import { renderTask } from './renderTask.js';

const SESSION = 'session_2026-01-27_10-52-59_373533_1';
const T = 1_769_511_179_000_000_000n;
const TASK = normalTaskHex('t', 1);
const base = (time: bigint, n: number) => ({
  eventType: 'TASK_LIFECYCLE_EVENT',
  sourceType: 'CORE_WORKER',
  time,
  session: SESSION,
  withNodeId: false,
  eventId: `${n}`.padStart(8, '0'),
});
const life = (n: number, p: Omit<Parameters<typeof taskLifecycle>[0], 'taskId' | 'attempt' | 'job'>) =>
  rayEvent(base(p.transitions.at(-1)?.[1] ?? T, n), 'taskLifecycleEvent', {
    ...taskLifecycle({ taskId: TASK, attempt: 0, job: '01000000', ...p }),
  });

function rowOf(events: unknown[]) {
  const f = new SessionFold();
  for (const e of events) f.addEvent(e, 'node-a');
  const t = f.tasks.get(attemptKey(TASK, 0));
  if (t === undefined) throw new Error('no task');
  return renderTask(t, true);
}

describe('ids and times as Ray prints them', () => {
  it('turns base64 ids into hex, empty into unknown', () => {
    expect(hexId(b64('01000000'))).toBe('01000000');
    expect(hexId('')).toBeUndefined();
    expect(hexId('not base64!')).toBeUndefined();
    expect(hexId('-_8=')).toBe('fbff'); // base64url too
  });

  it('reads RFC 3339 to the nanosecond and proto int64 strings', () => {
    expect(nsOf(protoTime(T + 123n))).toBe(String(T + 123n));
    expect(nsOf('2026-01-27T10:52:59Z')).toBe('1769511179000000000');
    expect(nsOf('1969-12-31T23:59:59Z')).toBeUndefined();
    expect(int64Ns('1769511179000000001')).toBe('1769511179000000001');
    expect(int64Ns('0')).toBeUndefined();
    expect(cmpNs('999', '1000')).toBe(-1);
  });
});

describe('a task attempt from its lifecycle events', () => {
  const node1 = nodeHex('n1');
  const node2 = nodeHex('n2');
  const running = life(1, {
    transitions: [['RUNNING', T + 10n]],
    node: node1,
    worker: workerHex('w1'),
    pid: 11,
  });
  const ownerFailed = life(2, {
    transitions: [['FAILED', T + 50n]],
    error: { errorMessage: 'gone', errorType: 'WORKER_DIED' },
  });

  it("never lets empty ids (the owner's report) overwrite known ones, in either order", () => {
    for (const events of [
      [running, ownerFailed],
      [ownerFailed, running],
    ]) {
      expect(rowOf(events)).toMatchObject({
        state: 'FAILED',
        node_id: node1,
        worker_pid: 11,
        error_type: 'WORKER_DIED',
        error_message: 'gone',
      });
    }
  });

  it('takes the later report where two disagree, whatever arrives first', () => {
    const moved = life(3, {
      transitions: [['RUNNING', T + 30n]],
      node: node2,
      worker: workerHex('w2'),
      pid: 22,
    });
    expect(rowOf([running, moved]).node_id).toBe(node2);
    expect(rowOf([moved, running]).node_id).toBe(node2);
    expect(rowOf([moved, running]).worker_pid).toBe(22);
  });

  it('breaks exact ties by content, not arrival', () => {
    const a = joinReg(['5', 'aaa'], ['5', 'bbb']);
    const b = joinReg(['5', 'bbb'], ['5', 'aaa']);
    expect(a).toEqual(['5', 'bbb']);
    expect(b).toEqual(a);
  });

  it("orders transitions at the same time by Ray's usual sequence", () => {
    const same = life(4, {
      transitions: [
        ['FINISHED', T + 5n],
        ['RUNNING', T + 5n],
      ],
    });
    expect(rowOf([same]).events?.map((e) => e.state)).toEqual(['RUNNING', 'FINISHED']);
    expect(rowOf([same]).state).toBe('FINISHED');
  });

  it('reads the older TASK_EXECUTION_EVENT (TaskStatus numbers to times)', () => {
    const old = {
      ...rayEvent({ ...base(T, 9), eventType: 'TASK_EXECUTION_EVENT' }, 'taskExecutionEvent', {
        taskId: b64(TASK),
        taskAttempt: 0,
        taskState: { '1': protoTime(T), '6': protoTime(T + 5n), '10': protoTime(T + 9n) },
        nodeId: b64(node1),
        workerId: '',
        workerPid: 0,
        jobId: b64('01000000'),
        rayErrorInfo: { errorMessage: 'boom', errorType: 'TASK_EXECUTION_EXCEPTION' },
      }),
    };
    expect(rowOf([old])).toMatchObject({
      state: 'FAILED',
      node_id: node1,
      error_type: 'TASK_EXECUTION_EXCEPTION',
    });
    expect(rowOf([old]).events?.map((e) => e.state)).toEqual(['PENDING_ARGS_AVAIL', 'RUNNING', 'FAILED']);
  });
});

describe('events that say nothing usable', () => {
  it.each([
    ['not an object', 'x'],
    ['no timestamp', { eventId: 'AQ==', eventType: 'TASK_LIFECYCLE_EVENT', sessionName: SESSION }],
    [
      'a payload field of the wrong type',
      { ...life(5, { transitions: [] }), taskLifecycleEvent: { taskId: 42 } },
    ],
    ['an empty task id', { ...life(6, { transitions: [] }), taskLifecycleEvent: { taskId: '' } }],
    [
      'an event type the dashboard does not read',
      { ...life(7, { transitions: [] }), eventType: 'AUTOSCALER_X', taskLifecycleEvent: undefined },
    ],
  ])('contribute nothing: %s', (_what, raw) => {
    expect(factsOf(raw, 'node-a').filter((f) => f.kind !== 'evidence')).toEqual([]);
  });

  it('pass unknown fields through (newer Ray adds fields)', () => {
    const e = { ...life(8, { transitions: [['RUNNING', T]] }), someFutureField: { x: 1 } };
    expect(factsOf(e, 'node-a').map((f) => f.kind)).toContain('task');
  });
});

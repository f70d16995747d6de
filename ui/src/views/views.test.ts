import { describe, expect, it } from 'vitest';
import type { Actor, FailuresResponse, NodeSummary, SearchHit } from '../api/types';
import { causeOf, filterActors } from './Actors';
import { summaryText } from './FailureSummary';
import { jobDuration } from './overview/Jobs';
import { nodeRows, resourceText } from './overview/Nodes';
import { byFile, matchSpans, searchOf } from './Search';
import { taskFilters } from './Tasks';

describe('the tasks view', () => {
  it("turns its URL's filters into the tasks route's, exact and combined", () => {
    const q = new URLSearchParams(
      'state=FAILED&job=02000000&func=h&error=TASK_EXECUTION_EXCEPTION&sort=-start&page=2',
    );
    expect(taskFilters(q)).toEqual([
      { key: 'state', predicate: '=', value: 'FAILED' },
      { key: 'job_id', predicate: '=', value: '02000000' },
      { key: 'func_or_class_name', predicate: '=', value: 'h' },
      { key: 'error_type', predicate: '=', value: 'TASK_EXECUTION_EXCEPTION' },
    ]);
    expect(taskFilters(new URLSearchParams('task=ab12&state='))).toEqual([
      { key: 'task_id', predicate: '=', value: 'ab12' },
    ]);
  });
});

describe('the actors view', () => {
  const actor = (p: Partial<Actor>): Actor =>
    ({
      actorId: 'aa11',
      name: '',
      actorClass: 'Counter',
      reprName: '',
      state: 'ALIVE',
      jobId: '01000000',
      exitDetail: '',
      deathCause: null,
      ...p,
    }) as Actor;
  const actors = [
    actor({ actorId: 'aa11', name: 'counter' }),
    actor({
      actorId: 'bb22',
      actorClass: 'Flaky',
      state: 'DEAD',
      deathCause: { actorDiedErrorContext: { errorMessage: 'worker process has died' } },
    }),
    actor({ actorId: 'cc33', actorClass: 'Flaky', jobId: '02000000' }),
  ];
  const ids = (f: Partial<Parameters<typeof filterActors>[1]>) =>
    filterActors(actors, { state: '', job: '', cls: '', text: '', ...f }).map((a) => a.actorId);

  it('filters by state, job and class exactly, and by text anywhere in id, name, class or cause', () => {
    expect(ids({})).toEqual(['aa11', 'bb22', 'cc33']);
    expect(ids({ state: 'DEAD' })).toEqual(['bb22']);
    expect(ids({ cls: 'Flaky', job: '02000000' })).toEqual(['cc33']);
    expect(ids({ text: 'COUNTER' })).toEqual(['aa11']);
    expect(ids({ text: 'process has died' })).toEqual(['bb22']);
    expect(ids({ text: 'cc3' })).toEqual(['cc33']);
  });

  it("says why an actor died: its exit detail, else its death cause's message", () => {
    expect(causeOf(actors[1]!)).toBe('worker process has died');
    expect(causeOf({ exitDetail: 'exit detail', deathCause: null })).toBe('exit detail');
    expect(causeOf({ exitDetail: '', deathCause: null })).toBe('');
  });
});

describe('the search view', () => {
  it('reads its search from the URL; none without a query', () => {
    expect(searchOf(new URLSearchParams('q=boom&regex=1&case=ignore&node=n1&glob=*.err'))).toEqual({
      q: 'boom',
      regex: true,
      ignoreCase: true,
      node: 'n1',
      glob: '*.err',
      limit: 100,
    });
    expect(searchOf(new URLSearchParams('regex=1'))).toBeNull();
  });

  it('marks where a literal or a pattern matches, and nothing for a pattern JavaScript cannot read', () => {
    expect(matchSpans('a Boom and a boom', { q: 'boom' })).toEqual([[13, 17]]);
    expect(matchSpans('a Boom and a boom', { q: 'boom', ignoreCase: true })).toEqual([
      [2, 6],
      [13, 17],
    ]);
    expect(matchSpans('shard-047 shard-12', { q: 'shard-\\d+', regex: true })).toEqual([
      [0, 9],
      [10, 18],
    ]);
    expect(matchSpans('x', { q: '(?P<n>x)', regex: true })).toEqual([]);
    expect(matchSpans('aaa', { q: 'a*', regex: true })).toEqual([[0, 3]]);
  });

  it('groups hits by file in the order they came', () => {
    const hit = (node: string, file: string, line: number) => ({ node, file, line }) as SearchHit;
    const groups = byFile([hit('a', 'x', 1), hit('a', 'x', 5), hit('a', 'y', 2), hit('b', 'x', 1)]);
    expect(groups.map((g) => [g.node, g.file, g.hits.map((h) => h.line)])).toEqual([
      ['a', 'x', [1, 5]],
      ['a', 'y', [2]],
      ['b', 'x', [1]],
    ]);
  });
});

describe('the session summaries', () => {
  const none: FailuresResponse = {
    jobs: [],
    tasks: { failedAttempts: 0, groups: [] },
    actors: [],
    nodes: [],
  };

  it('say what failed in a session, leaving out what did not, or nothing when nothing did', () => {
    expect(summaryText(none)).toBeNull();
    const some = {
      ...none,
      jobs: [{}],
      tasks: { failedAttempts: 15, groups: [] },
      nodes: [{}, {}],
    } as unknown as FailuresResponse;
    expect(summaryText(some)).toBe('1 job · 15 tasks · 2 nodes');
  });

  it("give a job's duration only when it started and ended", () => {
    expect(jobDuration({ start_time: 1000, end_time: 3500 })).toBe(2500);
    expect(jobDuration({ start_time: 1000, end_time: null })).toBeNull();
    expect(jobDuration({ start_time: null, end_time: 3500 })).toBeNull();
  });

  it('list the resources a person reads first, memory in bytes, without per-node markers', () => {
    expect(
      resourceText({
        memory: 16 * 2 ** 30,
        'node:10.0.0.1': 1,
        GPU: 1,
        CPU: 8,
        objectStoreMemory: 4 * 2 ** 30,
        'accelerator_type:T4': 1,
      }),
    ).toBe('CPU 8 · GPU 1 · memory 16 GiB · object store 4.0 GiB');
  });

  it('show the nodes the events know, the head first, then those that only sent logs', () => {
    const n = (id: string, name: string | null, head: boolean, start: number) =>
      ({ storageNode: name, raylet: { nodeId: id, isHeadNode: head, startTimeMs: start } }) as NodeSummary;
    const rows = nodeRows(
      [n('w', 'worker-1', false, 1), n('h', 'head-0', true, 2)],
      ['head-0', 'worker-1', 'logs-only'],
    );
    expect(rows.map((r) => [r.key, r.storageNode, r.summary === null])).toEqual([
      ['h', 'head-0', false],
      ['w', 'worker-1', false],
      ['logs-only', 'logs-only', true],
    ]);
  });
});

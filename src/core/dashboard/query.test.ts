import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors.js';
import { nodesViewFrom, taskListQueryFrom, taskSummarizeQueryFrom } from './query.js';

const q = (s: string) => new URLSearchParams(s);

function fieldOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(400);
    return (err as HttpError).extra.field;
  }
  throw new Error('did not throw');
}

describe('StateApi query strings', () => {
  it("reads Ray's defaults and the dashboard's own queries", () => {
    expect(taskListQueryFrom(q(''))).toEqual({ filters: [], limit: 100, detail: false, excludeDriver: true });
    expect(
      taskListQueryFrom(
        q('detail=1&limit=10000&filter_keys=job_id&filter_predicates=%3D&filter_values=01000000'),
      ),
    ).toEqual({
      filters: [{ key: 'job_id', predicate: '=', value: '01000000' }],
      limit: 10000,
      detail: true,
      excludeDriver: true,
    });
  });

  it("takes several filters and upstream's key names", () => {
    const got = taskListQueryFrom(
      q(
        'filter_keys=task_type&filter_predicates=!%3D&filter_values=ACTOR_TASK&filter_keys=task_name&filter_predicates=%3D&filter_values=f&exclude_driver=false',
      ),
    );
    expect(got.filters).toEqual([
      { key: 'type', predicate: '!=', value: 'ACTOR_TASK' },
      { key: 'name', predicate: '=', value: 'f' },
    ]);
    expect(got.excludeDriver).toBe(false);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=10001', 'limit'],
    ['limit=ten', 'limit'],
    ['detail=maybe', 'detail'],
    ['filter_keys=state&filter_predicates=%3D', 'filter_keys'],
    ['filter_keys=colour&filter_predicates=%3D&filter_values=red', 'filter_keys[0]'],
    ['filter_keys=state&filter_predicates=~&filter_values=FAILED', 'filter_predicates[0]'],
  ])('answers 400 naming the parameter for %s', (s, field) => {
    expect(fieldOf(() => taskListQueryFrom(q(s)))).toBe(field);
  });

  it('reads summarize and nodes views', () => {
    expect(taskSummarizeQueryFrom(q('summary_by=lineage')).summaryBy).toBe('lineage');
    expect(taskSummarizeQueryFrom(q('')).summaryBy).toBe('func_name');
    expect(fieldOf(() => taskSummarizeQueryFrom(q('summary_by=colour')))).toBe('summary_by');
    expect(nodesViewFrom(q('view=hostNameList'))).toBe('hostNameList');
    expect(nodesViewFrom(q(''))).toBe('summary');
    expect(fieldOf(() => nodesViewFrom(q('view=all')))).toBe('view');
  });
});

import { describe, expect, it } from 'vitest';
import { formatSort, pageOf, parseSort, sortRows } from './table';

describe('table rows', () => {
  const rows = [
    { name: 'b', t: 3 },
    { name: 'a10', t: null },
    { name: 'a9', t: 1 },
    { name: 'c', t: 3 },
  ];
  const cell = (r: (typeof rows)[number], k: 'name' | 't') => r[k];

  it('sort by a column either way, numbers as numbers, empty cells last, ties in their order', () => {
    expect(sortRows(rows, cell, { key: 'name', desc: false }).map((r) => r.name)).toEqual([
      'a9',
      'a10',
      'b',
      'c',
    ]);
    expect(sortRows(rows, cell, { key: 't', desc: false }).map((r) => r.name)).toEqual([
      'a9',
      'b',
      'c',
      'a10',
    ]);
    expect(sortRows(rows, cell, { key: 't', desc: true }).map((r) => r.name)).toEqual([
      'b',
      'c',
      'a9',
      'a10',
    ]);
  });

  it('read and write the sort in the URL, falling back on an unknown column', () => {
    const fallback = { key: 't', desc: true } as const;
    expect(parseSort('-name', ['name', 't'], fallback)).toEqual({ key: 'name', desc: true });
    expect(parseSort('name', ['name', 't'], fallback)).toEqual({ key: 'name', desc: false });
    expect(parseSort('nope', ['name', 't'], fallback)).toBe(fallback);
    expect(formatSort({ key: 'name', desc: true })).toBe('-name');
  });

  it('page rows, clamping a page out of range', () => {
    const many = Array.from({ length: 120 }, (_, i) => i);
    expect(pageOf(many, 1, 50)).toMatchObject({ page: 1, pages: 3, from: 1, to: 50, total: 120 });
    expect(pageOf(many, 3, 50)).toMatchObject({ page: 3, from: 101, to: 120 });
    expect(pageOf(many, 3, 50).rows).toEqual(many.slice(100));
    expect(pageOf(many, 9, 50).page).toBe(3);
    expect(pageOf(many, Number.NaN, 50).page).toBe(1);
    expect(pageOf([], 1, 50)).toMatchObject({ rows: [], page: 1, pages: 1, from: 0, to: 0, total: 0 });
  });
});

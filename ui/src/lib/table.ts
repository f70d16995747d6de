/** Sorting and paging of the rows a table holds (the API's answer, which the table reads whole). */

export interface SortSpec<K extends string = string> {
  key: K;
  desc: boolean;
}

/** `start` / `-start` from the URL; `fallback` for anything else. */
export function parseSort<K extends string>(
  value: string,
  keys: readonly K[],
  fallback: SortSpec<K>,
): SortSpec<K> {
  const desc = value.startsWith('-');
  const key = (desc ? value.slice(1) : value) as K;
  return keys.includes(key) ? { key, desc } : fallback;
}

export const formatSort = (s: SortSpec) => `${s.desc ? '-' : ''}${s.key}`;

export type Cell = string | number | null | undefined;

const compare = (a: Cell, b: Cell): number => {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en', { numeric: true });
};

/** The rows sorted by a column (a stable sort; empty cells last either way). */
export function sortRows<T, K extends string>(
  rows: readonly T[],
  cell: (row: T, key: K) => Cell,
  spec: SortSpec<K>,
): T[] {
  const empty = (v: Cell) => v === null || v === undefined || v === '';
  return rows
    .map((row, i) => ({ row, i, v: cell(row, spec.key) }))
    .sort((x, y) => {
      if (empty(x.v) || empty(y.v)) return empty(x.v) === empty(y.v) ? x.i - y.i : empty(x.v) ? 1 : -1;
      return (spec.desc ? -compare(x.v, y.v) : compare(x.v, y.v)) || x.i - y.i;
    })
    .map((x) => x.row);
}

export interface PageSlice<T> {
  rows: T[];
  /** 1-based, clamped to the pages there are. */
  page: number;
  pages: number;
  /** 1-based index of the first row shown, and of the last (0 and 0 when none). */
  from: number;
  to: number;
  total: number;
}

/** One page of `size` rows; a page past the end shows the last one. */
export function pageOf<T>(rows: readonly T[], page: number, size: number): PageSlice<T> {
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const p = Math.min(Math.max(1, Number.isFinite(page) ? Math.floor(page) : 1), pages);
  const start = (p - 1) * size;
  const shown = rows.slice(start, start + size);
  return {
    rows: shown,
    page: p,
    pages,
    from: shown.length === 0 ? 0 : start + 1,
    to: start + shown.length,
    total: rows.length,
  };
}

/** Pieces of the dashboard's tables: sortable headers, a pager, state badges, filter selects. */
import type { ComponentChildren } from 'preact';
import type { PageSlice, SortSpec } from '../lib/table';
import { formatCount } from '../lib/format';

/** A column header that sorts by its column (a button, so it works by keyboard; aria-sort says how). */
export function SortHeader<K extends string>(props: {
  label: string;
  k: K;
  sort: SortSpec<K>;
  onSort: (s: SortSpec<K>) => void;
  num?: boolean;
  /** Sort descending first (times, counts). */
  descFirst?: boolean;
}) {
  const { k, sort } = props;
  const active = sort.key === k;
  const next = active ? { key: k, desc: !sort.desc } : { key: k, desc: props.descFirst === true };
  return (
    <th
      scope="col"
      class={props.num === true ? 'num' : undefined}
      aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : undefined}
    >
      <button type="button" class="sort" onClick={() => props.onSort(next)}>
        {props.label}
        <span class="sort-mark" aria-hidden="true">
          {active ? (sort.desc ? '▼' : '▲') : ''}
        </span>
      </button>
    </th>
  );
}

/** "Rows 51–100 of 240", and the way to the pages before and after. */
export function Pager<T>(props: {
  slice: PageSlice<T>;
  onPage: (page: number) => void;
  what: string;
  children?: ComponentChildren;
}) {
  const { slice } = props;
  return (
    <nav class="pager" aria-label={`Pages of ${props.what}`}>
      <span class="muted" role="status">
        {slice.total === 0
          ? `No ${props.what}`
          : `${props.what[0]!.toUpperCase()}${props.what.slice(1)} ${formatCount(slice.from)}–${formatCount(slice.to)} of ${formatCount(slice.total)}`}
      </span>
      {props.children}
      <span class="pager-buttons">
        <button type="button" disabled={slice.page <= 1} onClick={() => props.onPage(slice.page - 1)}>
          ← Previous
        </button>
        <span class="muted">
          Page {slice.page} of {slice.pages}
        </span>
        <button
          type="button"
          disabled={slice.page >= slice.pages}
          onClick={() => props.onPage(slice.page + 1)}
        >
          Next →
        </button>
      </span>
    </nav>
  );
}

const TONES: Record<string, 'bad' | 'good' | 'busy' | 'idle'> = {
  FAILED: 'bad',
  DEAD: 'bad',
  FINISHED: 'good',
  SUCCEEDED: 'good',
  ALIVE: 'good',
  RUNNING: 'busy',
  RESTARTING: 'busy',
  STOPPED: 'idle',
};

/** The tone of a Ray state: failed/dead, finished/alive, running, or waiting. */
export const toneOf = (state: string) => TONES[state] ?? 'idle';

export function StateBadge(props: { state: string }) {
  return <span class={`badge tone-${toneOf(props.state)}`}>{props.state}</span>;
}

export interface Option {
  value: string;
  label: string;
}

/** A labelled select whose choice is a URL parameter (empty: any). */
export function FilterSelect(props: {
  id: string;
  label: string;
  value: string;
  options: Option[];
  anyLabel?: string;
  onChange: (value: string) => void;
}) {
  const known = props.value === '' || props.options.some((o) => o.value === props.value);
  return (
    <span class="filter">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <option value="">{props.anyLabel ?? 'Any'}</option>
        {!known && <option value={props.value}>{props.value}</option>}
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </span>
  );
}

/** An id shown short (its first 8 hex digits), whole on hover and for screen readers. */
export function ShortId(props: { id: string | null }) {
  if (props.id === null || props.id === '') return <span class="muted">–</span>;
  return (
    <span class="mono" title={props.id}>
      {props.id.length > 12 ? `${props.id.slice(0, 8)}…` : props.id}
    </span>
  );
}

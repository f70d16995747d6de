/**
 * The session's actors (Ray's `logical/actors` answers all of them at once): filtered by state, job,
 * class or text, sorted by any column, paged; each dead one with its cause, each with its worker's log.
 */
import { useState } from 'preact/hooks';
import { api } from '../api/endpoints';
import type { Actor } from '../api/types';
import { ErrorState, Notice, SkeletonRows } from '../components/states';
import { FilterSelect, Pager, ShortId, SortHeader, StateBadge, type Option } from '../components/Table';
import { Time } from '../components/Time';
import { formatCount, isoOfMs, shortNode } from '../lib/format';
import { locatorHref } from '../lib/logLinks';
import { navigate, useQuery, type SessionParams } from '../lib/router';
import { formatSort, pageOf, parseSort, sortRows, type SortSpec } from '../lib/table';
import { useApi } from '../lib/useApi';
import { SessionLayout } from './SessionLayout';

const PAGE_ROWS = 50;
const KEYS = ['actor', 'state', 'job', 'node', 'restarts', 'start', 'end'] as const;
type Key = (typeof KEYS)[number];
const DEFAULT_SORT: SortSpec<Key> = { key: 'start', desc: true };

/** Why an actor died: its exit detail, else the death cause's message. */
export function causeOf(a: Pick<Actor, 'exitDetail' | 'deathCause'>): string {
  if (a.exitDetail !== '') return a.exitDetail;
  for (const ctx of Object.values(a.deathCause ?? {})) {
    const msg =
      typeof ctx === 'object' && ctx !== null ? (ctx as { errorMessage?: unknown }).errorMessage : undefined;
    if (typeof msg === 'string' && msg !== '') return msg;
  }
  return '';
}

/** The actors the filters keep: state, job and class exactly; `text` within id, name, class or cause. */
export function filterActors(
  actors: Actor[],
  f: { state: string; job: string; cls: string; text: string },
): Actor[] {
  const text = f.text.trim().toLowerCase();
  return actors.filter(
    (a) =>
      (f.state === '' || a.state === f.state) &&
      (f.job === '' || a.jobId === f.job) &&
      (f.cls === '' || a.actorClass === f.cls) &&
      (text === '' ||
        [a.actorId, a.name, a.actorClass, a.reprName, causeOf(a)].some((v) =>
          v.toLowerCase().includes(text),
        )),
  );
}

function cellOf(names: Map<string, string>) {
  return (a: Actor, k: Key) => {
    switch (k) {
      case 'actor':
        return `${a.actorClass} ${a.name}`;
      case 'state':
        return a.state;
      case 'job':
        return a.jobId;
      case 'node':
        return names.get(a.address.nodeId) ?? a.address.nodeId;
      case 'restarts':
        return Number(a.numRestarts);
      case 'start':
        return a.startTime;
      case 'end':
        return a.endTime;
    }
  };
}

const options = (values: string[]): Option[] => {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([v, n]) => ({ value: v, label: `${v} (${formatCount(n)})` }));
};

/**
 * The actor's worker's stderr. With the pid (a dead actor's cause gives it) the file name is known;
 * otherwise the node's listing is asked for `worker-<workerId>-*.err` when clicked.
 */
function ActorLog(props: { a: Actor; s: SessionParams; node: string | undefined }) {
  const { a, s, node } = props;
  const [missing, setMissing] = useState<string | null>(null);
  const worker = a.address.workerId;
  if (node === undefined || worker === '') return <span class="muted">–</span>;
  if (a.pid !== null) {
    return <a href={locatorHref(s, { node, file: `worker-${worker}-${a.jobId}-${a.pid}.err` })}>log →</a>;
  }
  if (missing !== null) return <span class="muted">{missing}</span>;
  const find = async () => {
    try {
      const found = await api.nodeLogs(s, node, `worker-${worker}-*.err`);
      const file = Object.values(found.data.result).flat()[0];
      if (file === undefined) setMissing('not stored');
      else navigate(locatorHref(s, { node, file }));
    } catch (err) {
      setMissing(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <button type="button" class="link" onClick={() => void find()}>
      log →
    </button>
  );
}

export function ActorsView(props: SessionParams) {
  const s = { namespace: props.namespace, cluster: props.cluster, session: props.session };
  const dep = [s.namespace, s.cluster, s.session];
  const [q, setQuery] = useQuery();
  const [state, retry] = useApi(() => api.actors(s), dep);
  const [nodes] = useApi(() => api.nodes(s), dep);
  const names = new Map<string, string>();
  if (nodes.status === 'ok')
    for (const n of nodes.data.data.summary)
      if (n.storageNode !== null) names.set(n.raylet.nodeId, n.storageNode);
  const sort = parseSort(q.get('sort') ?? '', KEYS, DEFAULT_SORT);
  const all = state.status === 'ok' ? Object.values(state.data.data.actors) : [];
  const f = {
    state: q.get('state') ?? '',
    job: q.get('job') ?? '',
    cls: q.get('class') ?? '',
    text: q.get('q') ?? '',
  };
  const rows = sortRows(filterActors(all, f), cellOf(names), sort);
  const slice = pageOf(rows, Number(q.get('page') ?? '1'), PAGE_ROWS);
  const set = (param: string) => (value: string) => setQuery({ [param]: value, page: null });
  const onSort = (v: SortSpec<Key>) => setQuery({ sort: formatSort(v) });
  const filtered = f.state !== '' || f.job !== '' || f.cls !== '' || f.text !== '';
  return (
    <SessionLayout {...s} current="actors">
      <div class="filters" role="search" aria-label="Filter actors">
        <FilterSelect
          id="f-state"
          label="State"
          value={f.state}
          options={options(all.map((a) => a.state))}
          onChange={set('state')}
        />
        <FilterSelect
          id="f-job"
          label="Job"
          value={f.job}
          options={options(all.map((a) => a.jobId))}
          onChange={set('job')}
        />
        <FilterSelect
          id="f-class"
          label="Class"
          value={f.cls}
          options={options(all.map((a) => a.actorClass))}
          onChange={set('class')}
        />
        <span class="filter">
          <label for="f-text">Text</label>
          <input
            id="f-text"
            type="search"
            value={f.text}
            placeholder="id, name, class, cause"
            autocomplete="off"
            onInput={(e) => setQuery({ q: e.currentTarget.value, page: null }, { replace: true })}
          />
        </span>
        {filtered && (
          <button
            type="button"
            class="link"
            onClick={() => setQuery({ state: null, job: null, class: null, q: null, page: null })}
          >
            Clear filters
          </button>
        )}
      </div>
      {state.status === 'error' ? (
        <ErrorState error={state.error} retry={retry} />
      ) : state.status === 'ok' && rows.length === 0 ? (
        <Notice title={all.length === 0 ? 'No actors recorded' : 'No actor matches these filters'}>
          <p>
            {all.length === 0
              ? 'No actor events were stored for this session.'
              : `${formatCount(all.length)} actors in all.`}
          </p>
        </Notice>
      ) : (
        <>
          <table class="grid actors" aria-busy={state.status === 'loading'}>
            <caption class="visually-hidden">Actors</caption>
            <thead>
              <tr>
                <SortHeader label="Actor" k="actor" sort={sort} onSort={onSort} />
                <SortHeader label="State" k="state" sort={sort} onSort={onSort} />
                <SortHeader label="Job" k="job" sort={sort} onSort={onSort} />
                <SortHeader label="Node" k="node" sort={sort} onSort={onSort} />
                <SortHeader label="Restarts" k="restarts" num descFirst sort={sort} onSort={onSort} />
                <SortHeader label="Started" k="start" descFirst sort={sort} onSort={onSort} />
                <SortHeader label="Ended" k="end" descFirst sort={sort} onSort={onSort} />
                <th scope="col">Cause of death</th>
                <th scope="col">Log</th>
              </tr>
            </thead>
            <tbody>
              {state.status === 'loading' ? (
                <SkeletonRows rows={6} cols={9} />
              ) : (
                slice.rows.map((a) => (
                  <tr key={a.actorId} class={a.state === 'DEAD' ? 'row-bad' : undefined}>
                    <td>
                      {a.actorClass}
                      {a.name !== '' && <span class="mono"> “{a.name}”</span>}{' '}
                      <span class="muted">
                        <ShortId id={a.actorId} />
                      </span>
                    </td>
                    <td>
                      <StateBadge state={a.state} />
                    </td>
                    <td class="mono">{a.jobId}</td>
                    <td
                      class="mono"
                      title={`${names.get(a.address.nodeId) ?? a.address.nodeId} (${a.address.ipAddress})`}
                    >
                      {names.has(a.address.nodeId) ? (
                        shortNode(names.get(a.address.nodeId)!, s.cluster)
                      ) : (
                        <ShortId id={a.address.nodeId} />
                      )}
                    </td>
                    <td class="num">{a.numRestarts}</td>
                    <td>
                      <Time iso={isoOfMs(a.startTime)} precise />
                    </td>
                    <td>
                      <Time iso={isoOfMs(a.endTime)} precise />
                    </td>
                    <td class="wrap" title={causeOf(a)}>
                      {causeOf(a)}
                    </td>
                    <td>
                      <ActorLog a={a} s={s} node={names.get(a.address.nodeId)} />
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
          {state.status === 'ok' && (
            <Pager slice={slice} what="actors" onPage={(p) => setQuery({ page: String(p) })} />
          )}
        </>
      )}
    </SessionLayout>
  );
}

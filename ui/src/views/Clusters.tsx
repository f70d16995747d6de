/** The clusters: every namespace/cluster with its sessions, newest activity first, filtered by a search box. */
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Cluster } from '../api/types';
import { api } from '../api/endpoints';
import { ErrorState, Notice, SkeletonRows } from '../components/states';
import { Time } from '../components/Time';
import { formatCount } from '../lib/format';
import { hrefOf, useQueryParam } from '../lib/router';
import { useApi } from '../lib/useApi';

/** Newest activity first; clusters never active last; then by namespace and name. */
export function byActivity(a: Cluster, b: Cluster): number {
  const ta = a.lastActivity ?? '';
  const tb = b.lastActivity ?? '';
  if (ta !== tb) return ta < tb ? 1 : -1;
  return a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);
}

export function matches(c: Cluster, query: string): boolean {
  const q = query.trim().toLowerCase();
  return q === '' || `${c.namespace}/${c.name}`.toLowerCase().includes(q);
}

export function ClustersView() {
  const [state, retry] = useApi((signal) => api.clusters(signal), []);
  const [query, setQuery] = useQueryParam('q');
  const search = useRef<HTMLInputElement>(null);

  // "/" jumps to the search box, as on most sites with one. Registered as the view renders, not after
  // the next paint (useEffect): a "/" typed as soon as the box shows was lost, and the keys after it
  // went nowhere (the flaky "filters clusters by the search box" browser test under load).
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      const inField = t !== null && t.closest('input, textarea, [contenteditable]') !== null;
      if (e.key !== '/' || inField) return;
      e.preventDefault();
      search.current?.focus();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  const clusters = state.status === 'ok' ? [...state.data.clusters].sort(byActivity) : [];
  const shown = clusters.filter((c) => matches(c, query));
  return (
    <section aria-labelledby="page-title">
      <div class="page-head">
        <h1 id="page-title" tabIndex={-1}>
          Clusters
        </h1>
        <div class="search">
          <label for="cluster-search">Filter</label>
          <input
            id="cluster-search"
            ref={search}
            type="search"
            placeholder="namespace/cluster  ( / )"
            value={query}
            autocomplete="off"
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </div>
      </div>
      {state.status === 'error' ? (
        <ErrorState error={state.error} retry={retry} />
      ) : (
        <table class="grid clusters" aria-busy={state.status === 'loading'}>
          <caption class="visually-hidden">Clusters, newest activity first</caption>
          <thead>
            <tr>
              <th scope="col">Cluster</th>
              <th scope="col" class="num">
                Sessions
              </th>
              <th scope="col">Latest session</th>
              <th scope="col">Last activity</th>
            </tr>
          </thead>
          <tbody>
            {state.status === 'loading' ? (
              <SkeletonRows rows={5} cols={4} />
            ) : (
              shown.map((c) => {
                const cluster = { view: 'sessions', namespace: c.namespace, cluster: c.name } as const;
                return (
                  <tr key={`${c.namespace}/${c.name}`}>
                    <td>
                      <a href={hrefOf(cluster)}>
                        <span class="muted">{c.namespace}/</span>
                        {c.name}
                      </a>
                    </td>
                    <td class="num">{formatCount(c.sessions)}</td>
                    <td>
                      {c.latestSession === null ? (
                        <span class="muted">–</span>
                      ) : (
                        <a
                          class="mono"
                          href={hrefOf({ ...cluster, view: 'session', session: c.latestSession })}
                        >
                          {c.latestSession}
                        </a>
                      )}
                    </td>
                    <td>
                      <Time iso={c.lastActivity} relative />
                    </td>
                  </tr>
                );
              })
            )}
          </tbody>
        </table>
      )}
      {state.status === 'ok' && clusters.length === 0 && (
        <Notice title="No clusters yet">
          <p>
            A cluster appears here once a collector or Ray's event exporter has sent its first logs or events
            to this app.
          </p>
        </Notice>
      )}
      {state.status === 'ok' && clusters.length > 0 && shown.length === 0 && (
        <Notice title={`No cluster matches “${query}”`}>
          <p>
            <button type="button" onClick={() => setQuery('')}>
              Clear the filter
            </button>
          </p>
        </Notice>
      )}
      {state.status === 'ok' && shown.length > 0 && (
        <p class="muted count" role="status">
          {shown.length === clusters.length
            ? `${formatCount(clusters.length)} clusters`
            : `${formatCount(shown.length)} of ${formatCount(clusters.length)} clusters`}
        </p>
      )}
    </section>
  );
}

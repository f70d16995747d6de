/** The frame of every session view: where it is, the session's name, its tabs; "No such session" when it is not. */
import type { ComponentChildren } from 'preact';
import { api } from '../api/endpoints';
import { isNotFound, NotFoundPage } from '../components/states';
import { hrefOf, type Route, type SessionParams } from '../lib/router';
import { useApi } from '../lib/useApi';

/** The session's views, in tab order; each a URL (lib/routes.ts) and a component (App.tsx). */
export const sessionTabs: { label: string; view: Route['view'] }[] = [
  { label: 'Overview', view: 'session' },
  { label: 'Tasks', view: 'tasks' },
  { label: 'Actors', view: 'actors' },
  { label: 'Logs', view: 'logs' },
  { label: 'Search', view: 'search' },
  { label: 'Timeline', view: 'timeline' },
];

export function sessionNotFound(s: SessionParams) {
  return (
    <NotFoundPage
      title="No such session"
      detail={`Cluster “${s.cluster}” in namespace “${s.namespace}” has no session “${s.session}”.`}
      back={{ href: hrefOf({ view: 'sessions', ...s }), label: `Sessions of ${s.cluster}` }}
    />
  );
}

export function SessionLayout(
  props: SessionParams & { current: Route['view']; children: ComponentChildren; wide?: boolean },
) {
  const { namespace, cluster, session } = props;
  // The views render at once; the (shared, kept) sessions listing only replaces them when the session is unknown.
  const [list] = useApi(() => api.sessionsShared(namespace, cluster), [namespace, cluster]);
  const missing =
    (list.status === 'ok' && !list.data.sessions.some((s) => s.sessionName === session)) ||
    (list.status === 'error' && isNotFound(list.error));
  if (missing) return sessionNotFound(props);
  const s = { namespace, cluster, session };
  return (
    <section aria-labelledby="page-title" class="session">
      <nav class="crumbs" aria-label="Breadcrumbs">
        <a href={hrefOf({ view: 'clusters' })}>Clusters</a>
        <span aria-hidden="true"> / </span>
        <span class="muted">{namespace}/</span>
        <a href={hrefOf({ view: 'sessions', namespace, cluster })}>{cluster}</a>
      </nav>
      <h1 id="page-title" class="mono" tabIndex={-1}>
        {session}
      </h1>
      <nav class="tabs" aria-label="Session views">
        {sessionTabs.map((t) => (
          <a
            key={t.view}
            href={hrefOf({ view: t.view, ...s } as Route)}
            aria-current={t.view === props.current ? 'page' : undefined}
          >
            {t.label}
          </a>
        ))}
      </nav>
      {props.children}
    </section>
  );
}

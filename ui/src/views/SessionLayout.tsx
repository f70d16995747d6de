/** The frame of every session view: where it is, the session's name, and its tabs. */
import type { ComponentChildren } from 'preact';
import { hrefOf, type Route, type SessionParams } from '../lib/router';

/**
 * The session's views, in tab order. The dashboard views (jobs and failures, tasks, actors, search,
 * timeline) join here with their route (lib/router.ts) and component (App.tsx).
 */
export const sessionTabs: { label: string; view: Route['view']; href: (s: SessionParams) => string }[] = [
  { label: 'Overview', view: 'session', href: (s) => hrefOf({ view: 'session', ...s }) },
  { label: 'Logs', view: 'logs', href: (s) => hrefOf({ view: 'logs', ...s }) },
];

export function SessionLayout(
  props: SessionParams & { current: Route['view']; children: ComponentChildren },
) {
  const { namespace, cluster, session } = props;
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
          <a key={t.view} href={t.href(props)} aria-current={t.view === props.current ? 'page' : undefined}>
            {t.label}
          </a>
        ))}
      </nav>
      {props.children}
    </section>
  );
}

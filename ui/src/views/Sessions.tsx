/** The sessions of one cluster, newest first: create time, activity, nodes, files, bytes, what failed. */
import type { ComponentChildren } from 'preact';
import type { Session } from '../api/types';
import { api } from '../api/endpoints';
import { ErrorState, isNotFound, NotFoundPage, SkeletonRows } from '../components/states';
import { Time } from '../components/Time';
import { formatBytes, formatCount } from '../lib/format';
import { hrefOf } from '../lib/router';
import { useApi } from '../lib/useApi';
import { FailureSummary } from './FailureSummary';

/** Columns of the sessions table beyond what the index knows: the status summary from the dashboard. */
export interface SessionColumn {
  header: string;
  cell: (s: Session, at: { namespace: string; cluster: string }) => ComponentChildren;
}
export const sessionColumns: SessionColumn[] = [
  {
    header: 'Failures',
    cell: (s, at) => <FailureSummary {...at} session={s.sessionName} />,
  },
];

export function SessionsView(props: { namespace: string; cluster: string }) {
  const { namespace, cluster } = props;
  const [state, retry] = useApi((signal) => api.sessions(namespace, cluster, signal), [namespace, cluster]);
  if (state.status === 'error' && isNotFound(state.error)) {
    return (
      <NotFoundPage
        title="No such cluster"
        detail={`No cluster “${cluster}” in namespace “${namespace}” has sent anything to this app.`}
      />
    );
  }
  const cols = 6 + sessionColumns.length;
  return (
    <section aria-labelledby="page-title">
      <nav class="crumbs" aria-label="Breadcrumbs">
        <a href={hrefOf({ view: 'clusters' })}>Clusters</a>
        <span aria-hidden="true"> / </span>
        <span class="muted">{namespace}</span>
      </nav>
      <h1 id="page-title" tabIndex={-1}>
        {cluster}
      </h1>
      {state.status === 'error' ? (
        <ErrorState error={state.error} retry={retry} />
      ) : (
        <table class="grid sessions" aria-busy={state.status === 'loading'}>
          <caption class="visually-hidden">Sessions of {cluster}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Session</th>
              <th scope="col">Created</th>
              <th scope="col">Last activity</th>
              <th scope="col" class="num">
                Nodes
              </th>
              <th scope="col" class="num">
                Files
              </th>
              <th scope="col" class="num">
                Log bytes
              </th>
              {sessionColumns.map((c) => (
                <th scope="col" key={c.header}>
                  {c.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {state.status === 'loading' ? (
              <SkeletonRows rows={4} cols={cols} />
            ) : (
              state.data.sessions.map((s) => (
                <tr key={s.sessionName}>
                  <td>
                    <a
                      class="mono"
                      href={hrefOf({ view: 'session', namespace, cluster, session: s.sessionName })}
                    >
                      {s.sessionName}
                    </a>
                  </td>
                  <td>
                    <Time iso={s.createTime} />
                  </td>
                  <td>
                    <Time iso={s.lastActivity} relative />
                  </td>
                  <td class="num" title={s.nodes.join(', ')}>
                    {formatCount(s.nodes.length)}
                  </td>
                  <td class="num">{formatCount(s.files)}</td>
                  <td class="num" title={`${formatCount(s.bytes)} bytes`}>
                    {formatBytes(s.bytes)}
                  </td>
                  {sessionColumns.map((c) => (
                    <td key={c.header}>{c.cell(s, { namespace, cluster })}</td>
                  ))}
                </tr>
              ))
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** One session at a glance: when, how much, which nodes (each a link to its logs), its metadata. */
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api/client';
import { api } from '../api/endpoints';
import { ErrorState, isNotFound, Notice, NotFoundPage } from '../components/states';
import { Time } from '../components/Time';
import { formatBytes, formatCount } from '../lib/format';
import { hrefOf, type SessionParams } from '../lib/router';
import { useApi } from '../lib/useApi';
import { SessionLayout } from './SessionLayout';

export function sessionNotFound(s: SessionParams) {
  return (
    <NotFoundPage
      title="No such session"
      detail={`Cluster “${s.cluster}” in namespace “${s.namespace}” has no session “${s.session}”.`}
      back={{ href: hrefOf({ view: 'sessions', ...s }), label: `Sessions of ${s.cluster}` }}
    />
  );
}

export function SessionOverview(props: SessionParams) {
  const { namespace, cluster, session } = props;
  const [list, retry] = useApi((signal) => api.sessions(namespace, cluster, signal), [namespace, cluster]);
  const [meta] = useApi((signal) => api.metadata(props, signal), [namespace, cluster, session]);
  const entry = list.status === 'ok' ? list.data.sessions.find((s) => s.sessionName === session) : undefined;
  if ((list.status === 'ok' && entry === undefined) || (list.status === 'error' && isNotFound(list.error))) {
    return sessionNotFound(props);
  }
  const v = (f: (e: NonNullable<typeof entry>) => ComponentChildren) =>
    entry === undefined ? <span class="bone" aria-hidden="true" /> : f(entry);
  return (
    <SessionLayout {...props} current="session">
      {list.status === 'error' ? (
        <ErrorState error={list.error} retry={retry} />
      ) : (
        <>
          <dl class="facts" aria-busy={entry === undefined}>
            <div>
              <dt>Created</dt>
              <dd>
                {v((e) => (
                  <Time iso={e.createTime} />
                ))}
              </dd>
            </div>
            <div>
              <dt>Last activity</dt>
              <dd>
                {v((e) => (
                  <Time iso={e.lastActivity} relative />
                ))}
              </dd>
            </div>
            <div>
              <dt>Cluster id</dt>
              <dd class="mono">{v((e) => e.clusterId)}</dd>
            </div>
            <div>
              <dt>Log files</dt>
              <dd>{v((e) => formatCount(e.files))}</dd>
            </div>
            <div>
              <dt>Log bytes</dt>
              <dd>{v((e) => formatBytes(e.bytes))}</dd>
            </div>
          </dl>
          <h2>Nodes</h2>
          {entry !== undefined && entry.nodes.length === 0 ? (
            <Notice title="No node has sent anything yet" />
          ) : (
            <ul class="nodes">
              {entry === undefined ? (
                <li aria-hidden="true">
                  <span class="bone" />
                </li>
              ) : (
                entry.nodes.map((n) => (
                  <li key={n}>
                    <a class="mono" href={hrefOf({ view: 'logs', ...props, node: n })}>
                      {n}
                    </a>
                  </li>
                ))
              )}
            </ul>
          )}
          <h2>Metadata</h2>
          {meta.status === 'error' ? (
            meta.error instanceof ApiError && meta.error.code === 'metadata_not_found' ? (
              <Notice title="No metadata.json yet">
                <p>It is written with the session's first accepted ingest.</p>
              </Notice>
            ) : (
              <ErrorState error={meta.error} />
            )
          ) : (
            <table class="grid kv">
              <caption class="visually-hidden">metadata.json</caption>
              <tbody>
                {meta.status === 'loading' ? (
                  <tr aria-hidden="true">
                    <td>
                      <span class="bone" />
                    </td>
                    <td>
                      <span class="bone" />
                    </td>
                  </tr>
                ) : (
                  Object.entries(meta.data).map(([k, val]) => (
                    <tr key={k}>
                      <th scope="row">{k}</th>
                      <td class="mono">{typeof val === 'string' ? val : JSON.stringify(val)}</td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          )}
        </>
      )}
    </SessionLayout>
  );
}

/**
 * One session at a glance, in the order a person debugging it reads: what failed and where its log
 * lines are, the jobs with status and duration, the nodes alive and dead, then the facts, the
 * cluster status and metadata.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { api } from '../api/endpoints';
import { ErrorState, Notice } from '../components/states';
import { Time } from '../components/Time';
import { formatBytes, formatCount } from '../lib/format';
import type { SessionParams } from '../lib/router';
import { useApi, type Loaded } from '../lib/useApi';
import { FailuresSection } from './overview/Failures';
import { JobsSection } from './overview/Jobs';
import { NodesSection } from './overview/Nodes';
import { SessionLayout } from './SessionLayout';

function Fact(props: { label: string; children: ComponentChildren; mono?: boolean }) {
  return (
    <div>
      <dt>{props.label}</dt>
      <dd class={props.mono === true ? 'mono' : undefined}>{props.children}</dd>
    </div>
  );
}

function ClusterStatus(props: { s: SessionParams }) {
  const [open, setOpen] = useState(false);
  return (
    <details class="status" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Cluster status</summary>
      {open && <ClusterStatusText s={props.s} />}
    </details>
  );
}

function ClusterStatusText(props: { s: SessionParams }) {
  const { s } = props;
  const [state, retry] = useApi(
    (signal) => api.clusterStatus(s, signal),
    [s.namespace, s.cluster, s.session],
  );
  if (state.status === 'loading') return <p class="muted">Loading…</p>;
  if (state.status === 'error') return <ErrorState error={state.error} retry={retry} />;
  const { clusterStatus, source } = state.data.data;
  return (
    <>
      <p class="muted">
        {source === 'autoscaler_log'
          ? "The autoscaler's last status, from the head's monitor.log."
          : 'Rebuilt from the stored events (the autoscaler left no status).'}
      </p>
      <pre class="status-text">{clusterStatus}</pre>
    </>
  );
}

/** metadata.json; the overview loads it with its other sections. */
function Metadata(props: { meta: Loaded<Record<string, unknown>> }) {
  const { meta } = props;
  if (meta.status === 'error') {
    return meta.error instanceof ApiError && meta.error.code === 'metadata_not_found' ? (
      <Notice title="No metadata.json yet">
        <p>It is written with the session's first accepted ingest.</p>
      </Notice>
    ) : (
      <ErrorState error={meta.error} />
    );
  }
  return (
    <table class="grid kv">
      <caption class="visually-hidden">metadata.json</caption>
      <tbody>
        {meta.status === 'ok' &&
          Object.entries(meta.data).map(([k, val]) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td class="mono">{typeof val === 'string' ? val : JSON.stringify(val)}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}

export function SessionOverview(props: SessionParams) {
  const { namespace, cluster, session } = props;
  const s = { namespace, cluster, session };
  const dep = [namespace, cluster, session];
  const [list, retry] = useApi(() => api.sessionsShared(namespace, cluster), [namespace, cluster]);
  // The sections show together once all have loaded, so nothing moves as each arrives.
  const [failures, retryFailures] = useApi(() => api.failures(s), dep);
  const [jobs, retryJobs] = useApi(() => api.jobs(s), dep);
  const [nodes, retryNodes] = useApi(() => api.nodes(s), dep);
  const [meta] = useApi((signal) => api.metadata(s, signal), dep);
  const ready = [list, failures, jobs, nodes, meta].every((x) => x.status !== 'loading');
  const entry = list.status === 'ok' ? list.data.sessions.find((x) => x.sessionName === session) : undefined;
  const v = (f: (e: NonNullable<typeof entry>) => ComponentChildren) =>
    entry === undefined ? <span class="bone" aria-hidden="true" /> : f(entry);
  return (
    <SessionLayout {...s} current="session">
      {list.status === 'error' ? (
        <ErrorState error={list.error} retry={retry} />
      ) : (
        <dl class="facts" aria-busy={entry === undefined}>
          <Fact label="Created">
            {v((e) => (
              <Time iso={e.createTime} />
            ))}
          </Fact>
          <Fact label="Last activity">
            {v((e) => (
              <Time iso={e.lastActivity} relative />
            ))}
          </Fact>
          <Fact label="Cluster id" mono>
            {v((e) => e.clusterId)}
          </Fact>
          <Fact label="Log files">{v((e) => formatCount(e.files))}</Fact>
          <Fact label="Log bytes">{v((e) => formatBytes(e.bytes))}</Fact>
        </dl>
      )}
      {ready ? (
        <>
          <FailuresSection s={s} state={failures} retry={retryFailures} />
          <JobsSection s={s} state={jobs} retry={retryJobs} />
          <NodesSection s={s} state={nodes} retry={retryNodes} indexed={entry?.nodes ?? []} />
          <ClusterStatus s={s} />
          <h2>Metadata</h2>
          <Metadata meta={meta} />
        </>
      ) : (
        <div class="skeleton-block tall" aria-busy="true">
          <span class="bone" />
          <span class="bone" />
          <span class="bone" />
        </div>
      )}
    </SessionLayout>
  );
}

/**
 * The session's nodes: alive or dead, head or worker, resources, when they started and ended, each a
 * link to its logs. Nodes the events know come from the dashboard's nodes; nodes that only sent logs
 * (no events) from the index.
 */
import type { NodeSummary, NodesSummaryResponse } from '../../api/types';
import { ErrorState, SkeletonRows } from '../../components/states';
import { ShortId, StateBadge } from '../../components/Table';
import { Time } from '../../components/Time';
import { formatBytes, isoOfMs } from '../../lib/format';
import { hrefOf, type SessionParams } from '../../lib/router';
import type { Loaded } from '../../lib/useApi';

const MEMORY = new Set(['memory', 'objectStoreMemory', 'object_store_memory']);

/** `CPU 8 · GPU 1 · memory 16 GiB`: the resources a person reads first (no per-node `node:<ip>` markers). */
export function resourceText(total: Record<string, number>): string {
  return Object.entries(total)
    .filter(([k]) => !k.startsWith('node:') && !k.startsWith('accelerator_type:'))
    .sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
    .map(
      ([k, v]) =>
        `${k === 'objectStoreMemory' || k === 'object_store_memory' ? 'object store' : k} ${MEMORY.has(k) ? formatBytes(v) : v}`,
    )
    .join(' · ');
}
const order = (k: string) => ['CPU', 'GPU', 'memory'].indexOf(k) + 1 || 9;

interface Row {
  key: string;
  storageNode: string | null;
  summary: NodeSummary | null;
}

/** Dashboard nodes (head first), then index-only nodes. */
export function nodeRows(summary: NodeSummary[], indexed: string[]): Row[] {
  const known = [...summary]
    .sort(
      (a, b) =>
        Number(b.raylet.isHeadNode) - Number(a.raylet.isHeadNode) ||
        a.raylet.startTimeMs - b.raylet.startTimeMs,
    )
    .map((n) => ({ key: n.raylet.nodeId, storageNode: n.storageNode, summary: n }));
  const named = new Set(known.map((r) => r.storageNode));
  return [
    ...known,
    ...indexed.filter((n) => !named.has(n)).map((n) => ({ key: n, storageNode: n, summary: null })),
  ];
}

export function NodesSection(props: {
  s: SessionParams;
  state: Loaded<NodesSummaryResponse>;
  retry: () => void;
  indexed: string[] | null;
}) {
  const { s, state, retry } = props;
  const rows =
    state.status === 'ok' && props.indexed !== null ? nodeRows(state.data.data.summary, props.indexed) : null;
  return (
    <section aria-labelledby="nodes-title">
      <h2 id="nodes-title">Nodes</h2>
      {state.status === 'error' ? (
        <ErrorState error={state.error} retry={retry} />
      ) : (
        <table class="grid nodes-table" aria-busy={rows === null}>
          <caption class="visually-hidden">Nodes, the head first</caption>
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">State</th>
              <th scope="col">IP</th>
              <th scope="col">Role</th>
              <th scope="col">Resources</th>
              <th scope="col">Started</th>
              <th scope="col">Ended</th>
            </tr>
          </thead>
          <tbody>
            {rows === null ? (
              <SkeletonRows rows={2} cols={7} />
            ) : (
              rows.map((r) => {
                const n = r.summary;
                return (
                  <tr key={r.key}>
                    <td>
                      {r.storageNode === null ? (
                        <ShortId id={r.key} />
                      ) : (
                        <a
                          class="mono"
                          href={hrefOf({ view: 'logs', ...s, node: r.storageNode })}
                          title="Its logs"
                        >
                          {r.storageNode}
                        </a>
                      )}
                    </td>
                    <td>
                      {n === null ? (
                        <span class="muted">logs only</span>
                      ) : (
                        <StateBadge state={n.raylet.state} />
                      )}
                    </td>
                    <td class="mono">{n?.ip ?? ''}</td>
                    <td>
                      {n === null ? '' : n.raylet.isHeadNode ? 'head' : 'worker'}
                      {n !== null && n.raylet.nodeTypeName !== '' && (
                        <span class="muted"> · {n.raylet.nodeTypeName}</span>
                      )}
                    </td>
                    <td
                      class="wrap"
                      title={
                        n === null
                          ? ''
                          : Object.entries(n.raylet.resourcesTotal)
                              .map(([k, v]) => `${k}: ${v}`)
                              .join('\n')
                      }
                    >
                      {n === null ? '' : resourceText(n.raylet.resourcesTotal)}
                    </td>
                    <td>{n !== null && <Time iso={isoOfMs(n.raylet.startTimeMs)} precise />}</td>
                    <td class="wrap">
                      {n !== null && n.raylet.endTimeMs > 0 && (
                        <Time iso={isoOfMs(n.raylet.endTimeMs)} precise />
                      )}
                      {n !== null && n.raylet.stateMessage !== '' && (
                        <span class="muted sub">{n.raylet.stateMessage}</span>
                      )}
                    </td>
                  </tr>
                );
              })
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}

/**
 * Which storage node (the collector's node name, e.g. the pod name) a Ray node id is. Storage keys a
 * node by the name its collector posted under; the dashboard by Ray's node id. Rule, first match wins:
 *
 * 1. NODE_DEFINITION's `hostname`, then `nodeName`, when it is a name events were posted under
 *    (newer Ray sends them; on Kubernetes the hostname is the pod name).
 * 2. The name under which events *emitted on that node* were posted: newer Ray stamps every event
 *    with the emitting process's node id (`RayEvent.nodeId`), and each node's aggregator posts its
 *    own node's events.
 * 3. The name under which task lifecycle events carrying that node id *with a RUNNING transition*
 *    were posted (only the executing worker reports RUNNING; the owner, which may be elsewhere, sends
 *    the pending states).
 * 4. The name under which the node's own NODE_DEFINITION/NODE_LIFECYCLE events were posted — but
 *    those come from the GCS, i.e. through the head node's aggregator, so this only holds when that
 *    name posted NODE_* events about this node alone, or when this node is the only head node among
 *    the nodes it posted about.
 * 5. `hostname`/`nodeName` even if nothing was posted under it; otherwise unknown (null).
 * Among several candidates of one rule the smallest name wins (deterministic, order-free).
 */
import type { NodeEvidence, NodeState } from './model.js';

/** True for the head node: KubeRay's head group label, or Ray's head resource. */
export function isHeadNode(n: NodeState): boolean {
  if (n.def?.labels?.['ray.io/node-group'] === 'headgroup') return true;
  return (n.transitions ?? []).some((t) => t.resources?.['node:__internal_head__'] !== undefined);
}

function posters(ev: NodeEvidence): Set<string> {
  const out = new Set(Object.keys(ev.nodePosts));
  for (const names of [...Object.values(ev.emitted), ...Object.values(ev.executed)])
    for (const n of names) out.add(n);
  return out;
}

/** Storage name per node id (null when nothing says). */
export function storageNames(nodes: NodeState[], ev: NodeEvidence): Map<string, string | null> {
  const posted = posters(ev);
  const heads = new Set(nodes.filter(isHeadNode).map((n) => n.nodeId));
  const ids = new Set([
    ...nodes.map((n) => n.nodeId),
    ...Object.keys(ev.emitted),
    ...Object.keys(ev.executed),
  ]);
  const byId = new Map(nodes.map((n) => [n.nodeId, n]));
  const out = new Map<string, string | null>();
  for (const id of [...ids].sort()) {
    const def = byId.get(id)?.def;
    const own = [def?.hostname, def?.nodeName].find((n) => n !== undefined && posted.has(n));
    const selfPosted = Object.entries(ev.nodePosts)
      .filter(([, about]) => about.includes(id))
      .filter(
        ([, about]) =>
          about.length === 1 || (heads.has(id) && about.filter((a) => heads.has(a)).length === 1),
      )
      .map(([name]) => name)
      .sort();
    out.set(
      id,
      own ??
        ev.emitted[id]?.[0] ??
        ev.executed[id]?.[0] ??
        selfPosted[0] ??
        def?.hostname ??
        def?.nodeName ??
        null,
    );
  }
  return out;
}

/**
 * The node id `idOrName` means: a node id (hex) the session knows, else the node whose storage
 * name it is (the smallest id when several share it); null when neither.
 */
export function resolveNodeId(idOrName: string, names: Map<string, string | null>): string | null {
  const lower = idOrName.toLowerCase();
  if (/^[0-9a-f]+$/.test(lower) && names.has(lower)) return lower;
  const hits = [...names.entries()].filter(([, n]) => n === idOrName).map(([id]) => id);
  return hits.sort()[0] ?? null;
}

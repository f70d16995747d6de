/**
 * The listings, read from the index only (the summary, or one cluster index): never a container
 * walk. An absent summary means nothing was indexed yet; a storage failure propagates (503), it is
 * never turned into an empty list.
 */
import type { BlobStore } from '../../storage/blobStore.js';
import { HttpError } from '../errors.js';
import { clusterIndexBlob, summaryIndexBlob } from '../layout.js';
import { newestFirst, tryParseSession, type SessionId } from '../session.js';
import type { ClusterIndex, SummaryIndex } from './schema.js';
import { CorruptIndexError, parseCluster, parseSummary } from './schema.js';

/** KubeRay's ClusterInfo. */
export interface KubeRayCluster {
  name: string;
  namespace: string;
  sessionName: string;
  createTime: string;
  createTimeStamp: number;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function readable<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof CorruptIndexError) throw new HttpError(500, 'index_corrupt', err.message);
    throw err;
  }
}

async function readSummary(store: BlobStore): Promise<SummaryIndex> {
  const blob = summaryIndexBlob();
  const text = await store.readText(blob);
  return readable(() => parseSummary(blob, text?.text ?? null)) ?? { schemaVersion: 1, clusters: [] };
}

/** `GET /api/clusters`: one entry per (cluster, session), newest first. */
export async function kubeRayClusters(store: BlobStore): Promise<KubeRayCluster[]> {
  const rows: { id: SessionId; row: KubeRayCluster }[] = [];
  for (const c of (await readSummary(store)).clusters) {
    for (const name of c.sessions) {
      const id = tryParseSession(name);
      if (id === null) continue;
      rows.push({
        id,
        row: {
          name: c.name,
          namespace: c.namespace,
          sessionName: name,
          createTime: id.createTime,
          createTimeStamp: id.createTimeStamp,
        },
      });
    }
  }
  return rows
    .sort(
      (a, b) =>
        newestFirst(a.id, b.id) || cmp(a.row.namespace, b.row.namespace) || cmp(a.row.name, b.row.name),
    )
    .map((r) => r.row);
}

/** `GET /api/v1/clusters`. */
export async function clustersV1(store: BlobStore) {
  const clusters = (await readSummary(store)).clusters.map((c) => ({
    namespace: c.namespace,
    name: c.name,
    // A cluster known only from metadata has the default clusterId, its namespace.
    clusterIds: c.clusterIds.length > 0 ? c.clusterIds : [c.namespace],
    sessions: c.sessions.length,
    latestSession: c.sessions[0] ?? null,
    lastActivity: c.lastActivity,
  }));
  return { clusters };
}

/** `GET /api/v1/clusters/{namespace}/{cluster}/sessions`; 404 for a cluster the index does not know. */
export async function clusterSessions(store: BlobStore, namespace: string, cluster: string) {
  const blob = clusterIndexBlob(namespace, cluster);
  const text = await store.readText(blob);
  const index: ClusterIndex | null = readable(() => parseCluster(blob, text?.text ?? null));
  if (index === null) {
    throw new HttpError(
      404,
      'cluster_not_found',
      `no cluster ${cluster} in namespace ${namespace} is indexed`,
    );
  }
  return {
    namespace: index.namespace,
    name: index.name,
    sessions: index.sessions.map((s) => ({
      sessionName: s.name,
      clusterId: s.clusterIds[0] ?? namespace,
      createTime: s.createTime,
      createTimeStamp: s.createTimeStamp,
      lastActivity: s.lastActivity,
      nodes: s.nodes,
      files: s.files,
      bytes: s.bytes,
    })),
  };
}

/**
 * Finds where a session's data lives. Query routes carry no clusterId in the path: the one given in
 * `?clusterId=` wins, else the one in the session's metadata.json, else the namespace (docs/api.md).
 */
import type { BlobStore } from '../../storage/blobStore.js';
import { clusterSessions } from '../index/read.js';
import { storeCache } from '../storeCache.js';
import { HttpError } from '../errors.js';
import { clusterIdOrDefault, metadataBlob, sessionPrefix, type SessionRef } from '../layout.js';
import { clusterIdName } from '../names.js';

/** A session as named by a query route. */
export interface SessionQuery {
  namespace: string;
  cluster: string;
  session: string;
  clusterId?: string | undefined;
}

/** A located session: where its logs and events live, and the names it was asked by. */
export interface LocatedSession extends SessionRef {
  namespace: string;
}

// metadata.json keeps the first clusterId it was given ("the first value stays"), so a clusterId
// found there never changes and can be remembered; an absent one is looked up again next time.
const known = (store: BlobStore) => storeCache<string>(store, 'clusterIds', 10_000);

function clusterIdFrom(text: string): string | undefined {
  try {
    const id = (JSON.parse(text) as { clusterId?: unknown }).clusterId;
    return typeof id === 'string' ? clusterIdName(id) : undefined;
  } catch {
    return undefined;
  }
}

/** Resolves the session's clusterId and so its storage prefix. */
export async function locateSession(store: BlobStore, q: SessionQuery): Promise<LocatedSession> {
  const base = { namespace: q.namespace, cluster: q.cluster, session: q.session };
  if (q.clusterId !== undefined) return { ...base, clusterId: clusterIdOrDefault(q.clusterId, q.namespace) };
  const blob = metadataBlob(q.namespace, q.cluster, q.session);
  let clusterId = known(store).get(blob);
  if (clusterId === undefined) {
    const meta = await store.readText(blob);
    clusterId = meta === null ? undefined : clusterIdFrom(meta.text);
    if (clusterId !== undefined) known(store).set(blob, clusterId);
  }
  return { ...base, clusterId: clusterIdOrDefault(clusterId, q.namespace) };
}

/** A session exists when it has metadata or any blob under its prefix. */
export async function sessionExists(store: BlobStore, s: LocatedSession): Promise<boolean> {
  const [meta, page] = await Promise.all([
    store.properties(metadataBlob(s.namespace, s.cluster, s.session)),
    store.list({ prefix: sessionPrefix(s), pageSize: 1 }),
  ]);
  return meta !== null || page.blobs.length > 0;
}

export function sessionNotFound(s: LocatedSession): HttpError {
  return new HttpError(
    404,
    'session_not_found',
    `no session ${s.session} of cluster ${s.namespace}/${s.cluster} (clusterId ${s.clusterId})`,
  );
}

/** 404 for something missing inside a session: `file_not_found`, unless the session itself is missing. */
export async function missingIn(store: BlobStore, s: LocatedSession, what: HttpError): Promise<HttpError> {
  return (await sessionExists(store, s)) ? what : sessionNotFound(s);
}

/** A session as a dashboard route names it: its id, or `latest` (the cluster's newest session). */
export interface SessionChoice {
  namespace: string;
  cluster: string;
  /** A session id, or `latest`. */
  session: string;
  clusterId?: string;
}

/**
 * Resolves `latest` to the cluster's newest indexed session (404 when the cluster or its sessions are
 * unknown), then locates the session as `locateSession` does.
 */
export async function resolveSession(store: BlobStore, q: SessionChoice): Promise<LocatedSession> {
  if (q.session !== 'latest') return locateSession(store, { ...q, session: q.session });
  const { sessions } = await clusterSessions(store, q.namespace, q.cluster, { limit: 1 });
  const newest = sessions[0];
  if (newest === undefined) {
    throw new HttpError(404, 'session_not_found', `cluster ${q.namespace}/${q.cluster} has no session yet`);
  }
  return {
    namespace: q.namespace,
    cluster: q.cluster,
    session: newest.sessionName,
    clusterId: clusterIdOrDefault(q.clusterId ?? newest.clusterId, q.namespace),
  };
}

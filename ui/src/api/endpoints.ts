/**
 * The API routes the UI reads, typed by the server's own schemas (src/schemas). The dashboard views
 * add their routes here the same way.
 */
import type { ClusterList, FileListing, SessionList } from './types';
import { getJson } from './client';

/** A session, as every session-scoped route names it. */
export interface SessionRef {
  namespace: string;
  cluster: string;
  session: string;
}

const seg = encodeURIComponent;

export const apiPaths = {
  clusters: () => '/api/v1/clusters',
  sessions: (namespace: string, cluster: string) =>
    `/api/v1/clusters/${seg(namespace)}/${seg(cluster)}/sessions`,
  session: (s: SessionRef) => `${apiPaths.sessions(s.namespace, s.cluster)}/${seg(s.session)}`,
  files: (s: SessionRef, prefix: string, cursor?: string) =>
    `${apiPaths.session(s)}/files?${new URLSearchParams({
      prefix,
      delimiter: '/',
      ...(cursor !== undefined && { cursor }),
    }).toString()}`,
  metadata: (s: SessionRef) => `${apiPaths.session(s)}/metadata`,
  /** A log file; `file` may hold `/`, each segment is encoded. */
  log: (s: SessionRef, node: string, file: string) =>
    `${apiPaths.session(s)}/logs/${seg(node)}/${file.split('/').map(seg).join('/')}`,
};

/**
 * Every page of a paged listing (`limit`/`cursor`, `nextCursor` until the last page), joined: the
 * views show whole lists, and a session older than the first page must still be found.
 */
async function allPages<T extends { nextCursor?: string | undefined }>(
  path: string,
  join: (all: T, next: T) => T,
  signal?: AbortSignal,
): Promise<T> {
  let all = await getJson<T>(path, signal);
  while (all.nextCursor !== undefined) {
    const next = await getJson<T>(
      `${path}?${new URLSearchParams({ cursor: all.nextCursor }).toString()}`,
      signal,
    );
    all = { ...join(all, next), nextCursor: next.nextCursor };
  }
  return all;
}

export const api = {
  clusters: (signal?: AbortSignal) =>
    allPages<ClusterList>(
      apiPaths.clusters(),
      (a, b) => ({ ...a, clusters: [...a.clusters, ...b.clusters] }),
      signal,
    ),
  sessions: (namespace: string, cluster: string, signal?: AbortSignal) =>
    allPages<SessionList>(
      apiPaths.sessions(namespace, cluster),
      (a, b) => ({ ...a, sessions: [...a.sessions, ...b.sessions] }),
      signal,
    ),
  files: (s: SessionRef, prefix: string, cursor?: string, signal?: AbortSignal) =>
    getJson<FileListing>(apiPaths.files(s, prefix, cursor), signal),
  metadata: (s: SessionRef, signal?: AbortSignal) =>
    getJson<Record<string, unknown>>(apiPaths.metadata(s), signal),
};

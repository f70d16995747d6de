/**
 * The listings, read from the index only: `GET /api/clusters` reads one document (the newest
 * sessions), `GET /api/v1/clusters` one (the summary), a page of `…/sessions` a cluster's head and
 * one to three pages. Never a container walk. An absent document means nothing was indexed yet; a
 * storage failure propagates (503), it is never turned into an empty list.
 */
import type { BlobStore } from '../../storage/blobStore.js';
import { HttpError } from '../errors.js';
import {
  JOURNAL,
  clusterHeadBlob,
  clusterPageBlob,
  parseMarkBlob,
  recentBlob,
  summaryBlob,
} from '../layout.js';
import { clusterName, namespaceName } from '../names.js';
import { tryParseSession } from '../session.js';
import { decodeCursor, encodeCursor } from '../query/cursor.js';
import { byNewest, entryOf, fold } from './facts.js';
import { decodeObservation } from './journal.js';
import { byCluster, byNewestRow, RECENT_CAP, type Row } from './globals.js';
import { lineOf, locatePage, refOf } from './pages.js';
import type { ClusterLine, SessionDoc, SessionEntry } from './schema.js';
import { CorruptIndexError, parse } from './schema.js';

/** KubeRay's ClusterInfo. */
export interface KubeRayCluster {
  name: string;
  namespace: string;
  sessionName: string;
  createTime: string;
  createTimeStamp: number;
}

async function readParsed<T>(
  store: BlobStore,
  blob: string,
  parser: (blob: string, text: string | null) => T | null,
): Promise<T | null> {
  const got = await store.readText(blob);
  try {
    return parser(blob, got?.text ?? null);
  } catch (err) {
    if (err instanceof CorruptIndexError) throw new HttpError(500, 'index_corrupt', err.message);
    throw err;
  }
}

/** How many waiting news marks `GET /api/clusters` reads (one listing page). */
export const WAITING_PAGE = 5000;

/**
 * The sessions named by news marks waiting in the journal (the first WAITING_PAGE marks): sessions
 * a trigger or ingest has seen and the compactor has not applied yet. Each will be in the index
 * after the next round, so a listing may show it now.
 */
async function waitingSessions(store: BlobStore): Promise<Row[]> {
  const page = await store.list({ prefix: `${JOURNAL}n/`, pageSize: WAITING_PAGE });
  const rows: Row[] = [];
  let last = '';
  for (const b of page.blobs) {
    const mark = parseMarkBlob(b.name);
    if (mark?.kind !== 'news') continue;
    const { namespace, cluster, session } = mark.key;
    const key = `${namespace}/${cluster}/${session}`;
    if (key !== last) rows.push([namespace, cluster, session]); // a session's marks are adjacent
    last = key;
  }
  return rows;
}

/** A cluster the index does not hold yet, as its waiting news marks describe it. */
interface WaitingCluster {
  namespace: string;
  name: string;
  /** Newest first, as the compactor's next round will enter them (from these marks alone). */
  sessions: SessionEntry[];
}

/**
 * The sessions whose news waits under `prefix` of the journal (one listing page, with the
 * observations the marks carry), folded as the compactor folds them, by cluster.
 */
async function waitingClusters(store: BlobStore, prefix: string): Promise<Map<string, WaitingCluster>> {
  const page = await store.list({ prefix, pageSize: WAITING_PAGE, includeMetadata: true });
  const docs = new Map<string, SessionDoc>();
  for (const b of page.blobs) {
    const mark = parseMarkBlob(b.name);
    const o = decodeObservation(b.metadata);
    if (mark?.kind !== 'news' || o === null) continue;
    const key = `${o.namespace}/${o.cluster}/${o.session}`;
    docs.set(key, fold(docs.get(key) ?? null, o));
  }
  const out = new Map<string, WaitingCluster>();
  for (const doc of docs.values()) {
    const key = `${doc.namespace}/${doc.cluster}`;
    let c = out.get(key);
    if (c === undefined) out.set(key, (c = { namespace: doc.namespace, name: doc.cluster, sessions: [] }));
    c.sessions.push(entryOf(doc, ''));
  }
  for (const c of out.values()) c.sessions.sort((a, b) => byNewest(a.name, b.name));
  return out;
}

/** The summary line a waiting cluster will get: the compactor's, of a head with one page of its sessions. */
function waitingLine(c: WaitingCluster): ClusterLine {
  return lineOf({
    schemaVersion: 2,
    namespace: c.namespace,
    name: c.name,
    pages: [refOf(0, c.sessions)],
    nextId: 1,
  });
}

/**
 * `GET /api/clusters`: one entry per (cluster, session), newest first, the newest RECENT_CAP: the
 * newest-sessions document, plus the sessions whose news still waits for the compactor (one
 * listing page of the journal), so a new session is listed as soon as its news is marked — during
 * a burst a compaction round can take tens of seconds.
 */
export async function kubeRayClusters(store: BlobStore): Promise<KubeRayCluster[]> {
  const [recent, waiting] = await Promise.all([
    readParsed(store, recentBlob(), parse.recent),
    waitingSessions(store),
  ]);
  let rows: Row[] = recent?.rows ?? [];
  if (waiting.length > 0) {
    const known = new Set(rows.map((r) => r.join('/')));
    const added = waiting.filter((r) => !known.has(r.join('/')));
    if (added.length > 0) rows = [...rows, ...added].sort(byNewestRow).slice(0, RECENT_CAP);
  }
  const out: KubeRayCluster[] = [];
  for (const [namespace, name, sessionName] of rows) {
    const id = tryParseSession(sessionName);
    if (id === null) continue;
    out.push({
      name,
      namespace,
      sessionName,
      createTime: id.createTime,
      createTimeStamp: id.createTimeStamp,
    });
  }
  return out;
}

export interface PageRequest {
  /** Entries per page (the routes allow 1–1000). */
  limit: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string | undefined;
}

const isPair = (v: unknown): v is [string, string] =>
  Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string');

/** `GET /api/v1/clusters`: clusters by namespace then name, a page at a time. */
export async function clustersV1(store: BlobStore, page: PageRequest) {
  const after = page.cursor === undefined ? null : decodeCursor(page.cursor, 'clusters', isPair);
  const [summary, waiting] = await Promise.all([
    readParsed(store, summaryBlob(), parse.summary),
    waitingClusters(store, `${JOURNAL}n/`),
  ]);
  let all = summary?.clusters ?? [];
  // Clusters the index does not hold yet: the lines the compactor's next round will write.
  const known = new Set(all.map((c) => `${c.namespace}/${c.name}`));
  const added = [...waiting.entries()].filter(([k]) => !known.has(k)).map(([, c]) => waitingLine(c));
  if (added.length > 0) all = [...all, ...added].sort(byCluster);
  const from =
    after === null
      ? 0
      : all.findIndex((c) => c.namespace > after[0] || (c.namespace === after[0] && c.name > after[1]));
  const slice = from < 0 ? [] : all.slice(from, from + page.limit);
  const clusters = slice.map((c) => ({
    namespace: c.namespace,
    name: c.name,
    // A cluster known only from metadata has the default clusterId, its namespace.
    clusterIds: c.clusterIds.length > 0 ? c.clusterIds : [c.namespace],
    sessions: c.sessions,
    latestSession: c.latestSession,
    lastActivity: c.lastActivity,
  }));
  const last = slice[slice.length - 1];
  const more = from >= 0 && from + page.limit < all.length && last !== undefined;
  return more
    ? { clusters, nextCursor: encodeCursor('clusters', [last.namespace, last.name]) }
    : { clusters };
}

/** A page of `…/sessions`; `nextCursor` only when more follows. */
export interface SessionsPage {
  namespace: string;
  name: string;
  sessions: ReturnType<typeof sessionOut>[];
  nextCursor?: string;
}

function sessionOut(s: SessionEntry, namespace: string) {
  return {
    sessionName: s.name,
    clusterId: s.clusterIds[0] ?? namespace,
    createTime: s.createTime,
    createTimeStamp: s.createTimeStamp,
    lastActivity: s.lastActivity,
    nodes: s.nodes,
    files: s.files,
    bytes: s.bytes,
  };
}

function clusterNotFound(namespace: string, cluster: string): HttpError {
  return new HttpError(
    404,
    'cluster_not_found',
    `no cluster ${cluster} in namespace ${namespace} is indexed`,
  );
}

/**
 * A page of a cluster the index does not hold yet, from its waiting news marks (the sessions the
 * compactor's next round will enter); 404 when none waits either.
 */
async function waitingSessionsPage(
  store: BlobStore,
  namespace: string,
  cluster: string,
  page: PageRequest,
  after: string | null,
  scope: string,
): Promise<SessionsPage> {
  const prefix = `${JOURNAL}n/${namespaceName(namespace)}_${clusterName(cluster)}/`;
  const c = (await waitingClusters(store, prefix)).get(`${namespace}/${cluster}`);
  if (c === undefined) throw clusterNotFound(namespace, cluster);
  const rest = after === null ? c.sessions : c.sessions.filter((s) => byNewest(s.name, after) > 0);
  const taken = rest.slice(0, page.limit);
  const body = { namespace, name: cluster, sessions: taken.map((s) => sessionOut(s, namespace)) };
  const last = taken[taken.length - 1];
  return rest.length > page.limit && last !== undefined
    ? { ...body, nextCursor: encodeCursor(scope, last.name) }
    : body;
}

/**
 * `GET /api/v1/clusters/{namespace}/{cluster}/sessions`: the cluster's sessions newest first, a page
 * at a time; 404 for a cluster the index does not know. The cursor is the last session served, so
 * a page stays right while sessions are added (a page the compactor replaced meanwhile is read again).
 */
export async function clusterSessions(
  store: BlobStore,
  namespace: string,
  cluster: string,
  page: PageRequest,
): Promise<SessionsPage> {
  const scope = `sessions/${namespace}/${cluster}`;
  const isName = (v: unknown): v is string => typeof v === 'string' && tryParseSession(v) !== null;
  const after = page.cursor === undefined ? null : decodeCursor(page.cursor, scope, isName);
  for (let attempt = 0; ; attempt++) {
    const head = await readParsed(store, clusterHeadBlob(namespace, cluster), parse.head);
    if (head === null) return waitingSessionsPage(store, namespace, cluster, page, after, scope);
    const taken: SessionEntry[] = [];
    let more = false;
    let stale = false;
    for (let at = after === null ? 0 : locatePage(head.pages, after); at < head.pages.length; at++) {
      const ref = head.pages[at];
      if (ref === undefined) break;
      const doc = await readParsed(store, clusterPageBlob(namespace, cluster, ref.id), parse.page);
      if (doc === null) {
        stale = true; // split or emptied since the head was read
        break;
      }
      for (const s of doc.sessions) {
        if (after !== null && byNewest(s.name, after) <= 0) continue;
        if (taken.length === page.limit) {
          more = true;
          break;
        }
        taken.push(s);
      }
      if (taken.length === page.limit) {
        more ||= at + 1 < head.pages.length; // pages are never empty
        break;
      }
    }
    if (stale && attempt < 3) continue;
    const sessions = taken.map((s) => sessionOut(s, namespace));
    const last = taken[taken.length - 1];
    const body = { namespace: head.namespace, name: head.name, sessions };
    return more && last !== undefined ? { ...body, nextCursor: encodeCursor(scope, last.name) } : body;
  }
}

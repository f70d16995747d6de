/**
 * The storage layout of docs/api.md, in one place: every blob name is built and parsed here, and every
 * name that goes into one is validated on the way in. Nothing else concatenates blob paths.
 */
import { invalidParameter } from './errors.js';
import { clusterIdName, clusterName, fileName, namespaceName, nodeName } from './names.js';
import { parseSession, tryParseSession } from './session.js';

/** Azure's longest blob name. */
export const MAX_BLOB_NAME = 1024;
/**
 * Marks the continuation segments of a log file that outgrew one append blob. `%` can never occur
 * in a file name, so a segment can never collide with a real file.
 */
export const SEGMENT_MARK = '%seg-';
export const INDEX_PREFIX = 'index/';

/** Where a session's data lives: `log/` is keyed by cluster and clusterId. */
export interface SessionRef {
  cluster: string;
  clusterId: string;
  session: string;
}

export type ParsedBlob =
  | ({ kind: 'log'; node: string; file: string; segment: number } & SessionRef)
  | ({ kind: 'nodeEvents'; node: string; stamp: string } & SessionRef)
  | ({ kind: 'jobEvents'; jobId: string; node: string; stamp: string } & SessionRef)
  | { kind: 'metadata'; namespace: string; cluster: string; session: string }
  | { kind: 'index'; path: string };

export type ParseResult = ParsedBlob | { kind: 'unknown'; reason: string };

function checked(name: string, field: string): string {
  if (name.length > MAX_BLOB_NAME) {
    throw invalidParameter(
      field,
      `${field} makes the blob name ${name.length} characters long (Azure allows ${MAX_BLOB_NAME})`,
    );
  }
  return name;
}

/** `log/<cluster>_<clusterId>/<session>/`: the prefix of everything a session stored under `log/`. */
export function sessionPrefix(ref: SessionRef): string {
  clusterName(ref.cluster);
  clusterIdName(ref.clusterId);
  parseSession(ref.session);
  return `log/${ref.cluster}_${ref.clusterId}/${ref.session}/`;
}

/** `log/<cluster>_<clusterId>/`: every session of one cluster id. */
export function clusterLogPrefix(cluster: string, clusterId: string): string {
  return `log/${clusterName(cluster)}_${clusterIdName(clusterId)}/`;
}

/** `…/<session>/logs/`: every node's log files. */
export function sessionLogsPrefix(ref: SessionRef): string {
  return `${sessionPrefix(ref)}logs/`;
}

/** `…/<session>/logs/<node>/`: one node's log files. */
export function nodeLogsPrefix(ref: SessionRef, node: string): string {
  return `${sessionLogsPrefix(ref)}${nodeName(node)}/`;
}

/** The blob holding segment `segment` (0 = the first) of a node's log file. */
export function logBlob(ref: SessionRef, node: string, file: string, segment = 0): string {
  const base = `${sessionPrefix(ref)}logs/${nodeName(node)}/${fileName(file)}`;
  if (!Number.isInteger(segment) || segment < 0 || segment > 999_999)
    throw new RangeError(`bad segment ${segment}`);
  return checked(segment === 0 ? base : `${base}${SEGMENT_MARK}${String(segment).padStart(6, '0')}`, 'file');
}

const STAMP = /^\d{8}T\d{9}Z-[a-z0-9]{4,32}$/;

/** `YYYYMMDDTHHMMSSmmmZ-<suffix>`: the UTC write time plus a unique suffix, so no write replaces another. */
export function eventStamp(at: Date, suffix: string): string {
  const iso = at.toISOString(); // 2026-01-27T10:52:59.123Z
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}${iso.slice(20, 23)}Z-${suffix}`;
  if (!STAMP.test(stamp)) throw new RangeError(`bad event stamp suffix ${JSON.stringify(suffix)}`);
  return stamp;
}

/** `…/node_events/<node>-<stamp>.json`. */
export function nodeEventsBlob(ref: SessionRef, node: string, stamp: string): string {
  if (!STAMP.test(stamp)) throw new RangeError(`bad event stamp ${stamp}`);
  return checked(`${sessionPrefix(ref)}node_events/${nodeName(node)}-${stamp}.json`, 'node');
}

/** `…/job_events/<jobId hex>/<node>-<stamp>.json`. */
export function jobEventsBlob(ref: SessionRef, jobIdHex: string, node: string, stamp: string): string {
  if (!/^[0-9a-f]{1,64}$/.test(jobIdHex))
    throw invalidParameter('jobId', `jobId ${JSON.stringify(jobIdHex)} is not lowercase hex`);
  if (!STAMP.test(stamp)) throw new RangeError(`bad event stamp ${stamp}`);
  return checked(`${sessionPrefix(ref)}job_events/${jobIdHex}/${nodeName(node)}-${stamp}.json`, 'node');
}

/** `metadir/<namespace>_<cluster>/`: every session's metadata of one cluster. */
export function metadataClusterPrefix(namespace: string, cluster: string): string {
  return `metadir/${namespaceName(namespace)}_${clusterName(cluster)}/`;
}

/** `metadir/<namespace>_<cluster>/<session>/metadata.json`. */
export function metadataBlob(namespace: string, cluster: string, session: string): string {
  parseSession(session);
  return `${metadataClusterPrefix(namespace, cluster)}${session}/metadata.json`;
}

/** The index's own blobs (docs/indexer.md), all under `index/v2/`. */
export const INDEX_V2 = `${INDEX_PREFIX}v2/`;

/** A session as the index keys it: by namespace (log/ paths name the clusterId instead). */
export interface SessionKey {
  namespace: string;
  cluster: string;
  session: string;
}

/** `<namespace>_<cluster>/<session>/`: a session key as a path, the order every listing of it uses. */
export function sessionKeyPath(k: SessionKey): string {
  parseSession(k.session);
  return `${namespaceName(k.namespace)}_${clusterName(k.cluster)}/${k.session}/`;
}

/** `<cluster>_<clusterId>/<session>/`: a log source (what `log/` holds for one clusterId) as a path. */
export function logSourcePath(ref: SessionRef): string {
  return sessionPrefix(ref).slice('log/'.length);
}

/** Splits `<a>_<b>/<session>/<tail>`; the parts are checked by the caller (or as a session key). */
function splitKeyPath(rest: string, tail: string): SessionKey | null {
  if (!rest.endsWith(tail)) return null;
  const [pair, session, ...more] = rest.slice(0, rest.length - tail.length).split('/');
  const at = (pair ?? '').indexOf('_');
  if (more.length !== 1 || more[0] !== '' || at <= 0 || session === undefined) return null;
  return { namespace: (pair ?? '').slice(0, at), cluster: (pair ?? '').slice(at + 1), session };
}

function parseKeyPath(rest: string, tail: string): SessionKey | null {
  const k = splitKeyPath(rest, tail);
  return k !== null && valid(() => sessionKeyPath(k)) ? k : null;
}

/** Where session docs live: `index/v2/sessions/`. */
export const SESSION_DOCS = `${INDEX_V2}sessions/`;

/**
 * A session's indexed facts: `index/v2/sessions/<namespace>_<cluster>/<session>/doc.json`. Named so
 * that it lists in the same order as the session's `metadir/…/metadata.json` (reconcile joins them).
 */
export function sessionDocBlob(k: SessionKey): string {
  return `${SESSION_DOCS}${sessionKeyPath(k)}doc.json`;
}

/** The session a session doc's name stands for, or null. */
export function parseSessionDocBlob(name: string): SessionKey | null {
  return name.startsWith(SESSION_DOCS) ? parseKeyPath(name.slice(SESSION_DOCS.length), 'doc.json') : null;
}

/** Where log-source entries live: `index/v2/logs/`. */
export const LOG_SOURCES = `${INDEX_V2}logs/`;

/**
 * The index's record that a log source exists (and for which namespaces):
 * `index/v2/logs/<cluster>_<clusterId>/<session>/src`, listing in the order of the source's blobs.
 */
export function logSourceBlob(ref: SessionRef): string {
  return `${LOG_SOURCES}${logSourcePath(ref)}src`;
}

/** The log source a log-source entry's name stands for, or null. */
export function parseLogSourceBlob(name: string): SessionRef | null {
  if (!name.startsWith(LOG_SOURCES)) return null;
  // A source path has the shape of a session key path: `<cluster>_<clusterId>/<session>/`.
  const k = splitKeyPath(name.slice(LOG_SOURCES.length), 'src');
  if (k === null) return null;
  const ref = { cluster: k.namespace, clusterId: k.cluster, session: k.session };
  return valid(() => logSourcePath(ref)) ? ref : null;
}

/** Where the per-cluster listing documents live: `index/v2/clusters/`. */
export const CLUSTER_DOCS = `${INDEX_V2}clusters/`;

/** The prefix of one cluster's listing documents: `index/v2/clusters/<namespace>_<cluster>/`. */
export function clusterDir(namespace: string, cluster: string): string {
  return `${CLUSTER_DOCS}${namespaceName(namespace)}_${clusterName(cluster)}/`;
}

/** A cluster's page table: `index/v2/clusters/<namespace>_<cluster>/head.json`. */
export function clusterHeadBlob(namespace: string, cluster: string): string {
  return `${clusterDir(namespace, cluster)}head.json`;
}

/** One page of a cluster's sessions, newest first: `index/v2/clusters/<namespace>_<cluster>/p-<id>.json`. */
export function clusterPageBlob(namespace: string, cluster: string, id: number): string {
  if (!Number.isSafeInteger(id) || id < 1) throw new RangeError(`bad page id ${id}`);
  return `${clusterDir(namespace, cluster)}p-${id}.json`;
}

/** All clusters with their counts: `index/v2/summary.json`. */
export function summaryBlob(): string {
  return `${INDEX_V2}summary.json`;
}

/** The newest sessions of all clusters (what `GET /api/clusters` serves): `index/v2/recent.json`. */
export function recentBlob(): string {
  return `${INDEX_V2}recent.json`;
}

/** The lock blob whose lease makes one compactor at a time: `index/v2/compactor.lock`. */
export function compactorLockBlob(): string {
  return `${INDEX_V2}compactor.lock`;
}

/** Where a reconcile run keeps its continuation: `index/v2/reconcile.json`. */
export function reconcileStateBlob(): string {
  return `${INDEX_V2}reconcile.json`;
}

/** Where index updates wait for the compactor: `index/v2/journal/`. */
export const JOURNAL = `${INDEX_V2}journal/`;

/** What a journal mark asks the compactor to do (docs/indexer.md, "The journal"). */
export type Mark =
  /** Fold the observation the mark carries (a blob that brought something new). */
  | { kind: 'news'; key: SessionKey; id: string }
  /** From `due` on (epoch seconds), re-read a source from storage: a clusterId's log source, or `null` for the metadata. */
  | { kind: 'relist'; key: SessionKey; due: number; source: string | null }
  /** Merge the contribution in the mark's body into a source (reconcile found it missing). */
  | { kind: 'merge'; key: SessionKey; source: string | null }
  /** Re-derive the session's listing entry from its doc (reconcile found it stale). */
  | { kind: 'entry'; key: SessionKey };

/** Stands for the metadata source in mark names (`~` is in no clusterId). */
const META_SOURCE = '~meta';
const KIND_DIR = { news: 'n', relist: 't', merge: 'm', entry: 'e' } as const;

/**
 * A mark's blob name. Marks that may be due later sort by their due time, after every mark due at
 * once, so one listing page holds the work that can be done now.
 */
export function markBlob(mark: Mark): string {
  const base = `${JOURNAL}${KIND_DIR[mark.kind]}/`;
  const source = (s: string | null) => (s === null ? META_SOURCE : clusterIdName(s));
  switch (mark.kind) {
    case 'news':
      if (!/^[0-9a-f]{8,40}$/.test(mark.id)) throw new RangeError(`bad mark id ${mark.id}`);
      return `${base}${sessionKeyPath(mark.key)}${mark.id}`;
    case 'relist':
      if (!Number.isSafeInteger(mark.due) || mark.due < 0 || mark.due > 9_999_999_999)
        throw new RangeError(`bad due time ${mark.due}`);
      return `${base}${String(mark.due).padStart(10, '0')}/${sessionKeyPath(mark.key)}${source(mark.source)}`;
    case 'merge':
      return `${base}${sessionKeyPath(mark.key)}${source(mark.source)}`;
    case 'entry':
      return `${base}${sessionKeyPath(mark.key)}entry`;
  }
}

/** The mark a journal blob name stands for, or null for a name no writer makes. */
export function parseMarkBlob(name: string): Mark | null {
  if (!name.startsWith(JOURNAL)) return null;
  const [dir, ...rest] = name.slice(JOURNAL.length).split('/');
  const last = rest.pop() ?? '';
  let due: number | undefined;
  if (dir === 't') {
    const d = rest.shift() ?? '';
    if (!/^\d{10}$/.test(d)) return null;
    due = Number(d);
  }
  const key = parseKeyPath(`${rest.join('/')}/`, '');
  if (key === null) return null;
  const source = last === META_SOURCE ? null : valid(() => clusterIdName(last)) ? last : undefined;
  if (dir === 'n') return /^[0-9a-f]{8,40}$/.test(last) ? { kind: 'news', key, id: last } : null;
  if (dir === 'e') return last === 'entry' ? { kind: 'entry', key } : null;
  if (source === undefined) return null;
  if (dir === 'm') return { kind: 'merge', key, source };
  return due === undefined ? null : { kind: 'relist', key, due, source };
}

/** The index documents of the first schema (`index/v1/`), which reconcile removes once it has built v2. */
export const LEGACY_INDEX = {
  prefixes: [`${INDEX_PREFIX}v1/sessions/`, `${INDEX_PREFIX}v1/clusters/`],
  summary: `${INDEX_PREFIX}v1/summary.json`,
};

/**
 * A scratch block blob holding one request's body until it is known to be within the limit:
 * `index/scratch/ingest/<id>`. Never under `log/` or `metadir/`, so no trigger or listing sees it.
 */
export function scratchBlob(id: string): string {
  if (!/^[a-z0-9-]{8,64}$/.test(id)) throw new RangeError(`bad scratch id ${id}`);
  return `${INDEX_PREFIX}scratch/ingest/${id}`;
}

/**
 * Segment `segment` of a session's log of ingested event ids (one per line), used to deduplicate
 * Ray events by `eventId`: `index/v1/events-seen/<cluster>_<clusterId>/<session>.ids[%seg-NNNNNN]`.
 */
export function eventsSeenBlob(ref: SessionRef, segment = 0): string {
  const base = `${INDEX_PREFIX}v1/events-seen/${sessionPrefix(ref).slice('log/'.length, -1)}.ids`;
  if (!Number.isInteger(segment) || segment < 0 || segment > 999_999)
    throw new RangeError(`bad segment ${segment}`);
  return segment === 0 ? base : `${base}${SEGMENT_MARK}${String(segment).padStart(6, '0')}`;
}

/** The dashboard's materialised state of one session: `index/v1/dashboard/<cluster>_<clusterId>/<session>/`. */
export function dashboardPrefix(ref: SessionRef): string {
  return `${INDEX_PREFIX}v1/dashboard/${sessionPrefix(ref).slice('log/'.length)}`;
}

/** The session's dashboard manifest (the one mutable document, swapped by ETag). */
export function dashboardManifestBlob(ref: SessionRef): string {
  return `${dashboardPrefix(ref)}manifest.json`;
}

/** The lock blob whose lease makes one compaction of the session run at a time. */
export function dashboardLockBlob(ref: SessionRef): string {
  return `${dashboardPrefix(ref)}lock`;
}

/** The kinds of immutable dashboard documents. */
export type DashboardDocKind = 'tasks' | 'profiles' | 'actors' | 'jobs' | 'nodes' | 'summary';
const DOC_KINDS = new Set<string>(['tasks', 'profiles', 'actors', 'jobs', 'nodes', 'summary']);
const SHARDED = new Set<string>(['tasks', 'profiles', 'actors']);
const DOC_VERSION = /^g\d{8}-[a-z0-9]{6,16}$/;

/**
 * One immutable dashboard document: `…/<kind>/<shard>.<version>.ndjson` for the sharded kinds
 * (`shard`: the hex prefix of the keys it holds, `_` for all), `…/<kind>.<version>.json` otherwise.
 * `version` is `g<generation, 8 digits>-<random>`, so no write ever replaces another.
 */
export function dashboardDocBlob(
  ref: SessionRef,
  kind: DashboardDocKind,
  version: string,
  shard = '',
): string {
  if (!DOC_KINDS.has(kind)) throw new RangeError(`bad dashboard document kind ${kind}`);
  if (!DOC_VERSION.test(version)) throw new RangeError(`bad dashboard document version ${version}`);
  if (!SHARDED.has(kind)) {
    if (shard !== '') throw new RangeError(`${kind} is not sharded`);
    return `${dashboardPrefix(ref)}${kind}.${version}.json`;
  }
  if (!/^[0-9a-f]{0,64}$/.test(shard)) throw new RangeError(`bad dashboard shard ${JSON.stringify(shard)}`);
  return `${dashboardPrefix(ref)}${kind}/${shard === '' ? '_' : shard}.${version}.ndjson`;
}

function valid(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch {
    return false;
  }
}

function splitPair(pair: string): [string, string] | null {
  const at = pair.indexOf('_');
  return at <= 0 ? null : [pair.slice(0, at), pair.slice(at + 1)];
}

function parseSessionBlob(rest: string[], ref: SessionRef): ParseResult {
  const [area, ...tail] = rest;
  if (area === 'logs' && tail.length >= 2) {
    const node = tail[0] ?? '';
    let file = tail.slice(1).join('/');
    let segment = 0;
    const mark = file.lastIndexOf(SEGMENT_MARK);
    if (mark >= 0) {
      const n = file.slice(mark + SEGMENT_MARK.length);
      if (!/^\d{6}$/.test(n) || Number(n) === 0) return { kind: 'unknown', reason: 'bad log segment number' };
      segment = Number(n);
      file = file.slice(0, mark);
    }
    if (!valid(() => nodeName(node)) || !valid(() => fileName(file)))
      return { kind: 'unknown', reason: 'bad node or file name' };
    return { kind: 'log', ...ref, node, file, segment };
  }
  const events = /^(.+)-(\d{8}T\d{9}Z-[a-z0-9]{4,32})\.json$/;
  if (area === 'node_events' && tail.length === 1) {
    const m = events.exec(tail[0] ?? '');
    if (m === null || !valid(() => nodeName(m[1] ?? '')))
      return { kind: 'unknown', reason: 'bad node event file name' };
    return { kind: 'nodeEvents', ...ref, node: m[1] ?? '', stamp: m[2] ?? '' };
  }
  if (area === 'job_events' && tail.length === 2 && /^[0-9a-f]{1,64}$/.test(tail[0] ?? '')) {
    const m = events.exec(tail[1] ?? '');
    if (m === null || !valid(() => nodeName(m[1] ?? '')))
      return { kind: 'unknown', reason: 'bad job event file name' };
    return { kind: 'jobEvents', ...ref, jobId: tail[0] ?? '', node: m[1] ?? '', stamp: m[2] ?? '' };
  }
  return { kind: 'unknown', reason: `unexpected path under the session: ${rest.join('/')}` };
}

/** Decodes any blob name of the layout; anything else is `unknown` with the reason. */
export function parseBlobName(name: string): ParseResult {
  if (name.startsWith(INDEX_PREFIX)) return { kind: 'index', path: name };
  const parts = name.split('/');
  const [root, pairText, session, ...rest] = parts;
  const pair = splitPair(pairText ?? '');
  if (pair === null || session === undefined || tryParseSession(session) === null) {
    return { kind: 'unknown', reason: 'not <root>/<a>_<b>/<session>/…' };
  }
  if (root === 'metadir') {
    const [namespace, cluster] = pair;
    if (rest.length !== 1 || rest[0] !== 'metadata.json')
      return { kind: 'unknown', reason: 'not a metadata.json' };
    if (!valid(() => namespaceName(namespace)) || !valid(() => clusterName(cluster))) {
      return { kind: 'unknown', reason: 'bad namespace or cluster' };
    }
    return { kind: 'metadata', namespace, cluster, session };
  }
  if (root === 'log') {
    const [cluster, clusterId] = pair;
    if (!valid(() => clusterName(cluster)) || !valid(() => clusterIdName(clusterId))) {
      return { kind: 'unknown', reason: 'bad cluster or clusterId' };
    }
    return parseSessionBlob(rest, { cluster, clusterId, session });
  }
  return { kind: 'unknown', reason: `unknown root ${JSON.stringify(root)}` };
}

/** The clusterId to use: the one given, else the namespace (upstream fixed the name/id mismatch this way). */
export function clusterIdOrDefault(clusterId: string | undefined, namespace: string): string {
  return clusterIdName(clusterId ?? namespaceName(namespace));
}

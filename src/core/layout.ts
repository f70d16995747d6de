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

/** The per-cluster session index: `index/v1/clusters/<namespace>_<cluster>.json`. */
export function clusterIndexBlob(namespace: string, cluster: string): string {
  return `${clusterIndexPrefix()}${namespaceName(namespace)}_${clusterName(cluster)}.json`;
}

/** One session's indexed facts (per file, per node): `index/v1/sessions/<namespace>_<cluster>/<session>.json`. */
export function sessionIndexBlob(namespace: string, cluster: string, session: string): string {
  parseSession(session);
  return `${sessionIndexPrefix()}${namespaceName(namespace)}_${clusterName(cluster)}/${session}.json`;
}

/** The prefix of every per-session facts document: `index/v1/sessions/`. */
export function sessionIndexPrefix(): string {
  return `${INDEX_PREFIX}v1/sessions/`;
}

/** The prefix of every per-cluster index: `index/v1/clusters/`. */
export function clusterIndexPrefix(): string {
  return `${INDEX_PREFIX}v1/clusters/`;
}

/** The summary of all clusters: `index/v1/summary.json`. */
export function summaryIndexBlob(): string {
  return `${INDEX_PREFIX}v1/summary.json`;
}

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

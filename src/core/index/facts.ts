/**
 * The index as a merge of facts. A blob becomes an Observation (from its name and its properties as
 * storage reports them); observations fold into a session's doc with set unions, minima and maxima,
 * so folding one twice or in any order gives the same doc, and folding every blob of a session gives
 * exactly what reconcile builds from a listing. Times are kept to the minute.
 */
import { parseBlobName, type SessionKey } from '../layout.js';
import { namespaceName } from '../names.js';
import { newestFirst, tryParseSession } from '../session.js';
import type { LogFacts, MetaFacts, SessionDoc, SessionEntry } from './schema.js';
import { canonical, SCHEMA_VERSION } from './schema.js';

const MINUTE = 60_000;

/** The properties of a blob the indexer reads (a subset of BlobProps). */
export interface ObservedProps {
  size: number;
  lastModified: Date;
  createdOn?: Date;
  metadata: Record<string, string>;
}

/** One blob, as a fact about its session. */
export interface Observation {
  namespace: string;
  cluster: string;
  session: string;
  clusterId?: string;
  node?: string;
  /** Log files only: `<node>/<file>`, the segment number and the segment's size. */
  file?: { key: string; segment: number; size: number };
  metadata?: true;
  /** Creation and last modification, floored to the minute (epoch ms). */
  created: number;
  modified: number;
}

export type Observed =
  { ok: true; observation: Observation } | { ok: false; kind: 'index' | 'skipped'; reason: string };

function floorMinute(at: Date): number {
  return Math.floor(at.getTime() / MINUTE) * MINUTE;
}

/** The `namespace` metadata of a blob (key case-insensitive), when it is a valid namespace. */
function metadataNamespace(metadata: Record<string, string>): string | undefined {
  const key = Object.keys(metadata).find((k) => k.toLowerCase() === 'namespace');
  const value = key === undefined ? undefined : metadata[key];
  return value !== undefined && isNamespace(value) ? value : undefined;
}

function isNamespace(value: string): boolean {
  try {
    namespaceName(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Turns a blob into an observation. A `log/` path names `<cluster>_<clusterId>`, not the namespace:
 * it comes from the blob's `namespace` metadata (set by ingest), else from the clusterId (which
 * defaults to the namespace); a blob with neither is skipped with the reason.
 */
export function observe(name: string, props: ObservedProps): Observed {
  const parsed = parseBlobName(name);
  if (parsed.kind === 'index') return { ok: false, kind: 'index', reason: 'the index’s own blob' };
  if (parsed.kind === 'unknown') return { ok: false, kind: 'skipped', reason: parsed.reason };
  const created = floorMinute(props.createdOn ?? props.lastModified);
  const modified = floorMinute(props.lastModified);
  if (parsed.kind === 'metadata') {
    const { namespace, cluster, session } = parsed;
    return { ok: true, observation: { namespace, cluster, session, metadata: true, created, modified } };
  }
  const namespace =
    metadataNamespace(props.metadata) ?? (isNamespace(parsed.clusterId) ? parsed.clusterId : undefined);
  if (namespace === undefined) {
    return {
      ok: false,
      kind: 'skipped',
      reason: `no namespace: no "namespace" metadata and clusterId ${JSON.stringify(parsed.clusterId)} is not a namespace`,
    };
  }
  const base = {
    namespace,
    cluster: parsed.cluster,
    session: parsed.session,
    clusterId: parsed.clusterId,
    node: parsed.node,
    created,
    modified,
  };
  if (parsed.kind !== 'log') return { ok: true, observation: base };
  const file = { key: `${parsed.node}/${parsed.file}`, segment: parsed.segment, size: props.size };
  return { ok: true, observation: { ...base, file } };
}

/** An empty doc for a session. */
export function emptyDoc(k: SessionKey): SessionDoc {
  return {
    schemaVersion: SCHEMA_VERSION,
    namespace: k.namespace,
    cluster: k.cluster,
    session: k.session,
    logs: {},
    meta: null,
  };
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

/** Two facts of one log source merged (unions, maxima, minima): what both saw. */
export function mergeLogFacts(a: LogFacts | undefined, b: LogFacts): LogFacts {
  if (a === undefined) return b;
  const files = { ...a.files };
  for (const [key, sizes] of Object.entries(b.files)) {
    const had = files[key] ?? {};
    const merged = { ...had };
    for (const [seg, size] of Object.entries(sizes)) merged[seg] = Math.max(had[seg] ?? 0, size);
    files[key] = merged;
  }
  return {
    files,
    nodes: union(a.nodes, b.nodes),
    first: Math.min(a.first, b.first),
    last: Math.max(a.last, b.last),
  };
}

/** Two metadata facts merged. */
export function mergeMeta(a: MetaFacts | null, b: MetaFacts | null): MetaFacts | null {
  if (a === null || b === null) return a ?? b;
  return { first: Math.min(a.first, b.first), last: Math.max(a.last, b.last) };
}

/** The log facts one observation of a log-source blob stands for. */
export function logFactsOf(o: Observation): LogFacts {
  const files = o.file === undefined ? {} : { [o.file.key]: { [String(o.file.segment)]: o.file.size } };
  return { files, nodes: o.node === undefined ? [] : [o.node], first: o.created, last: o.modified };
}

/** Folds an observation into a session's doc (a new object; `doc` is left as it was). */
export function fold(doc: SessionDoc | null, o: Observation): SessionDoc {
  const d = doc ?? emptyDoc(o);
  if (o.metadata === true) return { ...d, meta: mergeMeta(d.meta, { first: o.created, last: o.modified }) };
  const cid = o.clusterId ?? o.namespace;
  return { ...d, logs: { ...d.logs, [cid]: mergeLogFacts(d.logs[cid], logFactsOf(o)) } };
}

/** Log facts built from every blob of one source (a listing), by namespace. */
export function logFactsFrom(observations: Observation[]): Map<string, LogFacts> {
  const out = new Map<string, LogFacts>();
  for (const o of observations) out.set(o.namespace, mergeLogFacts(out.get(o.namespace), logFactsOf(o)));
  return out;
}

/**
 * What folding `o` into `doc` would change: nothing; only the growth of a log file the doc already
 * knows (its size and the activity times, which a trailing re-read makes exact); or news (a session,
 * source, file, segment or node not known yet, or metadata), which the compactor folds at once.
 */
export function classify(doc: SessionDoc | null, o: Observation): 'none' | 'growth' | 'news' {
  const next = fold(doc, o);
  if (doc !== null && canonical(next) === canonical(doc)) return 'none';
  const known = doc?.logs[o.clusterId ?? o.namespace];
  if (o.file === undefined || known === undefined) return 'news';
  const sizes = known.files[o.file.key];
  const grew =
    sizes?.[String(o.file.segment)] !== undefined &&
    o.node !== undefined &&
    known.nodes.includes(o.node) &&
    o.created >= known.first;
  return grew ? 'growth' : 'news';
}

/** True when a doc holds nothing (every source of the session is gone). */
export function isEmpty(doc: SessionDoc): boolean {
  return Object.keys(doc.logs).length === 0 && doc.meta === null;
}

/** RFC 3339 UTC without milliseconds, or null. */
export function isoTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The listing entry of a session, derived from its doc (stored at `etag`). */
export function entryOf(doc: SessionDoc, etag: string): SessionEntry {
  const id = tryParseSession(doc.session);
  const sources = Object.values(doc.logs);
  let bytes = 0;
  let files = 0;
  for (const s of sources) {
    for (const sizes of Object.values(s.files)) {
      files++;
      for (const size of Object.values(sizes)) bytes += size;
    }
  }
  const firsts = [...sources.map((s) => s.first), ...(doc.meta === null ? [] : [doc.meta.first])];
  const lasts = [...sources.map((s) => s.last), ...(doc.meta === null ? [] : [doc.meta.last])];
  return {
    name: doc.session,
    createTime: id?.createTime ?? '',
    createTimeStamp: id?.createTimeStamp ?? 0,
    clusterIds: Object.keys(doc.logs).sort(),
    nodes: sources.reduce<string[]>((all, s) => union(all, s.nodes), []),
    files,
    bytes,
    firstActivity: isoTime(firsts.length === 0 ? null : Math.min(...firsts)),
    lastActivity: isoTime(lasts.length === 0 ? null : Math.max(...lasts)),
    hasMetadata: doc.meta !== null,
    etag,
  };
}

/** Orders session names newest first (create time, microseconds, then name); every indexed name parses. */
export function byNewest(a: string, b: string): number {
  const x = tryParseSession(a);
  const y = tryParseSession(b);
  if (x === null || y === null) return a < b ? -1 : a > b ? 1 : 0;
  return newestFirst(x, y);
}

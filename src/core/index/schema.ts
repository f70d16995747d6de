/**
 * The index's JSON documents (schema version 2, under `index/v2/`; docs/indexer.md describes them).
 * Every document is written in canonical form (sorted keys, sorted sets), so two documents hold the
 * same facts exactly when their texts are equal.
 */

export const SCHEMA_VERSION = 2;

/** What one clusterId's log source (`log/<cluster>_<clusterId>/<session>/`) holds for a namespace. */
export interface LogFacts {
  /** Log files keyed `<node>/<file>`: the size in bytes of each segment seen (`"0"` is the first). */
  files: Record<string, Record<string, number>>;
  /** Nodes that sent logs or events. */
  nodes: string[];
  /** Earliest creation and latest modification of any blob of the source, floored to the minute (epoch ms). */
  first: number;
  last: number;
}

/** The session's metadata.json: its creation and last modification, floored to the minute. */
export interface MetaFacts {
  first: number;
  last: number;
}

/** One session's facts: `index/v2/sessions/<namespace>_<cluster>/<session>/doc.json`. */
export interface SessionDoc {
  schemaVersion: 2;
  namespace: string;
  cluster: string;
  session: string;
  /** One entry per clusterId whose log source holds blobs of this session. */
  logs: Record<string, LogFacts>;
  meta: MetaFacts | null;
}

/** A session as its cluster's pages list it (derived from its doc). */
export interface SessionEntry {
  name: string;
  createTime: string;
  createTimeStamp: number;
  clusterIds: string[];
  nodes: string[];
  files: number;
  bytes: number;
  firstActivity: string | null;
  lastActivity: string | null;
  hasMetadata: boolean;
  /** The ETag of the doc this entry was derived from (reconcile compares them). */
  etag: string;
}

/** One page's line in its cluster's head. */
export interface PageRef {
  id: number;
  /** The page's newest session (its first entry). */
  first: string;
  count: number;
  lastActivity: string | null;
  clusterIds: string[];
}

/** A cluster's page table: `index/v2/clusters/<namespace>_<cluster>/head.json`. */
export interface ClusterHead {
  schemaVersion: 2;
  namespace: string;
  name: string;
  /** Newest first; together they hold every session of the cluster once. */
  pages: PageRef[];
  nextId: number;
}

/** One page of a cluster's sessions: `…/p-<id>.json`. */
export interface ClusterPage {
  schemaVersion: 2;
  /** Newest first. */
  sessions: SessionEntry[];
}

/** A cluster's line in the summary. */
export interface ClusterLine {
  namespace: string;
  name: string;
  clusterIds: string[];
  sessions: number;
  latestSession: string | null;
  lastActivity: string | null;
}

/** All clusters: `index/v2/summary.json`. */
export interface SummaryDoc {
  schemaVersion: 2;
  /** Ordered by namespace, then name. */
  clusters: ClusterLine[];
}

/** The newest sessions of all clusters: `index/v2/recent.json`. */
export interface RecentDoc {
  schemaVersion: 2;
  /** `[namespace, cluster, session]`, newest first, at most RECENT_CAP. */
  rows: [string, string, string][];
}

/** A stored index document that does not parse or has another schema version. */
export class CorruptIndexError extends Error {
  constructor(
    readonly blob: string,
    why: string,
  ) {
    super(`index blob ${blob} is unreadable (${why}); run \`npm run reindex\` to rebuild it`);
    this.name = 'CorruptIndexError';
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}

/** The canonical text of a document: keys sorted at every level. */
export function canonical(doc: unknown): string {
  return JSON.stringify(sortKeys(doc));
}

type Shape = 'session' | 'head' | 'page' | 'summary' | 'recent';

const REQUIRED: Record<Shape, Record<string, 'string' | 'object' | 'number'>> = {
  session: { namespace: 'string', cluster: 'string', session: 'string', logs: 'object' },
  head: { namespace: 'string', name: 'string', pages: 'object', nextId: 'number' },
  page: { sessions: 'object' },
  summary: { clusters: 'object' },
  recent: { rows: 'object' },
};

function parseAs<T>(shape: Shape, blob: string, text: string | null): T | null {
  if (text === null) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new CorruptIndexError(blob, 'not JSON');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw new CorruptIndexError(blob, 'not an object');
  const d = doc as Record<string, unknown>;
  if (d.schemaVersion !== SCHEMA_VERSION)
    throw new CorruptIndexError(blob, `schemaVersion ${JSON.stringify(d.schemaVersion)}, expected 2`);
  for (const [key, type] of Object.entries(REQUIRED[shape])) {
    if (typeof d[key] !== type || d[key] === null) throw new CorruptIndexError(blob, `no ${key}`);
  }
  return doc as T;
}

/** Parsers by document kind: null when absent; CorruptIndexError when unreadable. */
export const parse = {
  session: (blob: string, text: string | null) => parseAs<SessionDoc>('session', blob, text),
  head: (blob: string, text: string | null) => parseAs<ClusterHead>('head', blob, text),
  page: (blob: string, text: string | null) => parseAs<ClusterPage>('page', blob, text),
  summary: (blob: string, text: string | null) => parseAs<SummaryDoc>('summary', blob, text),
  recent: (blob: string, text: string | null) => parseAs<RecentDoc>('recent', blob, text),
};

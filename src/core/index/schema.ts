/**
 * The index's JSON documents (schema version 1, under `index/v1/`; docs/indexer.md describes them).
 * Every document is written in canonical form (sorted keys, sorted sets), so two documents hold the
 * same facts exactly when their texts are equal.
 */

export const SCHEMA_VERSION = 1;

/** What the index knows about one log file: its segments' sizes and when it last changed. */
export interface FileFacts {
  /** Size in bytes of each segment seen, keyed by segment number (`"0"` is the first). */
  sizes: Record<string, number>;
  /** Last modification, floored to the minute (epoch ms). */
  minute: number;
}

/** One session's facts: `index/v1/sessions/<namespace>_<cluster>/<session>.json`. */
export interface SessionFacts {
  schemaVersion: 1;
  namespace: string;
  cluster: string;
  session: string;
  /** Cluster ids seen under `log/` for this session. */
  clusterIds: string[];
  hasMetadata: boolean;
  /** Nodes that sent logs or events. */
  nodes: string[];
  /** Log files keyed `<node>/<file>`. */
  files: Record<string, FileFacts>;
  /** Earliest creation and latest modification of any blob of the session, floored to the minute. */
  firstActivity: number | null;
  lastActivity: number | null;
}

/** A session as the cluster index lists it (derived from its facts). */
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
}

/** One cluster: `index/v1/clusters/<namespace>_<cluster>.json`. */
export interface ClusterIndex {
  schemaVersion: 1;
  namespace: string;
  name: string;
  clusterIds: string[];
  /** Newest first. */
  sessions: SessionEntry[];
}

/** One cluster in the summary. */
export interface ClusterSummary {
  namespace: string;
  name: string;
  clusterIds: string[];
  /** Session names, newest first. */
  sessions: string[];
  lastActivity: string | null;
}

/** All clusters: `index/v1/summary.json`. */
export interface SummaryIndex {
  schemaVersion: 1;
  /** Ordered by namespace, then name. */
  clusters: ClusterSummary[];
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

type Shape = 'facts' | 'cluster' | 'summary';

const REQUIRED: Record<Shape, Record<string, 'string' | 'object' | 'boolean'>> = {
  facts: {
    namespace: 'string',
    cluster: 'string',
    session: 'string',
    files: 'object',
    hasMetadata: 'boolean',
  },
  cluster: { namespace: 'string', name: 'string', sessions: 'object', clusterIds: 'object' },
  summary: { clusters: 'object' },
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
    throw new CorruptIndexError(blob, `schemaVersion ${JSON.stringify(d.schemaVersion)}, expected 1`);
  for (const [key, type] of Object.entries(REQUIRED[shape])) {
    if (typeof d[key] !== type || d[key] === null) throw new CorruptIndexError(blob, `no ${key}`);
  }
  return doc as T;
}

/** Parses session facts; null when absent; CorruptIndexError when unreadable. */
export function parseFacts(blob: string, text: string | null): SessionFacts | null {
  return parseAs<SessionFacts>('facts', blob, text);
}

/** Parses a cluster index; null when absent; CorruptIndexError when unreadable. */
export function parseCluster(blob: string, text: string | null): ClusterIndex | null {
  return parseAs<ClusterIndex>('cluster', blob, text);
}

/** Parses the summary; null when absent; CorruptIndexError when unreadable. */
export function parseSummary(blob: string, text: string | null): SummaryIndex | null {
  return parseAs<SummaryIndex>('summary', blob, text);
}

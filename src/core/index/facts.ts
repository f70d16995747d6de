/**
 * The index as a merge of facts. A blob becomes an Observation (from its name and its properties as
 * storage reports them); observations merge into a session's facts with set unions, minima and
 * maxima, so applying one twice or in any order gives the same facts. Times are kept to the minute
 * and a known file's size is refreshed only when its minute advances: that is what keeps the index
 * from being rewritten on every append (docs/indexer.md, "Exact and approximate").
 */
import { parseBlobName } from '../layout.js';
import { namespaceName } from '../names.js';
import type { SessionFacts } from './schema.js';
import { SCHEMA_VERSION } from './schema.js';

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

/** Empty facts for a session. */
export function emptyFacts(namespace: string, cluster: string, session: string): SessionFacts {
  return {
    schemaVersion: SCHEMA_VERSION,
    namespace,
    cluster,
    session,
    clusterIds: [],
    hasMetadata: false,
    nodes: [],
    files: {},
    firstActivity: null,
    lastActivity: null,
  };
}

function union(set: string[], value: string | undefined): string[] {
  return value === undefined || set.includes(value) ? set : [...set, value].sort();
}

function mergeFile(files: SessionFacts['files'], o: Observation): SessionFacts['files'] {
  if (o.file === undefined) return files;
  const { key, segment, size } = o.file;
  const seg = String(segment);
  const known = files[key];
  if (known === undefined) return { ...files, [key]: { sizes: { [seg]: size }, minute: o.modified } };
  const had = known.sizes[seg];
  // Within the minute already recorded, growth is not news (this is what bounds index writes).
  if (had !== undefined && o.modified <= known.minute) return files;
  const sizes = { ...known.sizes, [seg]: Math.max(had ?? 0, size) };
  return { ...files, [key]: { sizes, minute: Math.max(known.minute, o.modified) } };
}

/** Merges an observation into a session's facts (a new object; `facts` is left as it was). */
export function mergeObservation(facts: SessionFacts | null, o: Observation): SessionFacts {
  const f = facts ?? emptyFacts(o.namespace, o.cluster, o.session);
  return {
    ...f,
    clusterIds: union(f.clusterIds, o.clusterId),
    hasMetadata: f.hasMetadata || o.metadata === true,
    nodes: union(f.nodes, o.node),
    files: mergeFile(f.files, o),
    firstActivity: f.firstActivity === null ? o.created : Math.min(f.firstActivity, o.created),
    lastActivity: f.lastActivity === null ? o.modified : Math.max(f.lastActivity, o.modified),
  };
}

/**
 * `api/v0/cluster_metadata` and `timezone` for a dead session. Neither exists in Ray's logs; the
 * collector (or a batch's `metadata`) records what it can read on the live cluster into the
 * session's metadata.json, where these answers come from. What was never recorded is left out
 * (cluster_metadata) or empty (timezone, upstream's `{"offset":"","value":""}`): never an error.
 */
import type { BlobStore } from '../../storage/blobStore.js';
import { metadataBlob } from '../layout.js';
import { sessionExists, sessionNotFound, type LocatedSession } from '../query/locate.js';

/** The `data` of Ray's cluster_metadata answer; each field only when it was recorded. */
export interface ClusterMetadata {
  rayVersion?: string;
  pythonVersion?: string;
  sessionId?: string;
  gitCommit?: string;
  os?: string;
  rayInitCluster?: boolean;
  sessionName: string;
}

export interface Timezone {
  offset: string;
  value: string;
}

const STRING_FIELDS = ['rayVersion', 'pythonVersion', 'sessionId', 'gitCommit', 'os'] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

async function readMetadata(store: BlobStore, s: LocatedSession): Promise<Record<string, unknown>> {
  const doc = await store.readText(metadataBlob(s.namespace, s.cluster, s.session));
  if (doc === null) {
    if (!(await sessionExists(store, s))) throw sessionNotFound(s);
    return {};
  }
  try {
    const v = JSON.parse(doc.text) as unknown;
    return isObject(v) ? v : {};
  } catch {
    return {};
  }
}

/**
 * The session's cluster metadata: from metadata.json's own keys (`rayVersion` or `ray_version`, …)
 * or a `clusterMetadata` object holding the live dashboard's answer (`data` or the bare object).
 */
export async function clusterMetadata(store: BlobStore, s: LocatedSession): Promise<ClusterMetadata> {
  const meta = await readMetadata(store, s);
  const nested = isObject(meta.clusterMetadata) ? meta.clusterMetadata : {};
  const sources = [isObject(nested.data) ? nested.data : nested, meta];
  const pick = (k: string): unknown => {
    for (const src of sources) {
      const v = src[k] ?? src[snake(k)];
      if (v !== undefined) return v;
    }
    return undefined;
  };
  const out: ClusterMetadata = { sessionName: s.session };
  for (const k of STRING_FIELDS) {
    const v = pick(k);
    if (typeof v === 'string' && v !== '') out[k] = v;
  }
  const init = pick('rayInitCluster');
  if (typeof init === 'boolean') out.rayInitCluster = init;
  return out;
}

/** The cluster's timezone as recorded (`timezone: {offset, value}` or a bare name), else empty. */
export async function timezoneOf(store: BlobStore, s: LocatedSession): Promise<Timezone> {
  const tz = (await readMetadata(store, s)).timezone;
  if (isObject(tz) && typeof tz.offset === 'string' && typeof tz.value === 'string') {
    return { offset: tz.offset, value: tz.value };
  }
  if (typeof tz === 'string') return { offset: '', value: tz };
  return { offset: '', value: '' };
}

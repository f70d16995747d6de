/**
 * Session metadata (`metadir/<namespace>_<cluster>/<session>/metadata.json`): written by the first
 * accepted ingest of a session, merged later with the first value of every key kept.
 */
import { storeCache } from '../storeCache.js';
import type { BlobStore } from '../../storage/blobStore.js';
import { noteCreated } from '../index/journal.js';
import { metadataBlob } from '../layout.js';
import { parseSession } from '../session.js';

export interface SessionTarget {
  namespace: string;
  cluster: string;
  clusterId: string;
  session: string;
}

export type MetadataOutcome = 'written' | 'merged' | 'unchanged';

const JSON_TYPE = 'application/json; charset=utf-8';

// Per store: metadata files known to exist, so that the hot path does no I/O for them.
const known = (store: BlobStore) => storeCache<true>(store, 'metadataWritten', 10_000);

/** The fields every metadata.json holds. */
export function baseMetadata(t: SessionTarget): Record<string, unknown> {
  const s = parseSession(t.session);
  return {
    namespace: t.namespace,
    cluster: t.cluster,
    clusterId: t.clusterId,
    session: t.session,
    createTime: s.createTime,
    createTimeStamp: s.createTimeStamp,
  };
}

/** Adds the keys of `extra` that `current` lacks (the first value of a key stays). */
function merged(
  current: Record<string, unknown>,
  extra: Record<string, unknown>,
): Record<string, unknown> | null {
  const add = Object.entries(extra).filter(([k]) => !Object.prototype.hasOwnProperty.call(current, k));
  return add.length === 0 ? null : { ...current, ...Object.fromEntries(add) };
}

function parseDoc(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // A damaged document is replaced by a merge of what we know (below).
  }
  return {};
}

/**
 * Writes the session's metadata if missing and merges `extra` into it. Cheap when the file is
 * known to exist and there is nothing to add.
 */
export async function ensureMetadata(
  store: BlobStore,
  t: SessionTarget,
  extra: Record<string, unknown> = {},
): Promise<MetadataOutcome> {
  const name = metadataBlob(t.namespace, t.cluster, t.session);
  const base = baseMetadata(t);
  if (Object.keys(extra).length === 0) {
    if (known(store).has(name)) return 'unchanged';
    const created = await store.create(name, JSON.stringify(base), JSON_TYPE);
    if (created !== null) await noteCreated(store, name, created.lastModified, created.lastModified);
    known(store).set(name, true);
    return created !== null ? 'written' : 'unchanged';
  }
  const r = await store.update(
    name,
    (text) => {
      if (text === null) return JSON.stringify(merged(base, extra) ?? base);
      const doc = parseDoc(text);
      const next = merged(doc, { ...base, ...extra });
      return next === null ? null : JSON.stringify(next);
    },
    JSON_TYPE,
  );
  if (r.created) {
    // The update does not answer the blob's times: read them (once per new session).
    const props = await store.properties(name);
    if (props !== null)
      await noteCreated(store, name, props.createdOn ?? props.lastModified, props.lastModified);
  }
  known(store).set(name, true);
  return r.created ? 'written' : r.written ? 'merged' : 'unchanged';
}

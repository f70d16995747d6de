/**
 * Reading a session's sources from storage, exactly: every blob of one clusterId's log source (a
 * listing of `log/<cluster>_<clusterId>/<session>/`), or its metadata.json. The compactor replaces
 * what the index holds for a source with what these return (trailing re-reads, reconcile's fixes).
 */
import type { BlobProps, BlobStore } from '../../storage/blobStore.js';
import { metadataBlob, sessionPrefix, type SessionKey, type SessionRef } from '../layout.js';
import { logFactsFrom, observe, type Observation } from './facts.js';
import type { LogFacts, MetaFacts } from './schema.js';

/** Calls `each` for every blob under `prefix`, page by page (5,000 a page, with metadata). */
export async function eachBlob(
  store: BlobStore,
  prefix: string,
  each: (b: BlobProps) => void,
): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await store.list({
      prefix,
      pageSize: 5000,
      includeMetadata: true,
      ...(cursor && { cursor }),
    });
    page.blobs.forEach(each);
    cursor = page.cursor;
  } while (cursor !== undefined);
}

/** The log facts a source holds now, by namespace (a blob's namespace comes from its metadata). */
export async function readLogSource(store: BlobStore, ref: SessionRef): Promise<Map<string, LogFacts>> {
  const observations: Observation[] = [];
  await eachBlob(store, sessionPrefix(ref), (b) => {
    const o = observe(b.name, b);
    if (o.ok) observations.push(o.observation);
  });
  return logFactsFrom(observations);
}

/** The session's metadata facts now, or null when it has no metadata.json. */
export async function readMeta(store: BlobStore, key: SessionKey): Promise<MetaFacts | null> {
  const name = metadataBlob(key.namespace, key.cluster, key.session);
  const props = await store.properties(name);
  if (props === null) return null;
  const o = observe(name, props);
  return o.ok ? { first: o.observation.created, last: o.observation.modified } : null;
}

/** A session's metadata.json (docs/api.md `…/metadata`), as stored. */
import type { BlobStore, Versioned } from '../../storage/blobStore.js';
import { HttpError } from '../errors.js';
import { metadataBlob } from '../layout.js';
import { missingIn, type LocatedSession } from './locate.js';

/** The stored metadata.json text and its ETag; 404 when there is none. */
export async function readMetadata(store: BlobStore, s: LocatedSession): Promise<Versioned> {
  const meta = await store.readText(metadataBlob(s.namespace, s.cluster, s.session));
  if (meta !== null) return meta;
  throw await missingIn(
    store,
    s,
    new HttpError(404, 'metadata_not_found', `session ${s.session} has data but no metadata.json yet`),
  );
}

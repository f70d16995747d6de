import type { InvocationContext } from '@azure/functions';
import { registerBlobTrigger } from '../app/register.js';
import type { Deps } from '../app/deps.js';
import { indexerFor } from '../core/index/indexer.js';
import { blobNameFrom, onBlobNotification } from '../core/index/trigger.js';

/** Indexes one of the `metadata.json` blobs under `metadir/` (a deferred binding: a reference, not the bytes; properties are re-read). */
export const indexMetadataBlob = ({ store }: Pick<Deps, 'store'>) => {
  // The same indexer as indexLogBlob's (one per store), so the debounced compaction is shared.
  const indexer = indexerFor(store);
  return async (_blob: unknown, context: InvocationContext): Promise<void> => {
    await onBlobNotification(indexer, blobNameFrom(context.triggerMetadata, 'metadir'), context);
  };
};

registerBlobTrigger('indexMetadataBlob', 'metadir', indexMetadataBlob);

import type { InvocationContext } from '@azure/functions';
import { registerBlobTrigger } from '../app/register.js';
import type { Deps } from '../app/deps.js';
import { indexerFor } from '../core/index/indexer.js';
import { blobNameFrom, onBlobNotification, propsFromTrigger } from '../core/index/trigger.js';

/** Indexes one of the `metadata.json` blobs under `metadir/` (a deferred binding: a reference, not the bytes; properties as the host read them, else re-read). */
export const indexMetadataBlob = ({ store }: Pick<Deps, 'store'>) => {
  // The same indexer as indexLogBlob's (one per store), so the debounced compaction is shared.
  const indexer = indexerFor(store);
  return async (_blob: unknown, context: InvocationContext): Promise<void> => {
    await onBlobNotification(
      indexer,
      blobNameFrom(context.triggerMetadata, 'metadir'),
      context,
      propsFromTrigger(context.triggerMetadata),
    );
  };
};

registerBlobTrigger('indexMetadataBlob', 'metadir', indexMetadataBlob);

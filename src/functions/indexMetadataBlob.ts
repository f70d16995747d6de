import type { InvocationContext } from '@azure/functions';
import { registerBlobTrigger } from '../app/register.js';
import type { Deps } from '../app/deps.js';
import { blobNameFrom, onBlobNotification } from '../core/index/trigger.js';

/** Indexes one of the `metadata.json` blobs under `metadir/` (a deferred binding: a reference, not the bytes). */
export const indexMetadataBlob =
  ({ store }: Pick<Deps, 'store'>) =>
  async (_blob: unknown, context: InvocationContext): Promise<void> => {
    await onBlobNotification(store, blobNameFrom(context.triggerMetadata, 'metadir'), context);
  };

registerBlobTrigger('indexMetadataBlob', 'metadir', indexMetadataBlob);

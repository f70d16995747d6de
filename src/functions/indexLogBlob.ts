import type { InvocationContext } from '@azure/functions';
import { registerBlobTrigger } from '../app/register.js';
import type { Deps } from '../app/deps.js';
import { onEventFile } from '../core/dashboard/index.js';
import { indexerFor } from '../core/index/indexer.js';
import { blobNameFrom, onBlobNotification } from '../core/index/trigger.js';

/** Indexes one of the blobs under `log/` (a deferred binding: the host passes a reference, not the bytes; properties are re-read). */
export const indexLogBlob = ({ store }: Pick<Deps, 'store'>) => {
  const indexer = indexerFor(store);
  return async (_blob: unknown, context: InvocationContext): Promise<void> => {
    const name = blobNameFrom(context.triggerMetadata, 'log');
    await onBlobNotification(indexer, name, context);
    await onEventFile(store, name ?? '', { waitMs: 20_000 });
  };
};

registerBlobTrigger('indexLogBlob', 'log', indexLogBlob);

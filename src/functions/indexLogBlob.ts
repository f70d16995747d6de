import type { InvocationContext } from '@azure/functions';
import { registerBlobTrigger } from '../app/register.js';
import type { Deps } from '../app/deps.js';
import { onEventFile } from '../core/dashboard/index.js';
import { indexerFor } from '../core/index/indexer.js';
import { blobNameFrom, onBlobNotification, propsFromTrigger } from '../core/index/trigger.js';

/** Indexes one of the blobs under `log/` (a deferred binding: the host passes a reference, not the bytes; properties as the host read them, else re-read). */
export const indexLogBlob = ({ store }: Pick<Deps, 'store'>) => {
  const indexer = indexerFor(store);
  return async (_blob: unknown, context: InvocationContext): Promise<void> => {
    const name = blobNameFrom(context.triggerMetadata, 'log');
    await onBlobNotification(indexer, name, context, propsFromTrigger(context.triggerMetadata));
    await onEventFile(store, name ?? '', { waitMs: 20_000 });
  };
};

registerBlobTrigger('indexLogBlob', 'log', indexLogBlob);

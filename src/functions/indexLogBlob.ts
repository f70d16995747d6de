import type { InvocationContext } from '@azure/functions';
import { registerBlobTrigger } from '../app/register.js';
import type { Deps } from '../app/deps.js';
import { blobNameFrom, onBlobNotification } from '../core/index/trigger.js';

/** Indexes one of the blobs under `log/` (a deferred binding: the host passes a reference, not the bytes; properties are re-read). */
export const indexLogBlob =
  ({ store }: Pick<Deps, 'store'>) =>
  async (_blob: unknown, context: InvocationContext): Promise<void> => {
    await onBlobNotification(store, blobNameFrom(context.triggerMetadata, 'log'), context);
  };

registerBlobTrigger('indexLogBlob', 'log', indexLogBlob);

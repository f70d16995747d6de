import type { InvocationContext } from '@azure/functions';
import { registerBlobTrigger } from '../app/register.js';
import type { Deps } from '../app/deps.js';
import { onEventFile } from '../core/dashboard/index.js';
import { blobNameFrom, onBlobNotification } from '../core/index/trigger.js';

/** Indexes one of the blobs under `log/` (a deferred binding: the host passes a reference, not the bytes; properties are re-read). */
export const indexLogBlob =
  ({ store }: Pick<Deps, 'store'>) =>
  async (_blob: unknown, context: InvocationContext): Promise<void> => {
    await onBlobNotification(store, blobNameFrom(context.triggerMetadata, 'log'), context);
    await onEventFile(store, blobNameFrom(context.triggerMetadata, 'log') ?? '', { waitMs: 20_000 });
  };

registerBlobTrigger('indexLogBlob', 'log', indexLogBlob);

import { app, type InvocationContext } from '@azure/functions';
import { blobNameFrom, onBlobNotification } from '../core/index/trigger.js';
import { dataStore } from '../storage/clients.js';
import { indexerTriggerSource } from '../storage/config.js';
import { TRIGGER_CONNECTION } from '../storage/connection.js';

/** Indexes one of the `metadata.json` blobs under `metadir/` (the blob's bytes are not used: properties are re-read). */
export async function indexMetadataBlobHandler(_blob: unknown, context: InvocationContext): Promise<void> {
  await onBlobNotification(dataStore(), blobNameFrom(context.triggerMetadata, 'metadir'), context);
}

app.storageBlob('indexMetadataBlob', {
  path: '%AZURE_STORAGE_CONTAINER%/metadir/{name}',
  connection: TRIGGER_CONNECTION,
  source: indexerTriggerSource(),
  handler: indexMetadataBlobHandler,
});

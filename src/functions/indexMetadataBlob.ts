import { app, type InvocationContext } from '@azure/functions';
import { indexerFor } from '../core/index/indexer.js';
import { blobNameFrom, onBlobNotification } from '../core/index/trigger.js';
import { dataStore } from '../storage/clients.js';
import { indexerTriggerSource } from '../storage/config.js';
import { TRIGGER_CONNECTION } from '../storage/connection.js';

/** Indexes one of the `metadata.json` blobs under `metadir/` (a deferred binding: the host passes a reference, not the bytes; properties are re-read). */
export async function indexMetadataBlobHandler(_blob: unknown, context: InvocationContext): Promise<void> {
  await onBlobNotification(
    indexerFor(dataStore()),
    blobNameFrom(context.triggerMetadata, 'metadir'),
    context,
  );
}

app.storageBlob('indexMetadataBlob', {
  path: '%AZURE_STORAGE_CONTAINER%/metadir/{name}',
  connection: TRIGGER_CONNECTION,
  source: indexerTriggerSource(),
  // A reference instead of the bytes: the host must not download a growing log on every change.
  sdkBinding: true,
  handler: indexMetadataBlobHandler,
});

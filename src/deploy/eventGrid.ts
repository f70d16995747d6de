/**
 * The Event Grid subscriptions the indexer's blob triggers need on Azure (source `EventGrid`): one
 * per trigger, `Microsoft.Storage.BlobCreated` only (the blob extension does not filter event types
 * itself), subjects under the trigger's folder of the history container, delivered to the blob
 * extension's webhook on the app's real host name (apps may have `<app>-<hash>.<region>.azurewebsites.net`).
 * Created after the code is deployed (the webhook must answer Event Grid's validation handshake, and
 * its `blobs_extension` key exists only once the host has started with the triggers).
 */

/** A blob-triggered function and the folder of the history container it watches. */
export interface BlobTriggerRoute {
  functionName: string;
  /** The blob name prefix inside the container, with its trailing `/`. */
  folder: string;
}

/**
 * The indexer's triggers (src/functions/indexLogBlob.ts, indexMetadataBlob.ts: paths
 * `<AZURE_STORAGE_CONTAINER>/log/{name}` and `…/metadir/{name}`); test/deploy/ checks this against
 * the registered functions.
 */
export const INDEXER_TRIGGERS: readonly BlobTriggerRoute[] = [
  { functionName: 'indexLogBlob', folder: 'log/' },
  { functionName: 'indexMetadataBlob', folder: 'metadir/' },
];

/** The only event type delivered. */
export const BLOB_CREATED = 'Microsoft.Storage.BlobCreated';

/** Event Grid's subject for blobs under `folder` of `container`: what `subjectBeginsWith` filters on. */
export function subjectPrefix(container: string, folder: string): string {
  return `/blobServices/default/containers/${container}/blobs/${folder}`;
}

/** The blob extension's webhook for one function, on the app's default host name. */
export function webhookUrl(hostName: string, functionName: string, blobsExtensionKey: string): string {
  const url = new URL(`https://${hostName}/runtime/webhooks/blobs`);
  url.searchParams.set('functionName', `Host.Functions.${functionName}`);
  url.searchParams.set('code', blobsExtensionKey);
  return url.toString();
}

export interface SubscriptionSpec {
  name: string;
  endpoint: string;
  includedEventTypes: string[];
  subjectBeginsWith: string;
}

/** The subscriptions for a container and a host, one per indexer trigger. */
export function indexerSubscriptions(container: string, hostName: string, key: string): SubscriptionSpec[] {
  return INDEXER_TRIGGERS.map((t) => ({
    name: t.functionName,
    endpoint: webhookUrl(hostName, t.functionName, key),
    includedEventTypes: [BLOB_CREATED],
    subjectBeginsWith: subjectPrefix(container, t.folder),
  }));
}

/** The azd environment values the postdeploy hook reads: outputs of infra/main.bicep. */
export const HOOK_SETTINGS = [
  'AZURE_RESOURCE_GROUP',
  'AZURE_FUNCTION_APP_NAME',
  'HISTORY_CONTAINER',
  'INDEXER_TRIGGER_SOURCE',
  'EVENT_GRID_SYSTEM_TOPIC',
  'EVENT_GRID_SYSTEM_TOPIC_RESOURCE_GROUP',
] as const;

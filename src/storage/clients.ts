import {
  DefaultAzureCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import {
  AnonymousCredential,
  BlobServiceClient,
  StorageSharedKeyCredential,
  type StoragePipelineOptions,
} from '@azure/storage-blob';
import { AzureBlobStore } from './azureBlobStore.js';
import type { BlobStore } from './blobStore.js';
import {
  ConfigError,
  type AppConfig,
  connectionStringParts,
  expandConnectionString,
  type StorageTarget,
} from './config.js';

/**
 * Retries kept short so that an unreachable account answers 503 in seconds rather than hanging
 * a request for the SDK's default of minutes.
 */
export const PIPELINE_OPTIONS: StoragePipelineOptions = {
  retryOptions: { maxTries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 2_000, tryTimeoutInMs: 60_000 },
  userAgentOptions: { userAgentPrefix: 'ray-history-azure-functions' },
};

export interface BuiltClient {
  client: BlobServiceClient;
  /** The token credential in identity modes; absent for connection strings. */
  credential?: TokenCredential;
}

function fromConnectionString(connectionString: string, endpoint: string | undefined): BlobServiceClient {
  if (endpoint === undefined) {
    return BlobServiceClient.fromConnectionString(expandConnectionString(connectionString), PIPELINE_OPTIONS);
  }
  const parts = connectionStringParts('AZURE_STORAGE_CONNECTION_STRING', connectionString);
  const account = parts.get('accountname');
  const key = parts.get('accountkey');
  const sas = parts.get('sharedaccesssignature');
  if (account !== undefined && key !== undefined) {
    return new BlobServiceClient(endpoint, new StorageSharedKeyCredential(account, key), PIPELINE_OPTIONS);
  }
  if (sas !== undefined) {
    return new BlobServiceClient(
      `${endpoint}?${sas.replace(/^\?/, '')}`,
      new AnonymousCredential(),
      PIPELINE_OPTIONS,
    );
  }
  throw new ConfigError(
    'AZURE_STORAGE_ENDPOINT',
    'needs a connection string with AccountName and AccountKey, or a SharedAccessSignature',
  );
}

/** Builds the identity credential for a mode; no network is touched until a token is needed. */
export function credentialFor(
  target: Exclude<StorageTarget, { mode: 'connection_string' }>,
): TokenCredential {
  const { mode, clientId } = target;
  switch (mode) {
    case 'managed_identity':
      return clientId === undefined
        ? new ManagedIdentityCredential()
        : new ManagedIdentityCredential({ clientId });
    case 'workload_identity':
      return new WorkloadIdentityCredential(target.workload ?? {});
    case 'default':
      return new DefaultAzureCredential(clientId === undefined ? {} : { managedIdentityClientId: clientId });
  }
}

/** Builds a BlobServiceClient for a target. Creating it touches no network. */
export function buildClient(target: StorageTarget): BuiltClient {
  if (target.mode === 'connection_string') {
    return { client: fromConnectionString(target.connectionString, target.endpoint) };
  }
  const credential = credentialFor(target);
  return { client: new BlobServiceClient(target.accountUrl, credential, PIPELINE_OPTIONS), credential };
}

/** A store over the configured container of the configured account. Creating it touches no network. */
export function createStore(settings: Pick<AppConfig, 'storage' | 'container'>): BlobStore {
  return new AzureBlobStore(buildClient(settings.storage).client, settings.container);
}

/** The account's blob endpoint without credentials, for logs and for comparing two settings. */
export function accountEndpoint(client: BlobServiceClient): string {
  const url = new URL(client.url);
  url.search = '';
  return url.toString().replace(/\/$/, '');
}

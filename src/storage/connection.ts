import { ClientSecretCredential, DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import type { TokenCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';
import { accountEndpoint, buildClient, PIPELINE_OPTIONS } from './clients.js';
import {
  ConfigError,
  connectionStringParts,
  expandConnectionString,
  parseUrlSetting,
  type StorageTarget,
} from './config.js';

/** The `connection` the blob trigger names; it resolves by the Functions host's rules. */
export const TRIGGER_CONNECTION = 'HistoryStorage';

type Env = Record<string, string | undefined>;

/** A named connection resolved the way the Functions host resolves `connection: "<name>"`. */
export type NamedConnection =
  | { kind: 'connection_string'; setting: string; connectionString: string; queueEndpoint?: string }
  | {
      kind: 'identity';
      setting: string;
      blobServiceUri: string;
      queueServiceUri?: string;
      credential: TokenCredential;
    };

function read(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

function identityCredential(env: Env, prefix: string): TokenCredential {
  const kind = read(env, `${prefix}__credential`)?.toLowerCase();
  const clientId = read(env, `${prefix}__clientId`);
  if (kind === 'managedidentity') {
    return clientId === undefined
      ? new ManagedIdentityCredential()
      : new ManagedIdentityCredential({ clientId });
  }
  if (kind !== undefined) {
    throw new ConfigError(`${prefix}__credential`, `must be "managedidentity" or unset (got "${kind}")`);
  }
  const tenantId = read(env, `${prefix}__tenantId`);
  const secret = read(env, `${prefix}__clientSecret`);
  if (tenantId !== undefined && clientId !== undefined && secret !== undefined) {
    return new ClientSecretCredential(tenantId, clientId, secret);
  }
  return new DefaultAzureCredential(clientId === undefined ? {} : { managedIdentityClientId: clientId });
}

/**
 * Resolves `connection: name` as the host does: `AzureWebJobs<name>` then `<name>` as a connection
 * string; otherwise the identity form `<name>__blobServiceUri` (or `__serviceUri`, or `__accountName`)
 * with `__queueServiceUri`, `__credential` and `__clientId`. An empty name means AzureWebJobsStorage.
 */
export function resolveConnection(name: string, env: Env = process.env): NamedConnection {
  const base = name === '' ? 'AzureWebJobsStorage' : name;
  for (const setting of [`AzureWebJobs${base}`, base]) {
    const cs = read(env, setting);
    if (cs === undefined) continue;
    const parts = connectionStringParts(setting, cs);
    const queueEndpoint = parts.get('queueendpoint');
    return {
      kind: 'connection_string',
      setting,
      connectionString: expandConnectionString(cs),
      ...(queueEndpoint !== undefined && { queueEndpoint }),
    };
  }
  for (const prefix of [`AzureWebJobs${base}`, base]) {
    const account = read(env, `${prefix}__accountName`);
    const uri =
      read(env, `${prefix}__blobServiceUri`) ??
      read(env, `${prefix}__serviceUri`) ??
      (account === undefined ? undefined : `https://${account}.blob.core.windows.net`);
    if (uri === undefined) continue;
    const queue =
      read(env, `${prefix}__queueServiceUri`) ??
      (account === undefined ? undefined : `https://${account}.queue.core.windows.net`);
    return {
      kind: 'identity',
      setting: prefix,
      blobServiceUri: parseUrlSetting(`${prefix}__blobServiceUri`, uri),
      ...(queue !== undefined && { queueServiceUri: parseUrlSetting(`${prefix}__queueServiceUri`, queue) }),
      credential: identityCredential(env, prefix),
    };
  }
  throw new ConfigError(
    base,
    `is not set: give the connection string in "${base}", or "${base}__blobServiceUri" (and ` +
      `"${base}__queueServiceUri") for an identity-based connection`,
  );
}

/** A BlobServiceClient for a named connection. */
export function clientForConnection(conn: NamedConnection): BlobServiceClient {
  return conn.kind === 'connection_string'
    ? BlobServiceClient.fromConnectionString(conn.connectionString, PIPELINE_OPTIONS)
    : new BlobServiceClient(conn.blobServiceUri, conn.credential, PIPELINE_OPTIONS);
}

/**
 * Fails when the trigger's connection points at another account than the app's AZURE_STORAGE_*
 * settings: the indexer would then watch one account and write into another.
 */
export function checkTriggerConnection(env: Env, storage: StorageTarget): void {
  const conn = resolveConnection(TRIGGER_CONNECTION, env);
  const trigger = accountEndpoint(clientForConnection(conn));
  const app = accountEndpoint(buildClient(storage).client);
  if (trigger !== app) {
    throw new ConfigError(
      conn.setting,
      `resolves to ${trigger}, but AZURE_STORAGE_* settings point at ${app}: the blob trigger must watch the same account`,
    );
  }
}

import {
  DefaultAzureCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { buildClient } from './clients.js';
import {
  ConfigError,
  DEFAULT_COMPACT_SCHEDULE,
  DEFAULT_RECONCILE_SCHEDULE,
  indexCompactSchedule,
  indexReconcileSchedule,
  loadConfig,
  registrationSettings,
} from './config.js';
import { resolveConnection } from './connection.js';

const KEY = 'c2VjcmV0LWtleS1kby1ub3QtcHJpbnQtbWUtZXZlci0xMjM0NTY3ODkwYWJjZGVmZ2g=';
const CS = `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${KEY};EndpointSuffix=core.windows.net`;

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('connection-string mode', () => {
  it('is chosen automatically when a connection string is set', () => {
    const c = loadConfig({ AZURE_STORAGE_CONNECTION_STRING: CS });
    expect(c.storage.mode).toBe('connection_string');
    expect(c.container).toBe('ray-historyserver');
    expect(c.maxBodyBytes).toBe(100 * 1024 * 1024);
    expect(buildClient(c.storage).client.url).toBe('https://acct.blob.core.windows.net/');
  });

  it('honours AZURE_STORAGE_ENDPOINT over the connection string', () => {
    const c = loadConfig({
      AZURE_STORAGE_CONNECTION_STRING: CS,
      AZURE_STORAGE_ENDPOINT: 'http://127.0.0.1:12345/acct',
    });
    expect(buildClient(c.storage).client.url).toBe('http://127.0.0.1:12345/acct');
  });

  it('accepts UseDevelopmentStorage=true as Azurite', () => {
    const c = loadConfig({ AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' });
    expect(buildClient(c.storage).client.url).toBe('http://127.0.0.1:10000/devstoreaccount1');
  });

  it('reads the container name', () => {
    expect(
      loadConfig({ AZURE_STORAGE_CONNECTION_STRING: CS, AZURE_STORAGE_CONTAINER: 'my-logs' }).container,
    ).toBe('my-logs');
  });
});

describe('identity modes build the right credential and URL without network', () => {
  const url = 'https://acct.blob.core.windows.net';
  it.each([
    ['managed_identity', ManagedIdentityCredential],
    ['workload_identity', WorkloadIdentityCredential],
    ['default', DefaultAzureCredential],
  ] as const)('%s', (mode, type) => {
    const c = loadConfig({
      AZURE_STORAGE_AUTH_MODE: mode,
      AZURE_STORAGE_ACCOUNT_URL: url,
      AZURE_CLIENT_ID: 'cid',
      AZURE_TENANT_ID: 'tid',
      AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token',
    });
    expect(c.storage).toMatchObject({ mode, accountUrl: url, clientId: 'cid' });
    const built = buildClient(c.storage);
    expect(built.credential).toBeInstanceOf(type);
    expect(built.client.url).toBe(`${url}/`);
  });

  it('auto mode uses DefaultAzureCredential when only the account URL is set', () => {
    const c = loadConfig({ AZURE_STORAGE_ACCOUNT_URL: url });
    expect(c.storage.mode).toBe('default');
    expect(buildClient(c.storage).credential).toBeInstanceOf(DefaultAzureCredential);
  });

  it('managed identity works without a client id (system-assigned)', () => {
    const c = loadConfig({ AZURE_STORAGE_AUTH_MODE: 'managed_identity', AZURE_STORAGE_ACCOUNT_URL: url });
    expect(c.storage).not.toHaveProperty('clientId');
    expect(buildClient(c.storage).credential).toBeInstanceOf(ManagedIdentityCredential);
  });
});

describe('bad settings name the setting and never print a secret', () => {
  it.each([
    [{}, 'AZURE_STORAGE_CONNECTION_STRING'],
    [{ AZURE_STORAGE_AUTH_MODE: 'connection_string' }, 'AZURE_STORAGE_CONNECTION_STRING'],
    [{ AZURE_STORAGE_AUTH_MODE: 'managed_identity' }, 'AZURE_STORAGE_ACCOUNT_URL'],
    [
      {
        AZURE_STORAGE_AUTH_MODE: 'workload_identity',
        AZURE_STORAGE_ACCOUNT_URL: 'https://a.blob.core.windows.net',
      },
      'AZURE_TENANT_ID',
    ],
    [{ AZURE_STORAGE_AUTH_MODE: 'sas', AZURE_STORAGE_CONNECTION_STRING: CS }, 'AZURE_STORAGE_AUTH_MODE'],
    [{ AZURE_STORAGE_CONNECTION_STRING: `AccountName=acct;${KEY}` }, 'AZURE_STORAGE_CONNECTION_STRING'],
    [{ AZURE_STORAGE_CONNECTION_STRING: `AccountName=acct;Foo=${KEY}` }, 'AZURE_STORAGE_CONNECTION_STRING'],
    [{ AZURE_STORAGE_CONNECTION_STRING: `AccountKey=${KEY}` }, 'AZURE_STORAGE_CONNECTION_STRING'],
    [
      { AZURE_STORAGE_CONNECTION_STRING: `AccountName=a;AccountKey=${KEY};BlobEndpoint=not a url` },
      'AZURE_STORAGE_CONNECTION_STRING (BlobEndpoint)',
    ],
    [{ AZURE_STORAGE_CONNECTION_STRING: CS, AZURE_STORAGE_ENDPOINT: 'nope' }, 'AZURE_STORAGE_ENDPOINT'],
    [
      { AZURE_STORAGE_ACCOUNT_URL: `https://acct.blob.core.windows.net/?sv=2020&sig=${KEY}` },
      'AZURE_STORAGE_ACCOUNT_URL',
    ],
    [{ AZURE_STORAGE_ACCOUNT_URL: 'ftp://acct' }, 'AZURE_STORAGE_ACCOUNT_URL'],
    [{ AZURE_STORAGE_CONNECTION_STRING: CS, AZURE_STORAGE_CONTAINER: 'ab' }, 'AZURE_STORAGE_CONTAINER'],
    [{ AZURE_STORAGE_CONNECTION_STRING: CS, AZURE_STORAGE_CONTAINER: 'Has_Caps' }, 'AZURE_STORAGE_CONTAINER'],
    [{ AZURE_STORAGE_CONNECTION_STRING: CS, INGEST_MAX_BODY_BYTES: '-1' }, 'INGEST_MAX_BODY_BYTES'],
    [{ AZURE_STORAGE_CONNECTION_STRING: CS, LOG_SEGMENT_MAX_BLOCKS: 'lots' }, 'LOG_SEGMENT_MAX_BLOCKS'],
    [{ AZURE_STORAGE_CONNECTION_STRING: CS, QUERY_AUTH_LEVEL: 'admin' }, 'QUERY_AUTH_LEVEL'],
  ])('%j → %s', (env, setting) => {
    const err = configError(env);
    expect(err.setting).toBe(setting);
    expect(err.message.startsWith(`${setting}: `)).toBe(true);
    expect(err.message).not.toContain(KEY);
    expect(err.message).not.toContain(KEY.slice(0, 12));
  });
});

describe('the blob trigger connection resolves by the host rules', () => {
  it('takes AzureWebJobs<name> before <name> as a connection string', () => {
    const c = resolveConnection('HistoryStorage', {
      AzureWebJobsHistoryStorage: CS,
      HistoryStorage: 'UseDevelopmentStorage=true',
    });
    expect(c).toMatchObject({ kind: 'connection_string', setting: 'AzureWebJobsHistoryStorage' });
  });

  it('uses __blobServiceUri with a managed identity and client id', () => {
    const c = resolveConnection('HistoryStorage', {
      HistoryStorage__blobServiceUri: 'https://acct.blob.core.windows.net',
      HistoryStorage__queueServiceUri: 'https://acct.queue.core.windows.net',
      HistoryStorage__credential: 'managedidentity',
      HistoryStorage__clientId: 'cid',
    });
    expect(c.kind).toBe('identity');
    if (c.kind !== 'identity') return;
    expect(c.blobServiceUri).toBe('https://acct.blob.core.windows.net');
    expect(c.queueServiceUri).toBe('https://acct.queue.core.windows.net');
    expect(c.credential).toBeInstanceOf(ManagedIdentityCredential);
  });

  it('derives both URIs from __accountName', () => {
    const c = resolveConnection('HistoryStorage', { HistoryStorage__accountName: 'acct' });
    expect(c).toMatchObject({
      kind: 'identity',
      blobServiceUri: 'https://acct.blob.core.windows.net',
      queueServiceUri: 'https://acct.queue.core.windows.net',
    });
  });

  it('names the setting when nothing is set', () => {
    expect(() => resolveConnection('HistoryStorage', {})).toThrow(/^HistoryStorage: is not set/);
  });
});

describe('INDEX_RECONCILE_SCHEDULE', () => {
  it('is optional for the app, and takes NCRONTAB or a TimeSpan where the plan runs one', () => {
    expect(indexReconcileSchedule({})).toBeUndefined();
    expect(DEFAULT_RECONCILE_SCHEDULE).toBe('0 0 * * * *');
    expect(indexReconcileSchedule({ INDEX_RECONCILE_SCHEDULE: '0 */15 * * * Mon-Fri' })).toBe(
      '0 */15 * * * Mon-Fri',
    );
    expect(indexReconcileSchedule({ INDEX_RECONCILE_SCHEDULE: '1.00:00:00' })).toBe('1.00:00:00');
    expect(indexReconcileSchedule({ INDEX_RECONCILE_SCHEDULE: '1.00:00:00', WEBSITE_SKU: 'Standard' })).toBe(
      '1.00:00:00',
    );
  });

  it('refuses a TimeSpan on plans whose host does not run one (Consumption, Flex, Premium), naming the setting', () => {
    for (const sku of ['Dynamic', 'FlexConsumption', 'ElasticPremium']) {
      expect(() =>
        indexReconcileSchedule({ INDEX_RECONCILE_SCHEDULE: '00:15:00', WEBSITE_SKU: sku }),
      ).toThrow(/INDEX_RECONCILE_SCHEDULE: a TimeSpan schedule runs only on an App Service plan/);
    }
  });

  it('names the setting when the value has the wrong shape, and points "off" at the platform switch', () => {
    for (const bad of ['hourly', '0 * * * *', '0 0 * * * * *', '1h', 'off']) {
      expect(() => indexReconcileSchedule({ INDEX_RECONCILE_SCHEDULE: bad }), bad).toThrow(ConfigError);
      expect(() =>
        loadConfig({
          AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
          INDEX_RECONCILE_SCHEDULE: bad,
        }),
      ).toThrow(/INDEX_RECONCILE_SCHEDULE: must be six NCRONTAB fields/);
    }
    expect(() => indexReconcileSchedule({ INDEX_RECONCILE_SCHEDULE: 'off' })).toThrow(
      /AzureWebJobs\.reconcileIndex\.Disabled=true/,
    );
  });
});

describe('INDEX_COMPACT_SCHEDULE', () => {
  const cs = { AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };

  it('is every 5 s unless set, and takes six NCRONTAB fields', () => {
    expect(DEFAULT_COMPACT_SCHEDULE).toBe('*/5 * * * * *');
    expect(indexCompactSchedule({})).toBe('*/5 * * * * *');
    expect(loadConfig(cs).compactSchedule).toBe('*/5 * * * * *');
    expect(indexCompactSchedule({ INDEX_COMPACT_SCHEDULE: '*/30 * * * * *' })).toBe('*/30 * * * * *');
    expect(registrationSettings({ INDEX_COMPACT_SCHEDULE: '0 * * * * *' }).compactSchedule).toBe(
      '0 * * * * *',
    );
  });

  it('names the setting when it is bad, and registers the timer on the default meanwhile', () => {
    for (const bad of ['every 30s', '*/30 * * * *', 'off']) {
      expect(() => loadConfig({ ...cs, INDEX_COMPACT_SCHEDULE: bad }), bad).toThrow(
        /INDEX_COMPACT_SCHEDULE: must be six NCRONTAB fields/,
      );
      expect(registrationSettings({ INDEX_COMPACT_SCHEDULE: bad }).compactSchedule).toBe('*/5 * * * * *');
    }
    expect(() => indexCompactSchedule({ INDEX_COMPACT_SCHEDULE: 'off' })).toThrow(
      /AzureWebJobs\.compactIndex\.Disabled=true/,
    );
    expect(() =>
      indexCompactSchedule({ INDEX_COMPACT_SCHEDULE: '00:00:30', WEBSITE_SKU: 'FlexConsumption' }),
    ).toThrow(/INDEX_COMPACT_SCHEDULE: a TimeSpan schedule runs only on an App Service plan/);
  });
});

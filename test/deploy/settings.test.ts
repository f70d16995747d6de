/**
 * The template's app settings and the app's code, held together: the list of settings the app reads
 * (APP_SETTINGS) is exactly what the code reads, every one of them is set by infra/ or documented as
 * left unset in docs/deploy.md, and the settings the template writes make the app start in managed
 * identity mode with the trigger, the host and the app on the right accounts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isFunctionDisabled } from '../../src/host/disabled.js';
import {
  APP_SETTINGS,
  ConfigError,
  indexerTriggerSource,
  indexReconcileSchedule,
  loadConfig,
  queryAuthLevel,
} from '../../src/storage/config.js';
import { resolveConnection, TRIGGER_CONNECTION } from '../../src/storage/connection.js';
import { REPO_ROOT } from '../helpers/host.js';
import { evaluate, loadBicep, type BicepFile, type Node } from './bicep.js';

type Env = Record<string, string | undefined>;

/** Runs everything in the app that reads settings against `env`, recording each name it looks up. */
function readsOf(env: Env): Set<string> {
  const seen = new Set<string>();
  const recording = new Proxy(env, {
    get(target, key) {
      if (typeof key === 'string') seen.add(key);
      return target[key as string];
    },
  });
  const attempt = (f: () => unknown) => {
    try {
      f();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
    }
  };
  attempt(() => loadConfig(recording));
  attempt(() => queryAuthLevel(recording));
  attempt(() => indexerTriggerSource(recording));
  attempt(() => indexReconcileSchedule(recording));
  attempt(() => resolveConnection(TRIGGER_CONNECTION, recording));
  return seen;
}

const CS = 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=a2V5;EndpointSuffix=core.windows.net';
const URL_A = 'https://a.blob.core.windows.net';

/** Configurations that between them take every branch that reads a setting. */
const SCENARIOS: Env[] = [
  {},
  { AZURE_STORAGE_CONNECTION_STRING: CS, AZURE_STORAGE_ENDPOINT: URL_A, HistoryStorage: CS },
  { AzureWebJobsHistoryStorage: CS, AZURE_STORAGE_ACCOUNT_URL: URL_A },
  {
    AZURE_STORAGE_AUTH_MODE: 'workload_identity',
    AZURE_STORAGE_ACCOUNT_URL: URL_A,
    AZURE_CLIENT_ID: 'c',
    AZURE_TENANT_ID: 't',
    AZURE_FEDERATED_TOKEN_FILE: '/var/run/token',
    HistoryStorage__blobServiceUri: URL_A,
    HistoryStorage__tenantId: 't',
    HistoryStorage__clientId: 'c',
    HistoryStorage__clientSecret: 's',
  },
  { HistoryStorage__credential: 'managedidentity', HistoryStorage__accountName: 'a' },
  { AzureWebJobsHistoryStorage__serviceUri: URL_A, INDEX_RECONCILE_SCHEDULE: '00:30:00' },
];

/** The blob trigger's connection `HistoryStorage`, which connection.ts resolves by the host's rules. */
const TRIGGER_SETTINGS = [
  'HistoryStorage',
  'AzureWebJobsHistoryStorage',
  ...['', 'AzureWebJobs'].flatMap((lead) =>
    [
      'blobServiceUri',
      'serviceUri',
      'accountName',
      'queueServiceUri',
      'credential',
      'clientId',
      'tenantId',
      'clientSecret',
    ].map((part) => `${lead}HistoryStorage__${part}`),
  ),
];

/** Every setting the app reads: its own (APP_SETTINGS) and its trigger's connection. */
const READ_BY_APP = [...APP_SETTINGS.map((s) => s.name), ...TRIGGER_SETTINGS];

/** Set by the platform on Azure, read by the app (the plan, to refuse a TimeSpan schedule it cannot run). */
const PLATFORM_SETTINGS = ['WEBSITE_SKU'];

/** Settings the Functions host or the platform reads, not the app. */
const HOST_SETTING =
  /^(AzureWebJobsStorage__\w+|APPLICATIONINSIGHTS_\w+|FUNCTIONS_\w+|WEBSITE_\w+|AzureWebJobs\.\w+\.Disabled)$/;

describe('the settings the app reads (APP_SETTINGS and its trigger connection)', () => {
  it('are exactly what the code looks up, over every configuration', () => {
    const read = new Set(SCENARIOS.flatMap((env) => [...readsOf(env)]));
    const known = [...READ_BY_APP, ...PLATFORM_SETTINGS];
    expect([...read].filter((n) => !known.includes(n)).sort()).toEqual([]);
    expect(known.filter((n) => !read.has(n)).sort()).toEqual([]);
  });

  it('gives the defaults the code applies', () => {
    const config = loadConfig({ AZURE_STORAGE_CONNECTION_STRING: CS });
    const byName = Object.fromEntries(APP_SETTINGS.map((s) => [s.name, s.default]));
    expect(byName.AZURE_STORAGE_CONTAINER).toBe(config.container);
    expect(byName.INGEST_MAX_BODY_BYTES).toBe(String(config.maxBodyBytes));
    expect(byName.LOG_SEGMENT_MAX_BLOCKS).toBe(String(config.segmentMaxBlocks));
    expect(byName.QUERY_AUTH_LEVEL).toBe(queryAuthLevel({}));
    expect(byName.INDEXER_TRIGGER_SOURCE).toBe(indexerTriggerSource({}));
  });
});

describe('the app settings infra/ writes', () => {
  let app: BicepFile;
  let main: BicepFile;
  const endpoints = {
    identityClientId: '11111111-2222-3333-4444-555555555555',
    hostBlobEndpoint: 'https://sthost.blob.core.windows.net/',
    hostQueueEndpoint: 'https://sthost.queue.core.windows.net/',
    historyBlobEndpoint: 'https://sthistory.blob.core.windows.net/',
    historyQueueEndpoint: 'https://sthistory.queue.core.windows.net/',
    appInsightsConnectionString: 'InstrumentationKey=00000000-0000-0000-0000-000000000000',
  };
  /** The settings for main.bicep's defaults, the module's other inputs as above. */
  const settings = (overrides: Record<string, unknown> = {}): Env => {
    const defaults = (name: string) => evaluate(main.params.get(name)?.default as Node, main, {});
    const values = {
      ...endpoints,
      historyContainerName: defaults('historyContainerName'),
      indexerTriggerSource: evaluate(main.vars.get('triggerSource') as Node, main, {}),
      reconcileSchedule: defaults('reconcileSchedule'),
      reconcileTimerEnabled: defaults('reconcileTimerEnabled'),
      queryAuthLevel: defaults('queryAuthLevel'),
      ...overrides,
    };
    return evaluate(app.vars.get('appSettings') as Node, app, values) as Env;
  };

  beforeAll(async () => {
    app = await loadBicep(path.join(REPO_ROOT, 'infra', 'app', 'functionapp.bicep'));
    main = await loadBicep(path.join(REPO_ROOT, 'infra', 'main.bicep'));
  });

  it('start the app in managed identity mode on the history account, with the container and schedule', () => {
    const env = settings();
    const config = loadConfig(env);
    expect(config.storage).toEqual({
      mode: 'managed_identity',
      accountUrl: 'https://sthistory.blob.core.windows.net',
      clientId: endpoints.identityClientId,
    });
    expect(config.container).toBe('ray-historyserver');
    expect(config.queryAuthLevel).toBe('function');
    expect(indexerTriggerSource(env)).toBe('EventGrid');
    expect(indexReconcileSchedule(env)).toBe('0 0 * * * *');
    expect(isFunctionDisabled('reconcileIndex', env)).toBe(false);
    expect(isFunctionDisabled('reconcileIndex', settings({ reconcileTimerEnabled: false }))).toBe(true);
  });

  it('point the blob trigger at the same account as the app, by identity, with its queues', () => {
    const env = settings();
    const storage = loadConfig(env).storage;
    const appAccount = storage.mode === 'connection_string' ? storage.connectionString : storage.accountUrl;
    expect(appAccount).toBe('https://sthistory.blob.core.windows.net');
    expect(resolveConnection(TRIGGER_CONNECTION, env)).toMatchObject({
      kind: 'identity',
      setting: 'HistoryStorage',
      blobServiceUri: appAccount,
      queueServiceUri: 'https://sthistory.queue.core.windows.net',
    });
    expect(env.HistoryStorage__credential).toBe('managedidentity');
    expect(env.HistoryStorage__clientId).toBe(endpoints.identityClientId);
  });

  it('give the host its storage by identity, blob and queue (the blob trigger uses host queues)', () => {
    const env = settings();
    expect(resolveConnection('AzureWebJobsStorage', env)).toMatchObject({
      kind: 'identity',
      blobServiceUri: 'https://sthost.blob.core.windows.net',
      queueServiceUri: 'https://sthost.queue.core.windows.net',
    });
    expect(env.AzureWebJobsStorage__credential).toBe('managedidentity');
    expect(env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING).toBe(
      `ClientId=${endpoints.identityClientId};Authorization=AAD`,
    );
    // No secret anywhere: no connection string, no key.
    expect(
      Object.keys(env).filter((k) => /CONNECTION_STRING$|^HistoryStorage$|^AzureWebJobsStorage$/.test(k)),
    ).toEqual(['APPLICATIONINSIGHTS_CONNECTION_STRING']);
  });

  it('hold nothing but what the app or the host reads', () => {
    const unknown = Object.keys(settings()).filter((k) => !READ_BY_APP.includes(k) && !HOST_SETTING.test(k));
    expect(unknown).toEqual([]);
  });

  it('set every setting the app reads, or docs/deploy.md says why it is left unset', () => {
    const doc = readFileSync(path.join(REPO_ROOT, 'docs', 'deploy.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Settings the template leaves unset'));
    const documented = new Set(
      section
        .slice(0, section.indexOf('\n## ', 3) < 0 ? undefined : section.indexOf('\n## ', 3))
        .split('\n')
        .filter((l) => l.startsWith('| `'))
        .flatMap((l) => [...(l.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] as string)),
    );
    const set = Object.keys(settings());
    const missing = READ_BY_APP.filter((n) => !set.includes(n) && !documented.has(n));
    expect(missing).toEqual([]);
    // And the table names nothing the template sets or the app does not read.
    expect([...documented].filter((n) => set.includes(n) || !READ_BY_APP.includes(n))).toEqual([]);
  });
});

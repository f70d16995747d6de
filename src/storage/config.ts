/**
 * The app's settings, as pure functions of an environment: `loadConfig(env)` validates every setting
 * and fails with a ConfigError naming the first one at fault, never echoing a key or a SAS signature.
 * The app reads `process.env` once, when it wires its dependencies (src/app/deps.ts); function files
 * read the few values a registration needs through `registrationSettings`, which never throws. Other
 * readers of the environment: connection.ts (the trigger's `HistoryStorage` connection, by the host's
 * rules) and the local host (src/host/, its own `LOCAL_HOST_*` settings).
 */

import { searchSettingsFrom, SearchSettingError, type SearchSettings } from '../core/search/settings.js';

export type AuthMode = 'connection_string' | 'managed_identity' | 'workload_identity' | 'default';

/** Where the data lives and how to authenticate against it. */
export type StorageTarget =
  | { mode: 'connection_string'; connectionString: string; endpoint?: string }
  | {
      mode: Exclude<AuthMode, 'connection_string'>;
      accountUrl: string;
      clientId?: string;
      workload?: WorkloadSettings;
    };

/** What AKS workload identity injects into the pod (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE). */
export interface WorkloadSettings {
  tenantId: string;
  clientId: string;
  tokenFilePath: string;
}

export interface AppConfig {
  storage: StorageTarget;
  /** Container for logs, events, metadata and the index. Default `ray-historyserver`. */
  container: string;
  /** Largest accepted request body, after decompression. Default 100 MiB (the Functions host's own). */
  maxBodyBytes: number;
  /** Appends a log segment blob takes before the file rolls over to a new segment. Default 2,000. */
  segmentMaxBlocks: number;
  /** `anonymous` (default) or `function`: the auth level of the query routes. */
  queryAuthLevel: 'anonymous' | 'function';
  /** The indexer's blob trigger source. Default `LogsAndContainerScan`. */
  triggerSource: TriggerSource;
  /** INDEX_RECONCILE_SCHEDULE as set (the timer binds it as `%INDEX_RECONCILE_SCHEDULE%`); absent when unset. */
  reconcileSchedule?: string;
  /** The compactIndex timer's schedule (INDEX_COMPACT_SCHEDULE). Default every 5 s. */
  compactSchedule: string;
  /** The limits of one search request (`SEARCH_*`). */
  search: SearchSettings;
}

export type TriggerSource = 'LogsAndContainerScan' | 'EventGrid';

/** One setting the app reads: for the docs, the deployment template's checks and start-up errors. */
export interface SettingInfo {
  name: string;
  /** `true`: always; a string: when (e.g. "in connection-string mode"); `false`: optional. */
  required: boolean | string;
  default?: string;
  meaning: string;
}

/** Every setting the app reads (the blob trigger's own `HistoryStorage*` connection is in connection.ts). */
export const APP_SETTINGS: readonly SettingInfo[] = [
  {
    name: 'AZURE_STORAGE_CONNECTION_STRING',
    required: 'in connection-string mode',
    meaning: 'storage connection string; UseDevelopmentStorage=true means Azurite on 127.0.0.1:10000',
  },
  {
    name: 'AZURE_STORAGE_CONTAINER',
    required: false,
    default: 'ray-historyserver',
    meaning: 'container for logs, events, metadata and the index (the blob triggers watch it too)',
  },
  {
    name: 'AZURE_STORAGE_ENDPOINT',
    required: false,
    meaning: "custom blob endpoint (for Azurite), overrides the connection string's",
  },
  {
    name: 'AZURE_STORAGE_ACCOUNT_URL',
    required: 'in identity modes',
    meaning: 'https://<account>.blob.core.windows.net',
  },
  {
    name: 'AZURE_STORAGE_AUTH_MODE',
    required: false,
    default: 'auto',
    meaning: 'connection_string, managed_identity, workload_identity or default',
  },
  {
    name: 'AZURE_CLIENT_ID',
    required: 'for workload_identity',
    meaning: 'client id of a user-assigned managed identity, or of the workload identity',
  },
  { name: 'AZURE_TENANT_ID', required: 'for workload_identity', meaning: 'set by the AKS webhook' },
  {
    name: 'AZURE_FEDERATED_TOKEN_FILE',
    required: 'for workload_identity',
    meaning: 'set by the AKS webhook',
  },
  {
    name: 'INGEST_MAX_BODY_BYTES',
    required: false,
    default: '104857600',
    meaning: 'largest accepted request body, after decompression',
  },
  {
    name: 'LOG_SEGMENT_MAX_BLOCKS',
    required: false,
    default: '2000',
    meaning: 'appends one log blob takes before the file continues in a new segment',
  },
  {
    name: 'QUERY_AUTH_LEVEL',
    required: false,
    default: 'anonymous',
    meaning: 'anonymous or function: auth level of the query routes',
  },
  {
    name: 'INDEXER_TRIGGER_SOURCE',
    required: false,
    default: 'LogsAndContainerScan',
    meaning: "the blob triggers' source: LogsAndContainerScan (polling) or EventGrid",
  },
  {
    name: 'SEARCH_DEADLINE_MS',
    required: false,
    default: '10000',
    meaning: 'wall time one search request may scan before it answers partial with a cursor (100–600000)',
  },
  {
    name: 'SEARCH_MAX_BYTES',
    required: false,
    default: '1073741824',
    meaning: 'bytes one search request may read before it answers partial with a cursor',
  },
  {
    name: 'SEARCH_CONCURRENCY',
    required: false,
    default: '4',
    meaning: 'log files one search request reads at once (1–64)',
  },
  {
    name: 'SEARCH_MAX_LINE_BYTES',
    required: false,
    default: '65536',
    meaning: 'a longer line is matched on its first this many bytes',
  },
  {
    name: 'INDEX_COMPACT_SCHEDULE',
    required: false,
    default: '*/5 * * * * *',
    meaning:
      'six NCRONTAB fields (UTC): how often the compactIndex timer applies due index marks and continues a reconcile',
  },
  {
    name: 'INDEX_RECONCILE_SCHEDULE',
    required: 'for the reconcileIndex timer',
    meaning:
      'six NCRONTAB fields (UTC), e.g. "0 0 * * * *"; the timer binds it as %INDEX_RECONCILE_SCHEDULE%',
  },
];

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const AUTH_MODES: readonly AuthMode[] = [
  'connection_string',
  'managed_identity',
  'workload_identity',
  'default',
];
const CONTAINER_RE = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;

function setting(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

/** Parses an `https://…` (or `http://` for emulators) URL, naming the setting when it is not one. */
export function parseUrlSetting(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, 'is not a valid URL (expected e.g. https://<account>.blob.core.windows.net)');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(name, `must be an http(s) URL, got scheme "${url.protocol}"`);
  }
  if (url.search !== '') {
    throw new ConfigError(name, 'must not carry a query string (SAS tokens are not accepted here)');
  }
  return url.toString().replace(/\/$/, '');
}

/** The Azurite account that `UseDevelopmentStorage=true` stands for (its key is public). */
export const DEV_STORAGE_CONNECTION_STRING =
  'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
  'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
  'BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;';

/** Expands `UseDevelopmentStorage=true` to the Azurite connection string it stands for. */
export function expandConnectionString(value: string): string {
  return /^UseDevelopmentStorage=true;?$/i.test(value.trim()) ? DEV_STORAGE_CONNECTION_STRING : value;
}

/**
 * Splits a connection string into lower-cased keys and values. Errors name the setting and never
 * include the text, which holds a key.
 */
export function connectionStringParts(name: string, value: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const piece of expandConnectionString(value).split(';')) {
    if (piece.trim() === '') continue;
    const eq = piece.indexOf('=');
    if (eq <= 0) throw new ConfigError(name, 'is malformed: expected key=value pairs separated by ";"');
    parts.set(piece.slice(0, eq).trim().toLowerCase(), piece.slice(eq + 1).trim());
  }
  const hasAccount = parts.has('accountname') || parts.has('blobendpoint');
  const hasSecret = parts.has('accountkey') || parts.has('sharedaccesssignature');
  if (!hasAccount) throw new ConfigError(name, 'is malformed: it names no AccountName or BlobEndpoint');
  if (!hasSecret) throw new ConfigError(name, 'is malformed: it has no AccountKey or SharedAccessSignature');
  const endpoint = parts.get('blobendpoint');
  if (endpoint !== undefined) parseUrlSetting(`${name} (BlobEndpoint)`, endpoint);
  return parts;
}

function positiveInt(env: Env, name: string, fallback: number, min = 1): number {
  const raw = setting(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw new ConfigError(name, `must be an integer ≥ ${min}, got "${raw}"`);
  }
  return Number(raw);
}

function storageTarget(env: Env): StorageTarget {
  const rawMode = setting(env, 'AZURE_STORAGE_AUTH_MODE')?.toLowerCase();
  if (rawMode !== undefined && !AUTH_MODES.includes(rawMode as AuthMode)) {
    throw new ConfigError(
      'AZURE_STORAGE_AUTH_MODE',
      `must be one of ${AUTH_MODES.join(', ')} (got "${rawMode}")`,
    );
  }
  const connectionString = setting(env, 'AZURE_STORAGE_CONNECTION_STRING');
  const accountUrlSet = setting(env, 'AZURE_STORAGE_ACCOUNT_URL') !== undefined;
  const mode: AuthMode =
    (rawMode as AuthMode | undefined) ??
    (connectionString !== undefined || !accountUrlSet ? 'connection_string' : 'default');
  if (mode === 'connection_string') {
    if (connectionString === undefined) {
      throw new ConfigError(
        'AZURE_STORAGE_CONNECTION_STRING',
        rawMode === undefined
          ? 'is not set, and neither is AZURE_STORAGE_ACCOUNT_URL: set one of them'
          : 'is required when AZURE_STORAGE_AUTH_MODE=connection_string',
      );
    }
    connectionStringParts('AZURE_STORAGE_CONNECTION_STRING', connectionString);
    const endpoint = setting(env, 'AZURE_STORAGE_ENDPOINT');
    return {
      mode,
      connectionString,
      ...(endpoint !== undefined && { endpoint: parseUrlSetting('AZURE_STORAGE_ENDPOINT', endpoint) }),
    };
  }
  const accountUrl = setting(env, 'AZURE_STORAGE_ACCOUNT_URL');
  if (accountUrl === undefined) {
    throw new ConfigError(
      'AZURE_STORAGE_ACCOUNT_URL',
      rawMode === undefined
        ? 'is not set, and neither is AZURE_STORAGE_CONNECTION_STRING: set one of them'
        : `is required when AZURE_STORAGE_AUTH_MODE=${mode}`,
    );
  }
  const clientId = setting(env, 'AZURE_CLIENT_ID');
  const target = {
    mode,
    accountUrl: parseUrlSetting('AZURE_STORAGE_ACCOUNT_URL', accountUrl),
    ...(clientId !== undefined && { clientId }),
  };
  if (mode !== 'workload_identity') return target;
  const required = (name: string) => {
    const v = setting(env, name);
    if (v === undefined) {
      throw new ConfigError(
        name,
        'is required when AZURE_STORAGE_AUTH_MODE=workload_identity (the AKS workload identity webhook sets it)',
      );
    }
    return v;
  };
  return {
    ...target,
    workload: {
      tenantId: required('AZURE_TENANT_ID'),
      clientId: required('AZURE_CLIENT_ID'),
      tokenFilePath: required('AZURE_FEDERATED_TOKEN_FILE'),
    },
  };
}

/** `QUERY_AUTH_LEVEL` (default `anonymous`): the auth level of the query routes. */
export function queryAuthLevel(env: Env): 'anonymous' | 'function' {
  const level = (setting(env, 'QUERY_AUTH_LEVEL') ?? 'anonymous').toLowerCase();
  if (level !== 'anonymous' && level !== 'function') {
    throw new ConfigError('QUERY_AUTH_LEVEL', `must be "anonymous" or "function" (got "${level}")`);
  }
  return level;
}

/** `INDEXER_TRIGGER_SOURCE` (default `LogsAndContainerScan`, the polling source; `EventGrid` for Event Grid). */
export function indexerTriggerSource(env: Env): TriggerSource {
  const raw = setting(env, 'INDEXER_TRIGGER_SOURCE') ?? 'LogsAndContainerScan';
  const lower = raw.toLowerCase();
  if (lower === 'eventgrid') return 'EventGrid';
  if (lower === 'logsandcontainerscan') return 'LogsAndContainerScan';
  throw new ConfigError(
    'INDEXER_TRIGGER_SOURCE',
    `must be "LogsAndContainerScan" or "EventGrid" (got "${raw}")`,
  );
}

/** The reconcile schedule the deployment template and local.settings.example.json set: hourly, on the hour (UTC). */
export const DEFAULT_RECONCILE_SCHEDULE = '0 0 * * * *';

/** Plans on which the host refuses TimeSpan timer schedules (they run only on an App Service plan). */
const NO_TIMESPAN_SKUS = new Set(['dynamic', 'flexconsumption', 'elasticpremium']);

/** The compaction timer's default schedule: every 5 s, so a trailing index re-read is due within a window and a tick. */
export const DEFAULT_COMPACT_SCHEDULE = '*/5 * * * * *';

/**
 * A timer schedule setting, checked: six NCRONTAB fields, or a TimeSpan `hh:mm:ss` where the plan runs
 * one (App Service plans only: refused when WEBSITE_SKU says Consumption, Flex or Premium).
 */
function timerSchedule(env: Env, name: string, fn: string, example: string): string | undefined {
  const raw = setting(env, name);
  if (raw === undefined) return undefined;
  const cron = /^[0-9A-Za-z*,/-]+(\s+[0-9A-Za-z*,/-]+){5}$/.test(raw);
  const span = /^(\d+\.)?\d{1,2}:\d{2}:\d{2}$/.test(raw);
  if (!cron && !span) {
    const hint =
      raw.toLowerCase() === 'off' ? ` (to turn the timer off, set AzureWebJobs.${fn}.Disabled=true)` : '';
    throw new ConfigError(
      name,
      `must be six NCRONTAB fields ({second} {minute} {hour} {day} {month} {day-of-week}) or a TimeSpan hh:mm:ss (got "${raw}")${hint}`,
    );
  }
  const sku = setting(env, 'WEBSITE_SKU');
  if (span && sku !== undefined && NO_TIMESPAN_SKUS.has(sku.toLowerCase())) {
    throw new ConfigError(
      name,
      `a TimeSpan schedule runs only on an App Service plan, not on ${sku}: use six NCRONTAB fields, e.g. "${example}"`,
    );
  }
  return raw;
}

/**
 * `INDEX_RECONCILE_SCHEDULE`, checked when set (see timerSchedule). The timer binds the setting itself
 * (`%INDEX_RECONCILE_SCHEDULE%`); to turn the timer off, set `AzureWebJobs.reconcileIndex.Disabled=true`,
 * as for any function.
 */
export function indexReconcileSchedule(env: Env): string | undefined {
  return timerSchedule(env, 'INDEX_RECONCILE_SCHEDULE', 'reconcileIndex', DEFAULT_RECONCILE_SCHEDULE);
}

/**
 * `INDEX_COMPACT_SCHEDULE`, checked (see timerSchedule); unset, every 5 s. Read when the function
 * registers (a bad value registers the default, and the app answers 503 naming the setting). A longer
 * interval costs fewer executions on a consumption plan and delays, by as much, the trailing re-reads
 * that make `bytes` and `lastActivity` exact (docs/indexer.md, "Exact and approximate").
 */
export function indexCompactSchedule(env: Env): string {
  return (
    timerSchedule(env, 'INDEX_COMPACT_SCHEDULE', 'compactIndex', DEFAULT_COMPACT_SCHEDULE) ??
    DEFAULT_COMPACT_SCHEDULE
  );
}

/** The container name (default `ray-historyserver`), checked. */
export function containerName(env: Env): string {
  const container = setting(env, 'AZURE_STORAGE_CONTAINER') ?? 'ray-historyserver';
  if (!CONTAINER_RE.test(container)) {
    throw new ConfigError(
      'AZURE_STORAGE_CONTAINER',
      `"${container}" is not a valid container name (3-63 lowercase letters, digits and single hyphens)`,
    );
  }
  return container;
}

/** What function registrations need, read without ever throwing (a bad value falls back to its default; the app then answers 503 naming it). */
export interface RegistrationSettings {
  queryAuthLevel: 'anonymous' | 'function';
  triggerSource: TriggerSource;
  container: string;
  compactSchedule: string;
}

function orDefault<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ConfigError) return fallback;
    throw err;
  }
}

/** The values function files register with; never throws. */
export function registrationSettings(env: Env = process.env): RegistrationSettings {
  return {
    // A bad QUERY_AUTH_LEVEL registers the stricter level: a typo must not open the routes.
    queryAuthLevel: orDefault(() => queryAuthLevel(env), 'function'),
    triggerSource: orDefault(() => indexerTriggerSource(env), 'LogsAndContainerScan'),
    container: orDefault(() => containerName(env), 'ray-historyserver'),
    compactSchedule: orDefault(() => indexCompactSchedule(env), DEFAULT_COMPACT_SCHEDULE),
  };
}

/**
 * Blocks per log segment. Azure takes 50,000 per append blob, but Azurite with data on disk opens one
 * file per block of a download at once, so a segment past its open-file limit cannot be read locally
 * (docs/reliability.md, "Local storage"); 2,000 stays far below common limits at no cost on Azure.
 */
export const DEFAULT_SEGMENT_MAX_BLOCKS = 2_000;

/** Builds the configuration from an environment; throws ConfigError naming the first bad setting. */
export function loadConfig(env: Env): AppConfig {
  const container = containerName(env);
  const queryAuth = queryAuthLevel(env);
  const triggerSource = indexerTriggerSource(env);
  const reconcileSchedule = indexReconcileSchedule(env);
  const compactSchedule = indexCompactSchedule(env);
  return {
    storage: storageTarget(env),
    container,
    maxBodyBytes: positiveInt(env, 'INGEST_MAX_BODY_BYTES', 100 * 1024 * 1024),
    segmentMaxBlocks: positiveInt(env, 'LOG_SEGMENT_MAX_BLOCKS', DEFAULT_SEGMENT_MAX_BLOCKS, 2),
    queryAuthLevel: queryAuth,
    triggerSource,
    ...(reconcileSchedule !== undefined && { reconcileSchedule }),
    compactSchedule,
    search: searchSettings(env),
  };
}

function searchSettings(env: Env): SearchSettings {
  try {
    return searchSettingsFrom(env);
  } catch (err) {
    if (err instanceof SearchSettingError)
      throw new ConfigError(err.setting, err.message.replace(`${err.setting} `, ''));
    throw err;
  }
}

/**
 * The app's own settings (`AZURE_STORAGE_*`, `INGEST_*`, `QUERY_AUTH_LEVEL`, `INDEX*`), read from
 * `process.env` unless a caller passes another environment. Not the only reader of the environment:
 * connection.ts resolves the trigger's `HistoryStorage` connection by the host's rules, the local host
 * (src/host/) reads its own `LOCAL_HOST_*` settings, and the CLIs hand `process.env` to their parsers.
 * Settings are validated once, on first use, and every error names the setting at fault without ever
 * echoing a key or a SAS signature.
 */

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
  /** Appends a log segment blob takes before the file rolls over to a new segment. Default 45,000. */
  segmentMaxBlocks: number;
  /** `anonymous` (default) or `function`: the auth level of the query routes. */
  queryAuthLevel: 'anonymous' | 'function';
}

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

/**
 * `QUERY_AUTH_LEVEL` alone (default `anonymous`): function files read it when they register, which
 * must work before the storage settings are known (e.g. a test importing a handler).
 */
export function queryAuthLevel(env: Env = process.env): 'anonymous' | 'function' {
  const level = (setting(env, 'QUERY_AUTH_LEVEL') ?? 'anonymous').toLowerCase();
  if (level !== 'anonymous' && level !== 'function') {
    throw new ConfigError('QUERY_AUTH_LEVEL', `must be "anonymous" or "function" (got "${level}")`);
  }
  return level;
}

/**
 * `INDEXER_TRIGGER_SOURCE` alone (default `LogsAndContainerScan`, the polling source; `EventGrid` for
 * the Event Grid source): the indexer's blob triggers read it when they register.
 */
export function indexerTriggerSource(env: Env = process.env): 'LogsAndContainerScan' | 'EventGrid' {
  const raw = setting(env, 'INDEXER_TRIGGER_SOURCE') ?? 'LogsAndContainerScan';
  const lower = raw.toLowerCase();
  if (lower === 'eventgrid') return 'EventGrid';
  if (lower === 'logsandcontainerscan') return 'LogsAndContainerScan';
  throw new ConfigError(
    'INDEXER_TRIGGER_SOURCE',
    `must be "LogsAndContainerScan" or "EventGrid" (got "${raw}")`,
  );
}

/** The default reconcile schedule: hourly, on the hour (UTC). */
export const DEFAULT_RECONCILE_SCHEDULE = '0 0 * * * *';

/**
 * `INDEX_RECONCILE_SCHEDULE` alone: when the `reconcileIndex` timer rebuilds the index from a listing
 * (makes byte counts exact, drops what was deleted). A six-field NCRONTAB expression or a TimeSpan
 * `hh:mm:ss`, as the Functions host takes them; default hourly; `off` registers no timer. Read when the
 * function registers. Only the shape is checked here; the host parses the values.
 */
export function indexReconcileSchedule(env: Env = process.env): string | undefined {
  const raw = setting(env, 'INDEX_RECONCILE_SCHEDULE') ?? DEFAULT_RECONCILE_SCHEDULE;
  if (raw.toLowerCase() === 'off') return undefined;
  const cron = /^[0-9A-Za-z*,/-]+(\s+[0-9A-Za-z*,/-]+){5}$/.test(raw);
  const span = /^(\d+\.)?\d{1,2}:\d{2}:\d{2}$/.test(raw);
  if (!cron && !span) {
    throw new ConfigError(
      'INDEX_RECONCILE_SCHEDULE',
      `must be six NCRONTAB fields ({second} {minute} {hour} {day} {month} {day-of-week}), a TimeSpan hh:mm:ss, or "off" (got "${raw}")`,
    );
  }
  return raw;
}

/** Builds the configuration from an environment; throws ConfigError naming the first bad setting. */
export function loadConfig(env: Env = process.env): AppConfig {
  const container = setting(env, 'AZURE_STORAGE_CONTAINER') ?? 'ray-historyserver';
  if (!CONTAINER_RE.test(container)) {
    throw new ConfigError(
      'AZURE_STORAGE_CONTAINER',
      `"${container}" is not a valid container name (3-63 lowercase letters, digits and single hyphens)`,
    );
  }
  const queryAuth = queryAuthLevel(env);
  indexerTriggerSource(env);
  indexReconcileSchedule(env);
  return {
    storage: storageTarget(env),
    container,
    maxBodyBytes: positiveInt(env, 'INGEST_MAX_BODY_BYTES', 100 * 1024 * 1024),
    segmentMaxBlocks: positiveInt(env, 'LOG_SEGMENT_MAX_BLOCKS', 45_000, 2),
    queryAuthLevel: queryAuth,
  };
}

let cached: AppConfig | undefined;

/** The process-wide configuration, read once. */
export function config(): AppConfig {
  cached ??= loadConfig();
  return cached;
}

/** Forgets the cached configuration (tests and the local host's restarts only). */
export function resetConfig(): void {
  cached = undefined;
}

/**
 * Settings of the local host itself (not of the app: the app reads its settings only in
 * src/storage/config.ts). The real Functions host reads these from its own environment, and so does
 * this one, from the process environment after local.settings.json "Values" were applied.
 */
import type { BodyRate } from './bodyRate.js';

export interface HostKeys {
  /** The master key: passes every auth level, and is the only key for `admin`. */
  master: string;
  /** Host-wide function keys: pass `function` level on every function. */
  function: string[];
}

export interface HostConfig {
  /** Request body limit in bytes. FUNCTIONS_REQUEST_BODY_SIZE_LIMIT; default 104857600 (100 MiB). */
  maxRequestBodyBytes: number;
  /** Enforce keys (LOCAL_HOST_AUTH=true or --enableAuth). Default off, as `func start`. */
  auth: boolean;
  keys: HostKeys;
  /** Blob-trigger container scan interval. LOCAL_HOST_BLOB_POLL_MS; default 1000. */
  blobPollMs: number;
  /**
   * Between two scan pages once a whole pass found nothing. LOCAL_HOST_BLOB_IDLE_SCAN_MS; default
   * 10 × the poll, at most 10 s (Azure's pace). Slower makes an idle host cheaper over a container of
   * many blobs, where each page costs Azurite in-memory seconds; blobs written by other processes are
   * then found later (this process's own writes are seen at once).
   */
  blobIdleScanMs: number;
  /** Blob-trigger invocations running at once. LOCAL_HOST_BLOB_CONCURRENCY; default 8. */
  blobConcurrency: number;
  /** Host id for receipts and queue names. LOCAL_HOST_ID; default "localhost". */
  hostId: string;
  /**
   * Largest blob whose bytes the blob trigger hands to the function (LOCAL_HOST_BLOB_MAX_CONTENT_BYTES;
   * default 16 MiB; 0 = no limit, as Azure). A larger blob is delivered as an empty Buffer with full
   * trigger metadata, so polling a growing multi-GB log does not read it whole on every append.
   */
  blobMaxContentBytes: number;
  /** Make streamed responses wait for the client (LOCAL_HOST_STREAM_BACKPRESSURE; default true). */
  streamBackpressure: boolean;
  /**
   * How a streamed HTTP request reaches the library's proxy (LOCAL_HOST_HTTP_TRANSPORT): `inprocess`
   * (default) hands it to the proxy's server object in this process; `loopback` forwards it over
   * HTTP to the proxy's port, as the Functions host does. Same behaviour, one less copy of every byte.
   */
  httpTransport: 'inprocess' | 'loopback';
  /** The slowest request body waited for (Kestrel's MinRequestBodyDataRate): see bodyRate.ts. */
  bodyRate: BodyRate;
}

type Env = Record<string, string | undefined>;

function intSetting(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw new Error(`${name}: must be an integer ≥ ${min}, got "${raw}"`);
  }
  return Number(raw);
}

function boolSetting(env: Env, name: string): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new Error(`${name}: must be "true" or "false", got "${raw}"`);
}

function transportSetting(env: Env): HostConfig['httpTransport'] {
  const raw = env.LOCAL_HOST_HTTP_TRANSPORT?.trim().toLowerCase();
  if (raw === undefined || raw === '' || raw === 'inprocess') return 'inprocess';
  if (raw === 'loopback') return 'loopback';
  throw new Error(`LOCAL_HOST_HTTP_TRANSPORT: must be "inprocess" or "loopback", got "${raw}"`);
}

/** Development keys used when auth is on and no key is configured (printed at start-up). */
export const DEFAULT_KEYS: HostKeys = { master: 'local-master-key', function: ['local-function-key'] };

/** Reads the host's settings; throws an Error naming the setting at fault. */
export function loadHostConfig(env: Env = process.env): HostConfig {
  const fnKeys = (env.LOCAL_HOST_FUNCTION_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  const master = env.LOCAL_HOST_MASTER_KEY?.trim();
  const blobPollMs = intSetting(env, 'LOCAL_HOST_BLOB_POLL_MS', 1_000, 10);
  return {
    maxRequestBodyBytes: intSetting(env, 'FUNCTIONS_REQUEST_BODY_SIZE_LIMIT', 104_857_600, 1),
    auth: boolSetting(env, 'LOCAL_HOST_AUTH'),
    keys: {
      master: master === undefined || master === '' ? DEFAULT_KEYS.master : master,
      function: fnKeys.length > 0 ? fnKeys : DEFAULT_KEYS.function,
    },
    blobPollMs,
    blobIdleScanMs: intSetting(env, 'LOCAL_HOST_BLOB_IDLE_SCAN_MS', Math.min(10 * blobPollMs, 10_000), 10),
    blobConcurrency: intSetting(env, 'LOCAL_HOST_BLOB_CONCURRENCY', 8, 1),
    blobMaxContentBytes: intSetting(env, 'LOCAL_HOST_BLOB_MAX_CONTENT_BYTES', 16 * 1024 * 1024, 0),
    hostId: env.LOCAL_HOST_ID?.trim() || 'localhost',
    streamBackpressure:
      env.LOCAL_HOST_STREAM_BACKPRESSURE === undefined || boolSetting(env, 'LOCAL_HOST_STREAM_BACKPRESSURE'),
    httpTransport: transportSetting(env),
    bodyRate: {
      minBytesPerSecond: intSetting(env, 'LOCAL_HOST_MIN_BODY_RATE', 240, 0),
      graceMs: intSetting(env, 'LOCAL_HOST_BODY_RATE_GRACE_MS', 5_000, 0),
    },
  };
}

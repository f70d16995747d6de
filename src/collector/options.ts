/**
 * The collector's options: each a command-line flag and an environment variable (the flag wins).
 * This is the collector's one configuration module; it never reads the app's storage settings,
 * because the collector holds only a function key, never storage credentials.
 */
import { hostname } from 'node:os';
import path from 'node:path';
import { clusterIdName, clusterName, namespaceName, nodeName } from '../core/names.js';

export interface CollectorOptions {
  /** Base URL of the Functions app, e.g. `https://app.azurewebsites.net` (`/api` is added unless present). */
  endpoint: string;
  /** Function key sent as `x-functions-key`; none when empty. */
  key: string;
  namespace: string;
  cluster: string;
  /** Default: the namespace. */
  clusterId: string;
  /** Node name logs are stored under. Default: `$HOSTNAME` (the pod name). */
  node: string;
  /** Ray's temp dir. Default `/tmp/ray`. */
  rayDir: string;
  /** Largest request body before compression. Default 1 MiB. */
  batchBytes: number;
  /** Requests in flight at once (each for different files). Default 4. */
  concurrency: number;
  /** Time between scans. Default 5 s. */
  intervalMs: number;
  /** Where checkpoints live. Default `<rayDir>/.history-collector`. */
  checkpointDir: string;
  /** Ship everything now and exit. */
  once: boolean;
  /** With `--once`: give up when a request keeps failing this long. Default 60 s. */
  retryTimeoutMs: number;
  /** `auto` (default): a live line on a terminal, JSON lines otherwise. */
  logFormat: 'auto' | 'text' | 'json';
}

/** A bad option or environment variable: exit code 2 with the message. */
export class UsageError extends Error {
  override name = 'UsageError';
}

interface Spec {
  flag: string;
  env: string;
  help: string;
  boolean?: boolean;
}

const SPECS: Record<string, Spec> = {
  endpoint: { flag: 'endpoint', env: 'RAY_HISTORY_ENDPOINT', help: 'base URL of the history app (required)' },
  key: { flag: 'key', env: 'RAY_HISTORY_KEY', help: 'function key (x-functions-key)' },
  namespace: {
    flag: 'namespace',
    env: 'RAY_HISTORY_NAMESPACE',
    help: 'Kubernetes namespace (default $POD_NAMESPACE)',
  },
  cluster: {
    flag: 'cluster',
    env: 'RAY_HISTORY_CLUSTER',
    help: 'RayCluster name (default $RAY_CLUSTER_NAME)',
  },
  clusterId: {
    flag: 'cluster-id',
    env: 'RAY_HISTORY_CLUSTER_ID',
    help: 'cluster id (default: the namespace)',
  },
  node: { flag: 'node', env: 'RAY_HISTORY_NODE', help: 'node name (default $HOSTNAME, the pod name)' },
  rayDir: { flag: 'ray-dir', env: 'RAY_HISTORY_RAY_DIR', help: 'Ray temp dir (default /tmp/ray)' },
  batchBytes: {
    flag: 'batch-bytes',
    env: 'RAY_HISTORY_BATCH_BYTES',
    help: 'max bytes per request before gzip (default 1048576)',
  },
  interval: {
    flag: 'interval',
    env: 'RAY_HISTORY_INTERVAL',
    help: 'time between scans: 5s, 500ms (default 5s)',
  },
  checkpointDir: {
    flag: 'checkpoint-dir',
    env: 'RAY_HISTORY_CHECKPOINT_DIR',
    help: 'checkpoint dir (default <ray-dir>/.history-collector)',
  },
  once: { flag: 'once', env: 'RAY_HISTORY_ONCE', help: 'ship everything now and exit', boolean: true },
  retryTimeout: {
    flag: 'retry-timeout',
    env: 'RAY_HISTORY_RETRY_TIMEOUT',
    help: 'with --once, give up after failing this long (default 60s)',
  },
  logFormat: { flag: 'log-format', env: 'RAY_HISTORY_LOG_FORMAT', help: 'auto | text | json (default auto)' },
};

/** The `--help` text. */
export function helpText(): string {
  const rows = Object.values(SPECS).map((s) => {
    const left = `  --${s.flag}${s.boolean === true ? '' : ' <value>'}`;
    return `${left.padEnd(30)}${s.env.padEnd(28)}${s.help}`;
  });
  return [
    'Usage: ray-history-collector [options]',
    '',
    'Tails a Ray temp dir (session_latest, session_*, prev-logs) and ships every log file to the',
    'Ray history app through its ingest API, exactly once, resuming from durable checkpoints.',
    '',
    `${'  option'.padEnd(30)}${'environment'.padEnd(28)}meaning`,
    ...rows,
    '  --help                      show this text',
    '',
    'Exit codes: 0 everything shipped; 1 something could not be shipped; 2 bad options or not a Ray temp dir.',
  ].join('\n');
}

/** Parses `5s`, `500ms`, `2m` or a plain number of seconds. */
export function parseDuration(name: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (m === null)
    throw new UsageError(`${name}: ${JSON.stringify(value)} is not a duration (e.g. 5s, 500ms)`);
  const n = Number(m[1]);
  const ms = m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
  if (ms < 10 || ms > 3_600_000) throw new UsageError(`${name}: must be from 10ms to 1h (got ${value})`);
  return Math.round(ms);
}

function parseBool(name: string, value: string): boolean {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off|)$/i.test(value)) return false;
  throw new UsageError(`${name}: ${JSON.stringify(value)} is not a boolean (true/false)`);
}

/** Splits argv into flag values; `--flag value`, `--flag=value`, and bare booleans. */
function parseArgv(argv: string[]): Map<string, string> | 'help' {
  const byFlag = new Map(Object.entries(SPECS).map(([k, s]) => [s.flag, { key: k, spec: s }]));
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return 'help';
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const found = m === null ? undefined : byFlag.get(m[1] ?? '');
    if (m === null || found === undefined)
      throw new UsageError(`unknown option ${JSON.stringify(arg)} (see --help)`);
    let value = m[2];
    if (value === undefined) {
      if (found.spec.boolean === true) value = 'true';
      else {
        value = argv[++i];
        if (value === undefined) throw new UsageError(`--${found.spec.flag} needs a value`);
      }
    }
    out.set(found.key, value);
  }
  return out;
}

function validName(name: string, check: () => unknown): void {
  try {
    check();
  } catch (err) {
    throw new UsageError(`${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function endpointUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(
      `--endpoint: ${JSON.stringify(value)} is not a URL (e.g. https://my-app.azurewebsites.net)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--endpoint: must be http(s), got ${url.protocol}`);
  }
  if (url.search !== '')
    throw new UsageError('--endpoint: must not carry a query string; pass the key with --key');
  const base = url.toString().replace(/\/+$/, '');
  return base.endsWith('/api') ? base : `${base}/api`;
}

/** Reads the options from argv and the environment; 'help' when `--help` was asked for. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): CollectorOptions | 'help' {
  const flags = parseArgv(argv);
  if (flags === 'help') return 'help';
  const get = (key: string): string | undefined => {
    const spec = SPECS[key];
    const v = flags.get(key) ?? (spec === undefined ? undefined : env[spec.env]);
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const required = (key: string, fallback?: string): string => {
    const v = get(key) ?? fallback;
    const spec = SPECS[key];
    if (v === undefined || v === '') throw new UsageError(`--${spec?.flag} (or ${spec?.env}) is required`);
    return v;
  };
  const endpoint = endpointUrl(required('endpoint'));
  const namespace = required('namespace', env.POD_NAMESPACE);
  const cluster = required('cluster', env.RAY_CLUSTER_NAME);
  const clusterId = get('clusterId') ?? namespace;
  const node = required('node', env.HOSTNAME ?? hostname());
  validName('--namespace', () => namespaceName(namespace));
  validName('--cluster', () => clusterName(cluster));
  validName('--cluster-id', () => clusterIdName(clusterId));
  validName('--node', () => nodeName(node));
  const rayDir = path.resolve(get('rayDir') ?? '/tmp/ray');
  const batchText = get('batchBytes') ?? '1048576';
  const batchBytes = Number(batchText);
  if (!/^\d+$/.test(batchText) || batchBytes < 1024 || batchBytes > 64 * 1024 * 1024) {
    throw new UsageError(`--batch-bytes: must be an integer from 1024 to 67108864 (got ${batchText})`);
  }
  const concurrencyText = get('concurrency') ?? '4';
  if (!/^\d+$/.test(concurrencyText) || Number(concurrencyText) < 1 || Number(concurrencyText) > 32) {
    throw new UsageError(`--concurrency: must be an integer from 1 to 32 (got ${concurrencyText})`);
  }
  const logFormat = get('logFormat') ?? 'auto';
  if (logFormat !== 'auto' && logFormat !== 'text' && logFormat !== 'json') {
    throw new UsageError(`--log-format: must be auto, text or json (got ${logFormat})`);
  }
  return {
    endpoint,
    key: get('key') ?? '',
    namespace,
    cluster,
    clusterId,
    node,
    rayDir,
    batchBytes,
    concurrency: Number(concurrencyText),
    intervalMs: parseDuration('--interval', get('interval') ?? '5s'),
    checkpointDir: path.resolve(get('checkpointDir') ?? path.join(rayDir, '.history-collector')),
    once: parseBool('--once', get('once') ?? 'false'),
    retryTimeoutMs: parseDuration('--retry-timeout', get('retryTimeout') ?? '60s'),
    logFormat,
  };
}

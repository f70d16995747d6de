/**
 * The collector's options: each a command-line flag and an environment variable (the flag wins).
 * One table, OPTIONS, declares them; the parser, the environment fallbacks and `--help` all come from
 * it, and a test checks README.md's collector table against it. The collector never reads the app's
 * storage settings: it holds only a function key, never storage credentials.
 */
import { hostname } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
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

/** What a parser sees besides its own value: the environment and the options read before it. */
interface Context {
  env: NodeJS.ProcessEnv;
  earlier: Partial<CollectorOptions>;
}

export interface OptionSpec<T> {
  /** The flag without `--`. */
  flag: string;
  env: string;
  /** The default as README.md and `--help` show it. */
  default: string;
  /** One line for `--help`. */
  help: string;
  /** A flag that takes no value (`--once`); its variable takes true/false. */
  boolean?: true;
  /** The value from its text (trimmed; undefined when neither flag nor variable gave one). */
  parse: (text: string | undefined, ctx: Context) => T;
}

/** Every option, in the order they are read (a default may depend on an earlier option). */
export const OPTIONS: { readonly [K in keyof CollectorOptions]: OptionSpec<CollectorOptions[K]> } = {
  endpoint: {
    flag: 'endpoint',
    env: 'RAY_HISTORY_ENDPOINT',
    default: 'required',
    help: 'base URL of the history app',
    parse: (text) => endpointUrl(required('endpoint', text)),
  },
  key: {
    flag: 'key',
    env: 'RAY_HISTORY_KEY',
    default: 'none',
    help: 'function key (x-functions-key)',
    parse: (text) => text ?? '',
  },
  namespace: {
    flag: 'namespace',
    env: 'RAY_HISTORY_NAMESPACE',
    default: '$POD_NAMESPACE',
    help: 'Kubernetes namespace',
    parse: (text, { env }) =>
      validName('namespace', required('namespace', text ?? env.POD_NAMESPACE), namespaceName),
  },
  cluster: {
    flag: 'cluster',
    env: 'RAY_HISTORY_CLUSTER',
    default: '$RAY_CLUSTER_NAME',
    help: 'RayCluster name',
    parse: (text, { env }) =>
      validName('cluster', required('cluster', text ?? env.RAY_CLUSTER_NAME), clusterName),
  },
  clusterId: {
    flag: 'cluster-id',
    env: 'RAY_HISTORY_CLUSTER_ID',
    default: 'the namespace',
    help: 'cluster id',
    parse: (text, { earlier }) => validName('clusterId', text ?? read(earlier, 'namespace'), clusterIdName),
  },
  node: {
    flag: 'node',
    env: 'RAY_HISTORY_NODE',
    default: '$HOSTNAME (the pod name)',
    help: 'node name the logs are stored under',
    parse: (text, { env }) =>
      validName('node', required('node', text ?? nonEmpty(env.HOSTNAME) ?? hostname()), nodeName),
  },
  rayDir: {
    flag: 'ray-dir',
    env: 'RAY_HISTORY_RAY_DIR',
    default: '/tmp/ray',
    help: "Ray's temp dir",
    parse: (text) => path.resolve(text ?? '/tmp/ray'),
  },
  batchBytes: {
    flag: 'batch-bytes',
    env: 'RAY_HISTORY_BATCH_BYTES',
    default: '1048576',
    help: 'largest request body before gzip, 1024 to 67108864',
    parse: (text) => integer('batchBytes', text ?? '1048576', 1024, 64 * 1024 * 1024),
  },
  concurrency: {
    flag: 'concurrency',
    env: 'RAY_HISTORY_CONCURRENCY',
    default: '4',
    help: 'requests in flight at once, each for different files, 1 to 32',
    parse: (text) => integer('concurrency', text ?? '4', 1, 32),
  },
  intervalMs: {
    flag: 'interval',
    env: 'RAY_HISTORY_INTERVAL',
    default: '5s',
    help: 'time between scans: 5s, 500ms, 1m',
    parse: (text) => parseDuration('--interval', text ?? '5s'),
  },
  checkpointDir: {
    flag: 'checkpoint-dir',
    env: 'RAY_HISTORY_CHECKPOINT_DIR',
    default: '<ray-dir>/.history-collector',
    help: 'where checkpoints live',
    parse: (text, { earlier }) =>
      path.resolve(text ?? path.join(read(earlier, 'rayDir'), '.history-collector')),
  },
  once: {
    flag: 'once',
    env: 'RAY_HISTORY_ONCE',
    default: 'off',
    help: 'ship everything now and exit',
    boolean: true,
    parse: (text) => parseBool('--once', text ?? 'false'),
  },
  retryTimeoutMs: {
    flag: 'retry-timeout',
    env: 'RAY_HISTORY_RETRY_TIMEOUT',
    default: '60s (with --once)',
    help: 'with --once, give up when a request keeps failing this long',
    parse: (text) => parseDuration('--retry-timeout', text ?? '60s'),
  },
  logFormat: {
    flag: 'log-format',
    env: 'RAY_HISTORY_LOG_FORMAT',
    default: 'auto',
    help: 'auto | text | json',
    parse: (text) => {
      const format = text ?? 'auto';
      if (format === 'auto' || format === 'text' || format === 'json') return format;
      throw new UsageError(`--log-format: must be auto, text or json (got ${format})`);
    },
  },
};

/** The options in table order. */
export function optionList(): Array<OptionSpec<unknown> & { name: keyof CollectorOptions }> {
  return (Object.keys(OPTIONS) as Array<keyof CollectorOptions>).map((name) => ({
    name,
    ...(OPTIONS[name] as OptionSpec<unknown>),
  }));
}

function flagOf(name: keyof CollectorOptions): string {
  return `--${OPTIONS[name].flag}`;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function required(name: keyof CollectorOptions, v: string | undefined): string {
  if (v === undefined || v === '')
    throw new UsageError(`${flagOf(name)} (or ${OPTIONS[name].env}) is required`);
  return v;
}

/** An option read before this one (the table's order guarantees it). */
function read<K extends keyof CollectorOptions>(
  earlier: Partial<CollectorOptions>,
  name: K,
): CollectorOptions[K] {
  const v = earlier[name];
  if (v === undefined) throw new Error(`option ${name} is read after the options that depend on it`);
  return v;
}

function validName(name: keyof CollectorOptions, value: string, check: (v: string) => unknown): string {
  try {
    check(value);
  } catch (err) {
    throw new UsageError(`${flagOf(name)}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return value;
}

function integer(name: keyof CollectorOptions, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw new UsageError(`${flagOf(name)}: must be an integer from ${min} to ${max} (got ${text})`);
  return n;
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

/** The flags given on the command line, by option name; 'help' when `--help` was asked for. */
function readFlags(argv: string[]): Map<keyof CollectorOptions, string> | 'help' {
  const list = optionList();
  const { tokens } = parseArgs({
    args: argv,
    options: {
      ...Object.fromEntries(
        list.map((o) => [o.flag, { type: o.boolean === true ? ('boolean' as const) : ('string' as const) }]),
      ),
      help: { type: 'boolean', short: 'h' },
    },
    // Our own messages below, naming the option as the user wrote it.
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const byFlag = new Map(list.map((o) => [o.flag, o]));
  const out = new Map<keyof CollectorOptions, string>();
  for (const t of tokens) {
    if (t.kind === 'option-terminator') continue;
    if (t.kind === 'positional')
      throw new UsageError(`unexpected argument ${JSON.stringify(t.value)} (see --help)`);
    if (t.name === 'help') return 'help';
    const spec = byFlag.get(t.name);
    if (spec === undefined) throw new UsageError(`unknown option ${JSON.stringify(t.rawName)} (see --help)`);
    if (spec.boolean === true) out.set(spec.name, t.value ?? 'true');
    else if (t.value === undefined) throw new UsageError(`--${spec.flag} needs a value`);
    else out.set(spec.name, t.value);
  }
  return out;
}

/** Reads the options from argv and the environment; 'help' when `--help` was asked for. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): CollectorOptions | 'help' {
  const flags = readFlags(argv);
  if (flags === 'help') return 'help';
  const earlier: Partial<Record<keyof CollectorOptions, unknown>> = {};
  const ctx = { env, earlier: earlier as Partial<CollectorOptions> };
  for (const o of optionList()) earlier[o.name] = o.parse(nonEmpty(flags.get(o.name) ?? env[o.env]), ctx);
  return earlier as CollectorOptions;
}

/** The `--help` text. */
export function helpText(): string {
  const rows = optionList().map((o) => {
    const left = `  --${o.flag}${o.boolean === true ? '' : ' <value>'}`;
    return `${left.padEnd(30)}${o.env.padEnd(28)}${o.help} (default: ${o.default})`;
  });
  return [
    'Usage: ray-history-collector [options]',
    '',
    'Tails a Ray temp dir (session_latest, session_*, prev-logs) and ships every log file to the',
    'Ray history app through its ingest API, exactly once, resuming from durable checkpoints.',
    '',
    `${'  option'.padEnd(30)}${'environment'.padEnd(28)}meaning`,
    ...rows,
    '  -h, --help                  show this text',
    '',
    'Exit codes: 0 everything shipped; 1 something could not be shipped; 2 bad options or not a Ray temp dir.',
  ].join('\n');
}

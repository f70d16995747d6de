/**
 * Runs the compiled app (dist/) in the local host as a child process against the test run's Azurite,
 * for end-to-end tests over real HTTP. Build first: `npx tsc -p tsconfig.json` (npm test does).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnHost } from '../../src/host/spawn.js';
import { azuriteConnectionString, uniqueContainer } from './storage.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = path.join(REPO_ROOT, 'dist', 'src', 'host', 'cli.js');

export interface StartHostOptions {
  /** Extra environment for the host (wins over the defaults below). */
  env?: Record<string, string>;
  /** AZURE_STORAGE_CONTAINER; default a unique one. */
  container?: string;
  /** The function app to run; default the repo itself (its compiled dist/). */
  appDir?: string;
  /** Enforce keys (--enableAuth). */
  auth?: boolean;
  /** Keys when auth is on; default master "test-master-key", function key "test-function-key". */
  keys?: { master?: string; function?: string[] };
  /** A local.settings.json to apply; default none (the environment alone). */
  settingsFile?: string;
  /** Extra CLI arguments. */
  args?: string[];
  /** How long to wait for "Host listening on"; default 30 s. */
  startTimeoutMs?: number;
}

export interface RunningHost {
  baseUrl: string;
  /** The container the app writes to. */
  container: string;
  /** The host process id (for memory sampling from /proc). */
  pid: number;
  /** The keys in force when auth is on. */
  keys: { master: string; function: string[] };
  stop(): Promise<void>;
  /** Everything the host printed so far (stdout and stderr). */
  output(): string;
}

function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -p tsconfig.json)`);
}

/**
 * The environment every host gets: the run's Azurite for app data, trigger and host storage. The
 * app's hourly reconcile timer is disabled (the platform switch AzureWebJobs.<name>.Disabled) unless
 * a test turns it on, so that a run crossing the hour does not change what a test observes of the index.
 */
export function hostEnv(container: string, extra: Record<string, string> = {}): Record<string, string> {
  const cs = azuriteConnectionString();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('LOCAL_HOST_') && !k.startsWith('VITEST')) env[k] = v;
  }
  return {
    ...env,
    AZURE_STORAGE_CONNECTION_STRING: cs,
    HistoryStorage: cs,
    AzureWebJobsStorage: cs,
    AZURE_STORAGE_CONTAINER: container,
    INDEX_RECONCILE_SCHEDULE: '0 0 * * * *',
    'AzureWebJobs.reconcileIndex.Disabled': 'true',
    ...extra,
  };
}

/** Starts the host and resolves once it listens; rejects with its output if it exits first. */
export async function startHost(opts: StartHostOptions = {}): Promise<RunningHost> {
  assertBuilt();
  const container = opts.container ?? uniqueContainer('e2e');
  const keys = {
    master: opts.keys?.master ?? 'test-master-key',
    function: opts.keys?.function ?? ['test-function-key'],
  };
  const env = hostEnv(container, {
    LOCAL_HOST_MASTER_KEY: keys.master,
    LOCAL_HOST_FUNCTION_KEYS: keys.function.join(','),
    ...opts.env,
  });
  const host = await spawnHost({
    repoRoot: REPO_ROOT,
    appDir: opts.appDir ?? REPO_ROOT,
    env,
    ...(opts.settingsFile !== undefined && { settingsFile: opts.settingsFile }),
    args: [...(opts.auth === true ? ['--enableAuth'] : []), ...(opts.args ?? [])],
    ...(opts.startTimeoutMs !== undefined && { startTimeoutMs: opts.startTimeoutMs }),
  });
  return { baseUrl: host.baseUrl, container, pid: host.pid, keys, stop: host.stop, output: host.output };
}

/** Runs the host CLI to completion (for start-up failures); returns its exit code and output. */
export function runHostCli(
  args: string[],
  env: Record<string, string>,
): { code: number | null; output: string } {
  assertBuilt();
  const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

export interface ListedFunction {
  name: string;
  triggerType: string;
  route?: string;
  methods?: string[];
  authLevel?: string;
  /** `AzureWebJobs.<name>.Disabled` is set. */
  disabled: boolean;
  bindings: Record<string, Record<string, unknown>>;
}

/** The functions an app registers, as the host loads them (in a child process). */
export function listFunctions(appDir = REPO_ROOT, env: Record<string, string> = {}): ListedFunction[] {
  const r = runHostCli(['--app-dir', appDir, '--list-functions'], hostEnv(uniqueContainer('list'), env));
  if (r.code !== 0) throw new Error(`listing functions failed (${r.code}):\n${r.output}`);
  const line = r.output.split('\n').find((l) => l.startsWith('['));
  if (line === undefined) throw new Error(`no function list in:\n${r.output}`);
  return JSON.parse(line) as ListedFunction[];
}

/**
 * Posts Event Grid BlobCreated events for blobs to the host's blob webhook, as an Event Grid
 * subscription would (`source: 'EventGrid'` blob triggers); returns the status.
 */
export async function postBlobCreated(
  host: RunningHost,
  functionName: string,
  blobUrls: string[],
  key?: string,
): Promise<number> {
  const events = blobUrls.map((url, i) => ({
    id: `evt-${Date.now()}-${i}`,
    eventType: 'Microsoft.Storage.BlobCreated',
    subject: new URL(url).pathname,
    eventTime: new Date().toISOString(),
    dataVersion: '',
    data: { api: 'PutBlob', url },
  }));
  const res = await fetch(
    `${host.baseUrl}/runtime/webhooks/blobs?functionName=Host.Functions.${functionName}${key === undefined ? '' : `&code=${key}`}`,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'aeg-event-type': 'Notification' },
      body: JSON.stringify(events),
    },
  );
  return res.status;
}

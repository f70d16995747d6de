#!/usr/bin/env node
/**
 * `node dist/src/host/cli.js [options]`: the local Functions host (what `npm start` runs).
 * Prints "Host listening on <url>" once it serves requests; tests parse that line.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { installProxyBackpressure } from './backpressure.js';
import type { LogCategory, LogLevel } from './coreApi.js';
import { loadHostConfig } from './hostConfig.js';
import { describeFunctions, loadFunctionApp } from './loader.js';
import { applyLocalSettings } from './localSettings.js';
import { startLocalHost } from './localHost.js';
import { ensureLocalStorage } from './localStorage.js';
import { startTriggers } from './triggers.js';

const HELP = `Usage: node dist/src/host/cli.js [options]

Runs the function app in this directory the way the Azure Functions host does, on plain Node.js.

Options:
  --app-dir <dir>       the function app (package.json, host.json); default: the current directory
  --port <n>            HTTP port; default: local.settings.json Host.LocalHttpPort, else 7071; 0 = any free port
  --hostname <ip>       interface to listen on; default 127.0.0.1 (0.0.0.0 for all, e.g. in a container)
  --settings <file>     local settings file, or "none"; default: <app-dir>/local.settings.json
  --enableAuth          enforce function keys (same as LOCAL_HOST_AUTH=true); off by default, like func start
  --cors <origins>      comma-separated allowed origins (overrides Host.CORS)
  --azurite             npm start mode: create local.settings.json from the example on first start, and start
                        Azurite on ports 10000/10001 (data in <app-dir>/.azurite) when the settings use
                        the local emulator and nothing answers there yet
  --azurite-location <dir>  where that Azurite keeps its data; default <app-dir>/.azurite
  --list-functions      load the app, print its functions as JSON, and exit
  -h, --help            this text
`;

const VERBOSE = process.env.LOCAL_HOST_VERBOSE === 'true';

function log(level: LogLevel, _category: LogCategory, message: string): void {
  if ((level === 'debug' || level === 'trace' || level === 'none') && !VERBOSE) return;
  // One stream, as func prints, so lines keep their order (warnings before "Host listening on").
  const tag = level === 'warning' ? 'warning: ' : level === 'error' || level === 'critical' ? 'error: ' : '';
  process.stdout.write(`[${new Date().toISOString()}] ${tag}${message}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'app-dir': { type: 'string' },
      port: { type: 'string' },
      hostname: { type: 'string' },
      settings: { type: 'string' },
      enableAuth: { type: 'boolean' },
      cors: { type: 'string' },
      azurite: { type: 'boolean' },
      'azurite-location': { type: 'string' },
      'list-functions': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    process.stdout.write(HELP);
    return;
  }
  const appDir = path.resolve(values['app-dir'] ?? process.cwd());
  process.chdir(appDir);
  if (values['list-functions'] === true) {
    const app = await loadFunctionApp(appDir, () => undefined);
    process.stdout.write(JSON.stringify(describeFunctions(app)) + '\n');
    process.exit(0);
  }
  const settingsFile =
    values.settings === 'none'
      ? undefined
      : path.resolve(values.settings ?? path.join(appDir, 'local.settings.json'));
  const settings = applyLocalSettings(settingsFile, process.env, values.azurite === true);
  for (const note of settings.notes) log('information', 'system', note);
  // As Core Tools does.
  process.env.AZURE_FUNCTIONS_ENVIRONMENT = 'Development';
  process.env.AzureWebJobsScriptRoot = appDir;
  process.env.FUNCTIONS_WORKER_RUNTIME ??= 'node';
  const config = loadHostConfig(process.env);
  if (config.streamBackpressure) installProxyBackpressure();
  if (values.enableAuth === true) config.auth = true;
  const azuriteLocation = values['azurite-location'];
  const storage =
    values.azurite === true
      ? await ensureLocalStorage(appDir, process.env, log, {
          ...(azuriteLocation !== undefined && { location: path.resolve(azuriteLocation) }),
        })
      : undefined;
  const port = Number(values.port ?? settings.port ?? 7071);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port: "${values.port}" is not a port`);
  const cors =
    values.cors === undefined
      ? settings.cors
      : {
          origins: values.cors
            .split(',')
            .map((o) => o.trim())
            .filter((o) => o !== ''),
          credentials: false,
        };
  const host = await startLocalHost({
    appDir,
    port,
    ...(values.hostname !== undefined && { hostname: values.hostname }),
    config,
    cors,
    log,
    startTriggers: (app, hostJson) =>
      startTriggers(app, {
        config,
        maxDequeueCount: hostJson.maxDequeueCount,
        timeoutMs: hostJson.functionTimeoutMs,
        log,
      }),
  }).catch(async (err: unknown) => {
    await storage?.stop(); // the Azurite this run started must not outlive it
    throw err;
  });
  if (host.functions.length > 0) {
    const lines = host.functions.map(
      (f) =>
        (f.route === undefined
          ? `  ${f.name}: ${f.triggerType}`
          : `  ${f.name}: [${(f.methods ?? []).join(',') || 'ALL'}] ${host.url}/${[host.routePrefix, f.route].filter((p) => p !== '').join('/')}`) +
        (f.disabled ? ' (disabled)' : ''),
    );
    log('information', 'system', `Functions:\n${lines.join('\n')}`);
  }
  if (config.auth) {
    log(
      'information',
      'system',
      `Keys are enforced (auth on). Master key: ${config.keys.master}; function keys: ${config.keys.function.join(', ')}`,
    );
  }
  log('information', 'system', `Host listening on ${host.url}`);
  if (values.azurite === true) {
    log('information', 'system', `Try: curl ${host.url}/api/v1/health`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('information', 'system', `${signal}: stopping`);
    void stopAll(host, storage).then((code) => process.exit(code));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** How long the host may take to close (hooks, triggers, connections) before Azurite is stopped anyway. */
const HOST_CLOSE_MS = 10_000;

/**
 * Closes the host, then stops the Azurite it started — always, and awaited: Azurite saves its
 * metadata on a clean close, so exiting before it has closed could lose acknowledged writes.
 * Resolves with the exit code.
 */
async function stopAll(
  host: { close(): Promise<void> },
  storage: { stop(): Promise<void> } | undefined,
): Promise<number> {
  let code = 0;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), HOST_CLOSE_MS)));
  try {
    if ((await Promise.race([host.close().then(() => 'closed' as const), late])) === 'late') {
      log('warning', 'system', `the host did not close within ${HOST_CLOSE_MS} ms; stopping anyway`);
      code = 1;
    }
  } catch (err) {
    log('error', 'system', `closing the host failed: ${err instanceof Error ? err.message : String(err)}`);
    code = 1;
  } finally {
    clearTimeout(timer);
  }
  if (storage !== undefined) {
    log('information', 'system', 'stopping Azurite (saving its data)');
    await storage.stop();
    log('information', 'system', 'Azurite stopped');
  }
  return code;
}

main().catch((err: unknown) => {
  process.stderr.write(`Host failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

/**
 * The local Functions host, programmatically: load the app in this process, build the route table,
 * listen. `cli.ts` wraps it for `npm start` and the tests' child processes.
 */
import type { AddressInfo } from 'node:net';
import type { LogCategory, LogLevel } from './coreApi.js';
import { isFunctionDisabled } from './disabled.js';
import type { HostConfig } from './hostConfig.js';
import { readHostJson, type HostJson } from './hostJson.js';
import {
  AppLoadError,
  describeFunctions,
  loadFunctionApp,
  type FunctionInfo,
  type LoadedApp,
} from './loader.js';
import { buildRouteTable, type RouteTable } from './router.js';
import { createHostServer, type CorsSettings, type TriggerControl } from './server.js';

export type HostLog = (level: LogLevel, category: LogCategory, message: string) => void;

export interface LocalHostOptions {
  appDir: string;
  port: number;
  /** Interface to listen on. Default 127.0.0.1. */
  hostname?: string;
  config: HostConfig;
  cors: CorsSettings;
  log: HostLog;
  /** Starts non-HTTP triggers (the blob trigger); returns a manual trigger and a stop function. */
  startTriggers?: (
    app: LoadedApp,
    hostJson: HostJson,
  ) => Promise<{ control: TriggerControl; stop(): Promise<void> }>;
}

export interface LocalHost {
  url: string;
  /** host.json extensions.http.routePrefix. */
  routePrefix: string;
  functions: FunctionInfo[];
  /** Why the app did not load, when it did not (the host then answers 503 on function routes). */
  loadError: string | undefined;
  close(): Promise<void>;
}

function transportNote(app: LoadedApp, config: HostConfig): string {
  if (config.httpTransport === 'loopback')
    return `HTTP streaming: requests are forwarded to the library's proxy at ${app.httpUri} (LOCAL_HOST_HTTP_TRANSPORT=loopback)`;
  if (app.proxyServer === undefined)
    return `HTTP streaming: the library's proxy server could not be identified in process; requests are forwarded to ${app.httpUri}`;
  return "HTTP streaming: requests are handed to the library's proxy in process (LOCAL_HOST_HTTP_TRANSPORT=inprocess)";
}

/** Starts the host. Throws on a malformed host.json, a route conflict, or `main` matching nothing. */
export async function startLocalHost(opts: LocalHostOptions): Promise<LocalHost> {
  const hostJson = readHostJson(opts.appDir);
  let app: LoadedApp | undefined;
  let loadError: string | undefined;
  try {
    app = await loadFunctionApp(opts.appDir, opts.log);
  } catch (err) {
    if (!(err instanceof AppLoadError) || /matches no files|No package\.json/.test(err.message)) throw err;
    loadError = err.message; // what clients get: the reason, never stack frames
    opts.log(
      'error',
      'system',
      `${err.message}${err.details === undefined ? '' : `\n${err.details}`}\n` +
        'No functions were loaded; function routes answer 503 until this is fixed.',
    );
  }
  const table: RouteTable =
    app === undefined
      ? { routes: [], warnings: [] }
      : buildRouteTable(app.registry.functions.values(), hostJson.routePrefix, (name) =>
          isFunctionDisabled(name),
        );
  for (const w of table.warnings) opts.log('warning', 'system', w);
  if (app?.httpUri !== undefined) opts.log('information', 'system', transportNote(app, opts.config));
  const triggers = app === undefined ? undefined : await opts.startTriggers?.(app, hostJson);
  const server = createHostServer({
    app,
    ...(loadError !== undefined && { loadError }),
    table,
    hostJson,
    config: opts.config,
    cors: opts.cors,
    log: opts.log,
    ...(triggers !== undefined && { triggers: triggers.control }),
  });
  const hostname = opts.hostname ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, hostname, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const functions = app === undefined ? [] : describeFunctions(app);
  return {
    url: `http://${hostname === '0.0.0.0' || hostname === '::' ? '127.0.0.1' : hostname}:${port}`,
    routePrefix: hostJson.routePrefix,
    functions,
    loadError,
    close: async () => {
      await triggers?.stop();
      if (app !== undefined) {
        await app.registry.runHooks('appTerminate', {
          hookData: app.registry.appLevelHookData,
          appHookData: app.registry.appHookData,
        });
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Loads a Functions app the way the Node.js worker does: provide '@azure/functions-core', require
 * every file `package.json` "main" matches (brace globs included), run the appStart hooks, ask the
 * programming model for its capabilities (which starts the library's HTTP stream proxy), then lock
 * registration.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { globSync } from 'tinyglobby';
import { CoreRegistry, installCoreModule, type LogSink, type RegisteredFunction } from './coreApi.js';
import { isFunctionDisabled } from './disabled.js';

/** Capabilities the worker reports before the library adds its own (W getWorkerCapabilities). */
const DEFAULT_CAPABILITIES = [
  'RawHttpBodyBytes',
  'RpcHttpTriggerMetadataRemoved',
  'RpcHttpBodyOnly',
  'IgnoreEmptyValuedRpcHttpHeaders',
  'UseNullableValueDictionaryForHttp',
  'WorkerStatus',
  'TypedDataCollection',
  'HandlesWorkerTerminateMessage',
];

/** The app could not be loaded. `message` is the reason; `stack` frames of its cause are in `details`. */
export class AppLoadError extends Error {
  constructor(
    message: string,
    /** The cause's stack, for the host's log only (never sent to clients). */
    readonly details?: string,
  ) {
    super(message);
  }
}

export interface LoadedApp {
  appDir: string;
  registry: CoreRegistry;
  capabilities: Record<string, string>;
  /** Where the library's HTTP stream proxy listens, when the app enabled streaming. */
  httpUri: string | undefined;
  /**
   * The library's HTTP stream proxy server itself (the one listening at httpUri), so requests can be
   * handed to it in process instead of over loopback; undefined when it could not be identified.
   */
  proxyServer: http.Server | undefined;
  /** The files package.json "main" matched, in load order. */
  files: string[];
}

/** A registered function as tests and tools see it. */
export interface FunctionInfo {
  name: string;
  scriptFile: string | undefined;
  triggerType: string;
  route?: string;
  methods?: string[];
  authLevel?: string;
  /** `AzureWebJobs.<name>.Disabled` is set: registered, but its trigger never fires. */
  disabled: boolean;
  bindings: RegisteredFunction['metadata']['bindings'];
}

function readPackageJson(appDir: string): { main?: unknown; type?: unknown } {
  const file = path.join(appDir, 'package.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new AppLoadError(
      `No package.json in ${appDir}: a Node.js function app needs one with a "main" entry.`,
    );
  }
  try {
    return JSON.parse(text) as { main?: unknown; type?: unknown };
  } catch (err) {
    throw new AppLoadError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Path depth, then name: shallower files first, as the worker's directory walk yields them. */
function loadOrder(a: string, b: string): number {
  const depth = (f: string) => f.split(path.sep).length;
  return depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * The files package.json "main" names, expanded as globby would (braces, `*`, `**`), in the worker's
 * order: globby (fast-glob) walks from the pattern's base and yields a directory's files before those
 * of its subdirectories, so `dist/src/{index.js,functions/*.js}` loads index.js first. Within a
 * directory the worker takes readdir's order, which the file system decides; here it is by name.
 */
export function entryFiles(appDir: string): { main: string; files: string[]; esm: boolean } {
  const pkg = readPackageJson(appDir);
  const main = typeof pkg.main === 'string' && pkg.main !== '' ? pkg.main : 'index.js';
  const files = globSync(main.replace(/\\/g, '/'), { cwd: appDir, absolute: true, onlyFiles: true })
    .map((f) => path.normalize(f))
    .sort(loadOrder);
  if (files.length === 0) {
    throw new AppLoadError(
      `package.json "main" ("${main}") matches no files in ${appDir}. Build the app first (npm run build), ` +
        `or fix "main".`,
    );
  }
  return { main, files, esm: pkg.type === 'module' };
}

async function loadFile(file: string, esm: boolean): Promise<void> {
  if (esm || file.endsWith('.mjs')) await import(pathToFileURL(file).href);
  else createRequire(file)(file);
}

/**
 * Loads the app in this process. Only one app can be loaded per process: the library keeps its
 * registrations in module state, as it does under the real worker.
 */
export async function loadFunctionApp(appDir: string, sink: LogSink): Promise<LoadedApp> {
  const dir = path.resolve(appDir);
  process.env.FUNCTIONS_APPLICATION_DIRECTORY = dir;
  const registry = new CoreRegistry(sink);
  installCoreModule(registry);
  const { main, files, esm } = entryFiles(dir);
  for (const file of files) {
    registry.currentScript = file;
    try {
      await loadFile(file, esm);
    } catch (err) {
      const rel = path.relative(dir, file);
      throw new AppLoadError(
        `Worker was unable to load entry point "${rel}" (from package.json "main": "${main}"): ` +
          (err instanceof Error ? `${err.name}: ${err.message}` : String(err)),
        err instanceof Error ? err.stack : undefined,
      );
    }
  }
  registry.currentScript = undefined;
  await registry.runHooks('appStart', {
    hookData: {},
    appHookData: registry.appHookData,
    functionAppDirectory: dir,
  });
  const defaults = Object.fromEntries(DEFAULT_CAPABILITIES.map((c) => [c, 'true']));
  const { result, servers } = await watchServers(async () =>
    registry.programmingModel?.getCapabilities
      ? registry.programmingModel.getCapabilities(defaults)
      : defaults,
  );
  const capabilities = result;
  registry.locked = true;
  const httpUri = capabilities.HttpUri;
  return { appDir: dir, registry, capabilities, httpUri, proxyServer: proxyAt(servers, httpUri), files };
}

/** Runs `work` and collects the HTTP servers created meanwhile (the library's proxy among them). */
async function watchServers<T>(work: () => Promise<T>): Promise<{ result: T; servers: http.Server[] }> {
  const servers: http.Server[] = [];

  const original = http.createServer;
  http.createServer = function (this: unknown, ...args: unknown[]) {
    const server = (original as (...a: unknown[]) => http.Server).apply(this, args);
    servers.push(server);
    return server;
  };
  try {
    return { result: await work(), servers };
  } finally {
    http.createServer = original;
  }
}

/** The server listening on httpUri's port, if exactly one does. */
function proxyAt(servers: http.Server[], httpUri: string | undefined): http.Server | undefined {
  if (httpUri === undefined) return undefined;
  const port = Number(new URL(httpUri).port);
  const matches = servers.filter((s) => {
    const address = s.address();
    return typeof address === 'object' && address !== null && address.port === port;
  });
  return matches.length === 1 ? matches[0] : undefined;
}

/** The registered functions and their trigger settings; `env` decides which are disabled. */
export function describeFunctions(
  app: LoadedApp,
  env: Record<string, string | undefined> = process.env,
): FunctionInfo[] {
  return [...app.registry.functions.values()].map((fn) => {
    const trigger = Object.values(fn.metadata.bindings).find((b) => /trigger$/i.test(b.type ?? ''));
    const http = trigger?.type?.toLowerCase() === 'httptrigger';
    return {
      name: fn.metadata.name,
      scriptFile: fn.scriptFile,
      triggerType: trigger?.type ?? 'unknown',
      ...(http && {
        route: typeof trigger.route === 'string' && trigger.route !== '' ? trigger.route : fn.metadata.name,
        methods: Array.isArray(trigger.methods) ? trigger.methods.map(String) : [],
        authLevel: typeof trigger.authLevel === 'string' ? trigger.authLevel : 'function',
      }),
      disabled: isFunctionDisabled(fn.metadata.name, env),
      bindings: fn.metadata.bindings,
    };
  });
}

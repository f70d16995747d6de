/**
 * What handlers are built from. The app wires its dependencies once, from the process environment
 * (`wireApp`, called at start-up by src/index.ts and on first use by any handler); tests build their
 * own `Deps` with a store on the test run's Azurite, or a failing one, and never touch the environment.
 */
import { createStore } from '../storage/clients.js';
import { ConfigError, loadConfig, type AppConfig } from '../storage/config.js';
import { checkTriggerConnection } from '../storage/connection.js';
import type { BlobStore } from '../storage/blobStore.js';

export interface Deps {
  store: BlobStore;
  settings: AppConfig;
  /** The time now (event file stamps; tests may fix it). */
  clock: () => Date;
}

type Env = Record<string, string | undefined>;

/** Builds the app's dependencies from an environment; throws ConfigError naming the first bad setting. */
export function depsFromEnv(env: Env): Deps {
  const settings = loadConfig(env);
  return { store: createStore(settings), settings, clock: () => new Date() };
}

/** The outcome of wiring the app: its dependencies, or the settings error every route answers with. */
export type Wiring = { ok: true; deps: Deps } | { ok: false; error: ConfigError };

let wired: Wiring | undefined;

/**
 * Wires the app from `process.env`, once per process. A settings error does not stop the app: every
 * function is still registered and answers 503 naming the setting (src/app/register.ts), so that
 * `GET /api/v1/health` can say what is wrong.
 */
export function wireApp(onError: (err: ConfigError) => void = () => undefined): Wiring {
  if (wired !== undefined) return wired;
  try {
    const deps = depsFromEnv(process.env);
    // The blob triggers must watch the account the app writes to.
    checkTriggerConnection(process.env, deps.settings.storage);
    wired = { ok: true, deps };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    wired = { ok: false, error: err };
    onError(err);
  }
  return wired;
}

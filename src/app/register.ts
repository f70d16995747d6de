/**
 * Registers functions with @azure/functions from their declarations. Handlers are built lazily from
 * the wired dependencies, so registration never depends on settings being valid: with a bad setting
 * every route answers 503 `misconfigured` naming it (never its value), and triggers fail their
 * invocations with the same message, instead of the worker registering nothing.
 */
import { app, type HttpHandler, type InvocationContext, type Timer } from '@azure/functions';
import { hostRoute, type AuthLevel, type HttpFunction } from '../http/route.js';
import { json } from '../http/respond.js';
import { registrationSettings, type ConfigError } from '../storage/config.js';
import { TRIGGER_CONNECTION } from '../storage/connection.js';
import { wireApp, type Deps } from './deps.js';

/** The answer of every route while a setting is wrong. */
export function misconfigured(err: ConfigError) {
  return json(503, { error: 'misconfigured', message: err.message, setting: err.setting });
}

function authLevel(level: AuthLevel | 'query'): AuthLevel {
  return level === 'query' ? registrationSettings().queryAuthLevel : level;
}

/** Registers an HTTP function. */
export function registerHttp(fn: HttpFunction): void {
  let handler: HttpHandler | undefined;
  app.http(fn.spec.name, {
    methods: fn.spec.head === true ? [fn.spec.method, 'HEAD'] : [fn.spec.method],
    route: hostRoute(fn.spec),
    authLevel: authLevel(fn.spec.auth),
    handler: async (req, context) => {
      const w = wireApp();
      if (!w.ok) return misconfigured(w.error);
      handler ??= fn.make(w.deps);
      return handler(req, context);
    },
  });
}

function deps(): Deps {
  const w = wireApp();
  if (!w.ok) throw w.error;
  return w.deps;
}

/** A blob-triggered function over `<container>/<root>/{name}` (a deferred binding: a reference, never the bytes). */
export function registerBlobTrigger(
  name: string,
  root: string,
  make: (deps: Deps) => (blob: unknown, context: InvocationContext) => Promise<void>,
): void {
  const { container, triggerSource } = registrationSettings();
  let handler: ((blob: unknown, context: InvocationContext) => Promise<void>) | undefined;
  app.storageBlob(name, {
    // The container's name itself, not %AZURE_STORAGE_CONTAINER%: unset, the setting's default applies here too.
    path: `${container}/${root}/{name}`,
    connection: TRIGGER_CONNECTION,
    source: triggerSource,
    // A reference instead of the bytes: the host must not download a growing log on every change.
    sdkBinding: true,
    handler: (blob, context) => {
      handler ??= make(deps());
      return handler(blob, context);
    },
  });
}

/**
 * A timer-triggered function on `schedule`, written as in function.json: six NCRONTAB fields, or
 * `%SETTING%` to bind a setting's value.
 */
export function registerTimer(
  name: string,
  schedule: string,
  make: (deps: Deps) => (timer: Timer, context: InvocationContext) => Promise<void>,
): void {
  let handler: ((timer: Timer, context: InvocationContext) => Promise<void>) | undefined;
  app.timer(name, {
    schedule,
    handler: (timer, context) => {
      handler ??= make(deps());
      return handler(timer, context);
    },
  });
}

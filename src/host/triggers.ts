/** Non-HTTP triggers of the loaded app: blob-trigger listeners, timers, manual runs and the Event Grid webhook. */
import { clientForConnection, resolveConnection } from '../storage/connection.js';
import { parseBlobPath, resolveSettingTokens } from './blobPath.js';
import { BlobTriggerListener, blobNameFromUrl } from './blobTrigger.js';
import type { BindingInfo, LogCategory, LogLevel, RegisteredFunction } from './coreApi.js';
import { disabledSettingName, isFunctionDisabled } from './disabled.js';
import type { HostConfig } from './hostConfig.js';
import { hostStorage } from './hostStorage.js';
import type { LoadedApp } from './loader.js';
import { parseSchedule } from './schedule.js';
import { Semaphore } from './semaphore.js';
import { TimerListener } from './timerTrigger.js';
import type { TriggerControl } from './server.js';

export { blobNameFromUrl };

export interface TriggerOptions {
  config: HostConfig;
  maxDequeueCount: number;
  timeoutMs: number | undefined;
  log: (level: LogLevel, category: LogCategory, message: string) => void;
}

function listenerFor(
  app: LoadedApp,
  fn: RegisteredFunction,
  [bindingName, binding]: [string, BindingInfo],
  opts: TriggerOptions,
  slots: Semaphore,
): BlobTriggerListener {
  const path = parseBlobPath(
    resolveSettingTokens(typeof binding.path === 'string' ? binding.path : '', process.env),
  );
  const conn = resolveConnection(typeof binding.connection === 'string' ? binding.connection : '');
  const data = clientForConnection(conn).getContainerClient(path.container);
  const eventGrid = typeof binding.source === 'string' && binding.source.toLowerCase() === 'eventgrid';
  // `sdkBinding: true` in the app: the library flags the binding, and the host then sends a
  // reference to the blob (ModelBindingData) instead of reading its content.
  const properties = binding.properties as Record<string, unknown> | undefined;
  const deferred = properties?.supportsDeferredBinding === 'true';
  return new BlobTriggerListener(app, fn, bindingName, path, data, hostStorage(), {
    hostId: opts.config.hostId,
    maxDequeueCount: opts.maxDequeueCount,
    pollMs: opts.config.blobPollMs,
    idleScanMs: opts.config.blobIdleScanMs,
    timeoutMs: opts.timeoutMs,
    eventGrid,
    ...(deferred && {
      deferred: { connection: typeof binding.connection === 'string' ? binding.connection : '' },
    }),
    maxContentBytes: opts.config.blobMaxContentBytes,
    slots,
    log: opts.log,
  });
}

function disabledNote(name: string): string {
  return (
    `Function '${name}' is disabled (${disabledSettingName(name)}): its trigger does not fire; ` +
    `POST /admin/functions/${name} still runs it.`
  );
}

/** Starts a timer per timer-triggered function (disabled ones only run on demand), keyed by lower-case name. */
function startTimers(app: LoadedApp, opts: TriggerOptions): Map<string, TimerListener> {
  const timers = new Map<string, TimerListener>();
  for (const fn of app.registry.functions.values()) {
    const entry = Object.entries(fn.metadata.bindings).find(
      ([, b]) => b.type?.toLowerCase() === 'timertrigger',
    );
    if (entry === undefined) continue;
    const [bindingName, binding] = entry;
    const written = typeof binding.schedule === 'string' ? binding.schedule : '';
    try {
      const text = resolveSettingTokens(written, process.env);
      const timer = new TimerListener(app, fn, bindingName, parseSchedule(text), {
        runOnStartup: binding.runOnStartup === true,
        timeoutMs: opts.timeoutMs,
        log: opts.log,
      });
      timers.set(fn.metadata.name.toLowerCase(), timer);
      if (isFunctionDisabled(fn.metadata.name)) {
        opts.log('information', 'system', disabledNote(fn.metadata.name));
        continue;
      }
      timer.start();
      opts.log(
        'information',
        'system',
        `Timer trigger '${fn.metadata.name}' runs on "${text}" (UTC); next at ${timer.next?.toISOString()}.`,
      );
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      opts.log(
        'error',
        'system',
        `Function '${fn.metadata.name}' is disabled: schedule "${written}": ${text}`,
      );
    }
  }
  return timers;
}

/**
 * Starts a listener per blob-triggered and timer-triggered function; returns their control and stop.
 * A function disabled by `AzureWebJobs.<name>.Disabled` gets no scan, no webhook events and no
 * schedule, but still runs through the admin API (as Azure runs a disabled function for the master key).
 */
export function startTriggers(
  app: LoadedApp,
  opts: TriggerOptions,
): Promise<{ control: TriggerControl; stop(): Promise<void> }> {
  const listeners = new Map<string, BlobTriggerListener>();
  /** Lower-case names of disabled blob-triggered functions: manual runs only, no events. */
  const disabled = new Set<string>();
  const slots = new Semaphore(opts.config.blobConcurrency);
  for (const fn of app.registry.functions.values()) {
    const entry = Object.entries(fn.metadata.bindings).find(
      ([, b]) => b.type?.toLowerCase() === 'blobtrigger',
    );
    if (entry === undefined) continue;
    try {
      const listener = listenerFor(app, fn, entry, opts, slots);
      listeners.set(fn.metadata.name.toLowerCase(), listener);
      if (isFunctionDisabled(fn.metadata.name)) {
        listener.acceptManualRuns();
        disabled.add(fn.metadata.name.toLowerCase());
        opts.log('information', 'system', disabledNote(fn.metadata.name));
        continue;
      }
      listener.start();
      const how = listener.opts.eventGrid
        ? 'takes BlobCreated (this process’s writes, and events posted to /runtime/webhooks/blobs) for'
        : `watches this process’s writes to, and scans (a page every ${opts.config.blobPollMs} ms while busy), `;
      opts.log(
        'information',
        'system',
        `Blob trigger '${fn.metadata.name}' ${how} ${listener.path.container}/${listener.path.template}.`,
      );
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      opts.log('error', 'system', `Function '${fn.metadata.name}' is disabled: ${text}`);
    }
  }
  const timers = startTimers(app, opts);
  const control: TriggerControl = {
    run: (name, input) => {
      const timer = timers.get(name.toLowerCase());
      if (timer !== undefined) {
        timer.runNow('manual');
        return true;
      }
      const listener = listeners.get(name.toLowerCase());
      if (listener === undefined || typeof input !== 'string') return false;
      const prefix = `${listener.path.container}/`;
      const blob = input.toLowerCase().startsWith(prefix) ? input.slice(prefix.length) : input;
      listener
        .runNow(blob)
        .catch((err: unknown) =>
          opts.log('error', 'system', `manual run of '${name}' failed: ${String(err)}`),
        );
      return true;
    },
    blobCreated: (name, urls) => {
      const listener = listeners.get(name.toLowerCase());
      if (listener === undefined || disabled.has(name.toLowerCase())) return false;
      for (const url of urls) {
        const blob = blobNameFromUrl(listener.data.url, url);
        if (blob !== undefined) listener.notify(blob);
      }
      return true;
    },
  };
  return Promise.resolve({
    control,
    stop: async () => {
      await Promise.all([...listeners.values(), ...timers.values()].map((l) => l.stop()));
    },
  });
}

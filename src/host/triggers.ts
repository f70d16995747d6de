/** Non-HTTP triggers of the loaded app: the blob trigger's polling source, and manual runs. */
import { resolveConnection, clientForConnection } from '../storage/connection.js';
import { parseBlobPath, resolveSettingTokens } from './blobPath.js';
import { BlobTriggerListener } from './blobTrigger.js';
import type { LogCategory, LogLevel } from './coreApi.js';
import type { HostConfig } from './hostConfig.js';
import { hostStorage } from './hostStorage.js';
import type { LoadedApp } from './loader.js';
import { Semaphore } from './semaphore.js';
import type { ManualTrigger } from './server.js';

export interface TriggerOptions {
  config: HostConfig;
  maxDequeueCount: number;
  timeoutMs: number | undefined;
  log: (level: LogLevel, category: LogCategory, message: string) => void;
}

/** Starts a polling listener per blob-triggered function; returns a manual trigger and stop. */
export function startTriggers(
  app: LoadedApp,
  opts: TriggerOptions,
): Promise<{ manual: ManualTrigger; stop(): Promise<void> }> {
  const listeners = new Map<string, BlobTriggerListener>();
  const slots = new Semaphore(opts.config.blobConcurrency);
  for (const fn of app.registry.functions.values()) {
    const entry = Object.entries(fn.metadata.bindings).find(
      ([, b]) => b.type?.toLowerCase() === 'blobtrigger',
    );
    if (entry === undefined) continue;
    const [bindingName, binding] = entry;
    try {
      const path = parseBlobPath(
        resolveSettingTokens(typeof binding.path === 'string' ? binding.path : '', process.env),
      );
      const conn = resolveConnection(typeof binding.connection === 'string' ? binding.connection : '');
      const data = clientForConnection(conn).getContainerClient(path.container);
      if (binding.source === 'EventGrid') {
        opts.log(
          'warning',
          'system',
          `Function '${fn.metadata.name}': the EventGrid source is not emulated; polling the container instead.`,
        );
      }
      const listener = new BlobTriggerListener(app, fn, bindingName, path, data, hostStorage(), {
        hostId: opts.config.hostId,
        maxDequeueCount: opts.maxDequeueCount,
        pollMs: opts.config.blobPollMs,
        timeoutMs: opts.timeoutMs,
        maxContentBytes: opts.config.blobMaxContentBytes,
        slots,
        log: opts.log,
      });
      listeners.set(fn.metadata.name.toLowerCase(), listener);
      listener.start();
      opts.log(
        'information',
        'system',
        `Blob trigger '${fn.metadata.name}' polls ${path.container}/${path.template} every ${opts.config.blobPollMs} ms.`,
      );
    } catch (err) {
      opts.log(
        'error',
        'system',
        `Function '${fn.metadata.name}' is disabled: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  const manual: ManualTrigger = (name, input) => {
    const listener = listeners.get(name.toLowerCase());
    if (listener === undefined || typeof input !== 'string') return false;
    const prefix = `${listener.path.container}/`;
    const blob = input.toLowerCase().startsWith(prefix) ? input.slice(prefix.length) : input;
    listener
      .runNow(blob)
      .catch((err: unknown) => opts.log('error', 'system', `manual run of '${name}' failed: ${String(err)}`));
    return true;
  };
  return Promise.resolve({
    manual,
    stop: async () => {
      await Promise.all([...listeners.values()].map((l) => l.stop()));
    },
  });
}

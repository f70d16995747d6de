/** Non-HTTP triggers of the loaded app (the blob trigger's polling source). */
import type { LogCategory, LogLevel } from './coreApi.js';
import type { HostConfig } from './hostConfig.js';
import type { LoadedApp } from './loader.js';
import type { ManualTrigger } from './server.js';

export interface TriggerOptions {
  config: HostConfig;
  maxDequeueCount: number;
  log: (level: LogLevel, category: LogCategory, message: string) => void;
}

/** Starts the app's blob triggers; returns a manual trigger (POST /admin/functions/{name}) and stop. */
export function startTriggers(
  _app: LoadedApp,
  _opts: TriggerOptions,
): Promise<{ manual: ManualTrigger; stop(): Promise<void> }> {
  return Promise.resolve({ manual: () => false, stop: () => Promise.resolve() });
}

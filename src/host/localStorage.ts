/**
 * `npm start`'s storage: when the settings use the local emulator (UseDevelopmentStorage=true or
 * 127.0.0.1/localhost on port 10000) and nothing answers there yet, start Azurite on its standard
 * ports with data kept in `<app>/.azurite` (git-ignored). Settings naming other storage are left alone.
 */
import path from 'node:path';
import type { LogCategory, LogLevel } from './coreApi.js';
import { portAnswers, startAzurite } from './azurite.js';

const STORAGE_SETTINGS = ['AzureWebJobsStorage', 'AZURE_STORAGE_CONNECTION_STRING', 'HistoryStorage'];

/** True when a connection string points at the emulator's standard blob port. */
export function usesLocalEmulator(value: string | undefined): boolean {
  if (value === undefined) return false;
  return (
    /UseDevelopmentStorage=true/i.test(value) || /\/\/(127\.0\.0\.1|localhost):10000(\/|;|$)/i.test(value)
  );
}

export async function ensureLocalStorage(
  appDir: string,
  env: Record<string, string | undefined>,
  log: (level: LogLevel, category: LogCategory, message: string) => void,
): Promise<{ stop(): Promise<void> } | undefined> {
  const local = STORAGE_SETTINGS.filter((s) => usesLocalEmulator(env[s]));
  if (local.length === 0) {
    log('information', 'system', 'Storage settings name no local emulator; not starting Azurite.');
    return undefined;
  }
  if ((await portAnswers(10000)) || (await portAnswers(10001))) {
    log('information', 'system', 'Something already answers on 127.0.0.1:10000/10001; using it as Azurite.');
    return undefined;
  }
  const location = path.join(appDir, '.azurite');
  const azurite = await startAzurite({ blobPort: 10000, queuePort: 10001, location });
  log('information', 'system', `Started Azurite (blob 10000, queue 10001), data in ${location}`);
  return azurite;
}

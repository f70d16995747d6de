/**
 * `npm start`'s storage: when the settings use the local emulator (UseDevelopmentStorage=true, or the
 * emulator's account on 127.0.0.1/localhost) and nothing answers there yet, start Azurite on those
 * ports (10000/10001 for UseDevelopmentStorage) with data kept in `<app>/.azurite` (git-ignored).
 * Settings naming other storage are left alone.
 */
import path from 'node:path';
import type { LogCategory, LogLevel } from './coreApi.js';
import { DEV_ACCOUNT, portAnswers, startAzurite, waitForPreviousAzurite } from './azurite.js';

const STORAGE_SETTINGS = ['AzureWebJobsStorage', 'AZURE_STORAGE_CONNECTION_STRING', 'HistoryStorage'];

export interface EmulatorPorts {
  blob: number;
  queue: number;
}

function loopbackPort(value: string, key: 'BlobEndpoint' | 'QueueEndpoint'): number | undefined {
  const m = new RegExp(`${key}=https?://(?:127\\.0\\.0\\.1|localhost):(\\d+)(?:/|;|$)`, 'i').exec(value);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/**
 * The emulator ports a connection string points at: 10000/10001 for `UseDevelopmentStorage=true`,
 * else the loopback blob endpoint's port (and the queue endpoint's, default blob + 1) when the
 * account is the emulator's; undefined for any other storage.
 */
export function localEmulatorPorts(value: string | undefined): EmulatorPorts | undefined {
  if (value === undefined) return undefined;
  if (/UseDevelopmentStorage=true/i.test(value)) return { blob: 10000, queue: 10001 };
  const blob = loopbackPort(value, 'BlobEndpoint');
  if (blob === undefined) return undefined;
  const emulatorAccount = new RegExp(`AccountName=${DEV_ACCOUNT}(;|$)`, 'i').test(value);
  if (!emulatorAccount && blob !== 10000) return undefined;
  return { blob, queue: loopbackPort(value, 'QueueEndpoint') ?? blob + 1 };
}

/** True when a connection string points at a local emulator. */
export function usesLocalEmulator(value: string | undefined): boolean {
  return localEmulatorPorts(value) !== undefined;
}

export interface LocalStorageOptions {
  /** Where Azurite keeps its data; default `<appDir>/.azurite`. */
  location?: string;
}

/** Starts Azurite when the settings name a local emulator that is not running; undefined otherwise. */
export async function ensureLocalStorage(
  appDir: string,
  env: Record<string, string | undefined>,
  log: (level: LogLevel, category: LogCategory, message: string) => void,
  opts: LocalStorageOptions = {},
): Promise<{ stop(): Promise<void> } | undefined> {
  const ports = STORAGE_SETTINGS.map((s) => localEmulatorPorts(env[s])).find((p) => p !== undefined);
  if (ports === undefined) {
    log('information', 'system', 'Storage settings name no local emulator; not starting Azurite.');
    return undefined;
  }
  const location = opts.location ?? path.join(appDir, '.azurite');
  // An Azurite of ours whose host was killed may still be saving: let it finish before looking.
  await waitForPreviousAzurite(location);
  if ((await portAnswers(ports.blob)) || (await portAnswers(ports.queue))) {
    log(
      'information',
      'system',
      `Something already answers on 127.0.0.1:${ports.blob}/${ports.queue}; using it as Azurite.`,
    );
    return undefined;
  }
  const azurite = await startAzurite({ blobPort: ports.blob, queuePort: ports.queue, location });
  log(
    'information',
    'system',
    `Started Azurite (blob ${ports.blob}, queue ${ports.queue}), data in ${location}`,
  );
  return azurite;
}

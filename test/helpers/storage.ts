import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { inject } from 'vitest';
import { AzureBlobStore } from '../../src/storage/azureBlobStore.js';
import type { BlobStore } from '../../src/storage/blobStore.js';
import { createStore } from '../../src/storage/clients.js';
import { loadConfig } from '../../src/storage/config.js';

/** A container name no other test uses. */
export function uniqueContainer(tag = 't'): string {
  return `${tag}-${Date.now().toString(36)}-${randomBytes(5).toString('hex')}`.slice(0, 63);
}

/** The connection string of the run's Azurite. */
export function azuriteConnectionString(): string {
  return inject('azurite').connectionString;
}

/** A service client for the run's Azurite. */
export function azuriteService(): BlobServiceClient {
  return BlobServiceClient.fromConnectionString(azuriteConnectionString());
}

/**
 * A store whose account never answers (port 9, discard), built as the app builds its store (same
 * client options, so the same retries): every operation fails as storage being down.
 */
export function unreachableStore(): BlobStore {
  return createStore(
    loadConfig({
      AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString().replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:9'),
      AZURE_STORAGE_CONTAINER: uniqueContainer('down'),
    }),
  );
}

/** A store over a fresh container (not yet created: the store creates it on first use). */
export function freshStore(tag?: string): AzureBlobStore {
  return new AzureBlobStore(azuriteService(), uniqueContainer(tag));
}

/** A new store object over the same container: what a new process sees (nothing cached). */
export function reopen(store: { container: string }): AzureBlobStore {
  return new AzureBlobStore(azuriteService(), store.container);
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? '' : `: ${last instanceof Error ? last.message : JSON.stringify(last)}`}`,
  );
}

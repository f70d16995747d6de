/**
 * The blob triggers' shared body: find the blob's name in the trigger metadata, index it, log the
 * outcome. A name that does not parse is logged and the invocation succeeds, so it is never retried;
 * storage failures throw, so the host retries them.
 */
import type { BlobStore } from '../../storage/blobStore.js';
import { indexBlob, type IndexOutcome } from './indexer.js';

/** The logging the trigger needs (an InvocationContext fits). */
export interface TriggerLog {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
}

/**
 * The blob's name inside the container: `blobTrigger` is `<container>/<name>`; without it, the
 * `{name}` path parameter under `root`.
 */
export function blobNameFrom(
  triggerMetadata: Record<string, unknown> | undefined,
  root: string,
): string | null {
  const full = triggerMetadata?.blobTrigger;
  if (typeof full === 'string' && full.includes('/')) return full.slice(full.indexOf('/') + 1);
  const name = triggerMetadata?.name;
  return typeof name === 'string' && name !== '' ? `${root}/${name}` : null;
}

/** Indexes the blob a notification names. */
export async function onBlobNotification(
  store: BlobStore,
  name: string | null,
  log: TriggerLog,
): Promise<IndexOutcome> {
  if (name === null) {
    log.warn('indexer: a notification without a blob name; ignored');
    return { status: 'skipped', reason: 'no blob name in the trigger metadata', writes: 0 };
  }
  const outcome = await indexBlob(store, name, (m) => log.warn(`indexer: ${m}`));
  if (outcome.status === 'skipped') log.warn(`indexer: skipped ${name}: ${outcome.reason ?? ''}`);
  else
    log.log(`indexer: ${name}: ${outcome.status}${outcome.writes > 0 ? ` (${outcome.writes} writes)` : ''}`);
  return outcome;
}

/**
 * The blob triggers' shared body: find the blob's name in the trigger metadata, index it, log the
 * outcome. A name that does not parse is logged and the invocation succeeds, so it is never retried;
 * a storage failure while marking throws, so the host retries it. A compaction that fails after the
 * mark was written is only logged: the mark is durable and the next pass applies it.
 */
import type { ObservedProps } from './facts.js';
import { DEBOUNCE_BUDGET_MS, type Indexer, type IndexOutcome } from './indexer.js';

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

const dateOf = (v: unknown): Date | undefined => {
  const d = typeof v === 'string' || v instanceof Date ? new Date(v) : undefined;
  return d !== undefined && Number.isFinite(d.getTime()) ? d : undefined;
};

/**
 * The blob's properties as the host read them to run the trigger (`properties` and `metadata` in
 * the trigger metadata), when they are all there: the size, both times and the metadata. The host
 * reads them after the write it was told of, so they serve as the indexer's own read would, and
 * save it one. Anything missing or malformed: null, and the indexer reads them itself.
 */
export function propsFromTrigger(triggerMetadata: Record<string, unknown> | undefined): ObservedProps | null {
  const p = triggerMetadata?.properties as Record<string, unknown> | undefined;
  const metadata = triggerMetadata?.metadata;
  if (typeof p !== 'object' || p === null || typeof metadata !== 'object' || metadata === null) return null;
  const size = p.contentLength;
  const lastModified = dateOf(p.lastModified);
  const createdOn = dateOf(p.createdOn);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return null;
  if (lastModified === undefined || createdOn === undefined) return null;
  const entries = Object.entries(metadata as Record<string, unknown>);
  if (!entries.every(([, v]) => typeof v === 'string')) return null;
  return { size, lastModified, createdOn, metadata: Object.fromEntries(entries) as Record<string, string> };
}

/** Indexes the blob a notification names (`props`: as the host read them, when it passed them). */
export async function onBlobNotification(
  indexer: Indexer,
  name: string | null,
  log: TriggerLog,
  props: ObservedProps | null = null,
): Promise<IndexOutcome> {
  if (name === null) {
    log.warn('indexer: a notification without a blob name; ignored');
    return { status: 'skipped', reason: 'no blob name in the trigger metadata', marks: 0 };
  }
  const warn = (m: string) => log.warn(`indexer: ${m}`);
  const outcome = await indexer.mark(name, warn, props);
  if (outcome.status === 'skipped') log.warn(`indexer: skipped ${name}: ${outcome.reason ?? ''}`);
  else log.log(`indexer: ${name}: ${outcome.status}${outcome.marks > 0 ? ' (marked)' : ''}`);
  if (outcome.status === 'news') {
    try {
      const c = await indexer.compactor.run(DEBOUNCE_BUDGET_MS, { marked: true });
      if (c.marks > 0) log.log(`indexer: compacted ${c.marks} marks into ${c.sessions} sessions`);
    } catch (err) {
      warn(`compaction failed (the next pass retries): ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return outcome;
}

/**
 * Writes data the way ingest lays it out (append blobs with `namespace` metadata, unique event
 * files, metadata.json) straight through the BlobStore, and records one notification per write,
 * as the polling trigger would see them (an ETag change per append). Replays notifications through
 * indexers, drains the journal, and reads the index back as what it means (for comparisons).
 */
import { Compactor } from '../../src/core/index/compactor.js';
import { Indexer } from '../../src/core/index/indexer.js';
import { canonical, parse } from '../../src/core/index/schema.js';
import {
  CLUSTER_DOCS,
  eventStamp,
  INDEX_V2,
  JOURNAL,
  LOG_SOURCES,
  logBlob,
  metadataBlob,
  nodeEventsBlob,
  recentBlob,
  SESSION_DOCS,
  summaryBlob,
  type SessionRef,
} from '../../src/core/layout.js';
import type { BlobStore } from '../../src/storage/blobStore.js';
import { StorageError } from '../../src/storage/errors.js';
import { seededRandom, type Random } from '../helpers/random.js';
export { shuffled } from '../helpers/random.js';

export class Recorder {
  readonly notifications: string[] = [];
  constructor(
    readonly store: BlobStore,
    /** Picks the unique suffix of event file names, as ingest does at random. */
    private readonly random: Random = seededRandom(),
  ) {}

  /** Appends `chunks` to a log file (segment `segment`), one notification per append. */
  async log(ns: string, ref: SessionRef, node: string, file: string, chunks: string[], segment = 0) {
    const name = logBlob(ref, node, file, segment);
    await this.store.createAppendBlob(name, 'text/plain; charset=utf-8', { namespace: ns });
    this.notifications.push(name);
    let at = (await this.store.properties(name))?.size ?? 0;
    for (const c of chunks) {
      const r = await this.store.appendAt(name, at, Buffer.from(c));
      if (!r.ok) throw new Error(`append to ${name} failed: ${r.reason}`);
      at = r.length;
      this.notifications.push(name);
    }
    return name;
  }

  /** Writes one node-events file. */
  async events(ns: string, ref: SessionRef, node: string) {
    const suffix = this.random
      .int(36 ** 8)
      .toString(36)
      .padStart(8, '0');
    const name = nodeEventsBlob(ref, node, eventStamp(new Date(), suffix));
    await this.store.putIfAbsent(name, '[]', 'application/json', { namespace: ns });
    this.notifications.push(name);
    return name;
  }

  /** Writes a session's metadata.json. */
  async metadata(ns: string, ref: SessionRef) {
    const name = metadataBlob(ns, ref.cluster, ref.session);
    const body = JSON.stringify({
      namespace: ns,
      cluster: ref.cluster,
      clusterId: ref.clusterId,
      session: ref.session,
    });
    await this.store.putIfAbsent(name, body, 'application/json');
    this.notifications.push(name);
    return name;
  }
}

/** Deliveries of one notification before it would go to the poison queue (the host's maxDequeueCount). */
const MAX_DELIVERIES = 5;

/** One notification as a trigger invocation handles it: mark, then (after news) a debounced compaction. */
async function deliver(indexer: Indexer, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const outcome = await indexer.mark(name);
      if (outcome.status === 'news') await indexer.compactor.run(20_000, { marked: true });
      return;
    } catch (err) {
      if (!(err instanceof StorageError) || attempt >= MAX_DELIVERIES) throw err;
    }
  }
}

/** Applies notifications with at most `limit` at once, through `indexers` (one per simulated instance). */
export async function replay(store: BlobStore, names: string[], limit = 8, instances = 1): Promise<void> {
  const indexers = Array.from({ length: instances }, () => new Indexer(store));
  let next = 0;
  const worker = async (w: number) => {
    while (next < names.length) await deliver(indexers[w % instances] as Indexer, names[next++] as string);
  };
  await Promise.all(Array.from({ length: limit }, (_, w) => worker(w)));
}

/** A clock an hour ahead: every trailing re-read is due. */
export const later = () => Date.now() + 3_600_000;

/** Applies every mark in the journal, trailing re-reads included (as the timer will once they are due). */
export async function drain(store: BlobStore): Promise<void> {
  const compactor = new Compactor(store, { clock: later });
  for (let i = 0; i < 100; i++) {
    await compactor.run(600_000);
    if (!(await compactor.hasDue())) return;
  }
  throw new Error('the journal does not drain');
}

async function names(store: BlobStore, prefix: string): Promise<{ name: string; etag: string }[]> {
  const out: { name: string; etag: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list({ prefix, pageSize: 5000, ...(cursor && { cursor }) });
    out.push(...page.blobs.map((b) => ({ name: b.name, etag: b.etag })));
    cursor = page.cursor;
  } while (cursor !== undefined);
  return out;
}

/**
 * The index as what it means: session docs and log-source entries as stored, each cluster's
 * entries in page order (without the doc versions they carry), the summary and newest sessions.
 * Page boundaries and ids are not meaning: two histories may split pages differently.
 */
export async function logicalIndex(store: BlobStore): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const prefix of [SESSION_DOCS, LOG_SOURCES]) {
    for (const { name } of await names(store, prefix)) out[name] = (await store.readText(name))?.text ?? '';
  }
  for (const { name } of await names(store, CLUSTER_DOCS)) {
    if (!name.endsWith('/head.json')) continue;
    const head = parse.head(name, (await store.readText(name))?.text ?? null);
    const entries = [];
    for (const p of head?.pages ?? []) {
      const pageName = name.replace(/head\.json$/, `p-${p.id}.json`);
      const page = parse.page(pageName, (await store.readText(pageName))?.text ?? null);
      entries.push(...(page?.sessions ?? []).map(({ etag: _, ...e }) => e));
    }
    out[name] = canonical(entries);
  }
  for (const name of [summaryBlob(), recentBlob()]) {
    const got = await store.readText(name);
    if (got !== null) out[name] = got.text;
  }
  return out;
}

/** Deletes the index (every document under index/v2/ but the journal and the lock; not other data under index/). */
export async function dropIndex(store: BlobStore): Promise<void> {
  for (const { name } of await names(store, INDEX_V2)) {
    if (!name.startsWith(JOURNAL) && !name.endsWith('compactor.lock')) await store.delete(name);
  }
}

/** Names of the marks waiting in the journal. */
export async function journal(store: BlobStore): Promise<string[]> {
  return (await names(store, JOURNAL)).map((b) => b.name);
}

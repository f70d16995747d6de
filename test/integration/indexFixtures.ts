/**
 * Writes data the way ingest lays it out (append blobs with `namespace` metadata, unique event
 * files, metadata.json) straight through the BlobStore, and records one notification per write,
 * as the polling trigger would see them (an ETag change per append).
 */
import {
  clusterIndexPrefix,
  eventStamp,
  sessionIndexPrefix,
  logBlob,
  metadataBlob,
  nodeEventsBlob,
  summaryIndexBlob,
  type SessionRef,
} from '../../src/core/layout.js';
import { indexBlob } from '../../src/core/index/indexer.js';
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

/** One notification, redelivered when it fails with a storage error, as the host's queue does. */
async function deliver(store: BlobStore, name: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await indexBlob(store, name)).writes;
    } catch (err) {
      if (!(err instanceof StorageError) || attempt >= MAX_DELIVERIES) throw err;
    }
  }
}

/** Applies notifications with at most `limit` at once; returns the index writes they caused. */
export async function replay(store: BlobStore, names: string[], limit = 8): Promise<number> {
  let next = 0;
  let writes = 0;
  const worker = async () => {
    while (next < names.length) writes += await deliver(store, names[next++] as string);
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return writes;
}

/** Every index document (sessions, clusters, summary) by name, as stored. */
export async function snapshotIndex(store: BlobStore): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const prefix of [sessionIndexPrefix(), clusterIndexPrefix()]) {
    let cursor: string | undefined;
    do {
      const page = await store.list({ prefix, pageSize: 5000, ...(cursor && { cursor }) });
      for (const b of page.blobs) out.set(b.name, (await store.readText(b.name))?.text ?? '');
      cursor = page.cursor;
    } while (cursor !== undefined);
  }
  const summary = await store.readText(summaryIndexBlob());
  if (summary !== null) out.set(summaryIndexBlob(), summary.text);
  return out;
}

/** Deletes the index's documents (not other data under index/). */
export async function dropIndex(store: BlobStore): Promise<void> {
  for (const name of (await snapshotIndex(store)).keys()) await store.delete(name);
}

/** Shared set-up for the query integration tests: the app over a fresh container of Azurite, and fixtures. */
import type { Deps } from '../../src/app/deps.js';
import type { HttpFunction } from '../../src/http/route.js';
import type { BlobStore } from '../../src/storage/blobStore.js';
import {
  eventStamp,
  logBlob,
  metadataBlob,
  nodeEventsBlob,
  jobEventsBlob,
  type SessionRef,
} from '../../src/core/layout.js';
import { AzureBlobStore } from '../../src/storage/azureBlobStore.js';
import { call as callHandler, testDeps, type Answer } from '../helpers/app.js';
import { azuriteService, uniqueContainer } from '../helpers/storage.js';

let current: Deps | undefined;

/** Builds the app over a fresh container on the run's Azurite; returns a store on it. */
export function useFreshContainer(tag = 'q'): AzureBlobStore {
  const store = new AzureBlobStore(azuriteService(), uniqueContainer(tag));
  current = testDeps({ store });
  return store;
}

/** Builds the app over `store` (e.g. one whose storage is down). */
export function useStore(store: BlobStore): void {
  current = testDeps({ store });
}

export const NS = 'default';
export const CLUSTER = 'raycluster-kuberay';
export const SESSION = 'session_2026-01-27_10-52-59_373533_1';
export const REF: SessionRef = { cluster: CLUSTER, clusterId: NS, session: SESSION };
export const SESSION_PATH = `v1/clusters/${NS}/${CLUSTER}/sessions/${SESSION}`;

/** Writes a log file as ingest would: an append blob per segment, sealed when the next one starts, each later one with `startoffset`. */
export async function writeLog(
  store: AzureBlobStore,
  node: string,
  file: string,
  segments: (string | Buffer)[],
  ref: SessionRef = REF,
): Promise<void> {
  let start = 0;
  for (const [i, seg] of segments.entries()) {
    const name = logBlob(ref, node, file, i);
    const meta: Record<string, string> = i === 0 ? {} : { startoffset: String(start), segment: String(i) };
    await store.createAppendBlob(name, 'text/plain; charset=utf-8', meta);
    const data = typeof seg === 'string' ? Buffer.from(seg, 'utf8') : seg;
    if (data.length > 0) {
      const r = await store.appendAt(name, 0, data);
      if (!r.ok) throw new Error(`append to ${name} failed: ${r.reason}`);
    }
    start += data.length;
    // As ingest does: a segment is sealed before the next one is created.
    if (i + 1 < segments.length) await store.seal(name);
  }
}

let stampSeq = 0;
/** Writes one event file (a JSON array) as ingest would. */
export async function writeEvents(
  store: AzureBlobStore,
  node: string,
  events: object[],
  jobIdHex?: string,
  ref: SessionRef = REF,
): Promise<void> {
  const stamp = eventStamp(
    new Date(Date.UTC(2026, 0, 27, 11, 0, 0, stampSeq++)),
    `s${String(stampSeq).padStart(4, '0')}`,
  );
  const name =
    jobIdHex === undefined ? nodeEventsBlob(ref, node, stamp) : jobEventsBlob(ref, jobIdHex, node, stamp);
  await store.put(name, JSON.stringify(events), 'application/json');
}

export async function writeMetadata(store: AzureBlobStore, meta: Record<string, unknown>, session = SESSION) {
  await store.put(
    metadataBlob(NS, CLUSTER, session),
    JSON.stringify({ namespace: NS, cluster: CLUSTER, session, ...meta }),
    'application/json',
  );
}

export type { Answer };

/** Calls the handler the app registers for `fn` (built from the test's app) with a GET. */
export function call(
  fn: HttpFunction,
  params: Record<string, string>,
  query: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<Answer> {
  if (current === undefined) throw new Error('call useFreshContainer() first');
  return callHandler(fn.make(current), params, query, headers);
}

/** Route params of the session, plus more. */
export function sessionParams(extra: Record<string, string> = {}): Record<string, string> {
  return { namespace: NS, cluster: CLUSTER, session: SESSION, ...extra };
}

/** Shared set-up for the query integration tests: the app's env pointed at Azurite, and fixtures. */
import { HttpRequest, InvocationContext, type HttpHandler, type HttpResponseInit } from '@azure/functions';
import {
  eventStamp,
  logBlob,
  metadataBlob,
  nodeEventsBlob,
  jobEventsBlob,
  type SessionRef,
} from '../../src/core/layout.js';
import { AzureBlobStore } from '../../src/storage/azureBlobStore.js';
import { resetClients } from '../../src/storage/clients.js';
import { resetConfig } from '../../src/storage/config.js';
import { azuriteConnectionString, azuriteService, uniqueContainer } from '../helpers/storage.js';

const saved = { ...process.env };

/** Points the app (config and clients) at a fresh container on the run's Azurite; returns a store on it. */
export function useFreshContainer(tag = 'q'): AzureBlobStore {
  const container = uniqueContainer(tag);
  useEnv({ AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(), AZURE_STORAGE_CONTAINER: container });
  return new AzureBlobStore(azuriteService(), container);
}

export function useEnv(env: Record<string, string>): void {
  process.env = { ...saved, ...env };
  resetConfig();
  resetClients();
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

export interface Answer {
  status: number;
  headers: Record<string, string>;
  bytes: Buffer;
  text: string;
  json: () => Record<string, unknown>;
}

async function bytesOf(body: HttpResponseInit['body']): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const c of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

/** Calls a handler the way the host would, for `route` (under /api) with its route params. */
export async function call(
  handler: HttpHandler,
  params: Record<string, string>,
  query: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<Answer> {
  const qs = new URLSearchParams(query).toString();
  const req = new HttpRequest({
    method: 'GET',
    url: `http://localhost/api/test${qs === '' ? '' : `?${qs}`}`,
    params,
    headers,
  });
  const res = (await handler(req, new InvocationContext({ functionName: 'test' }))) as HttpResponseInit;
  const bytes = await bytesOf(res.body);
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries((res.headers ?? {}) as Record<string, string>)) h[k.toLowerCase()] = v;
  const text = bytes.toString('utf8');
  return {
    status: res.status ?? 200,
    headers: h,
    bytes,
    text,
    json: () => JSON.parse(text) as Record<string, unknown>,
  };
}

/** Route params of the session, plus more. */
export function sessionParams(extra: Record<string, string> = {}): Record<string, string> {
  return { namespace: NS, cluster: CLUSTER, session: SESSION, ...extra };
}

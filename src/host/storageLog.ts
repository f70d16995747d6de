/**
 * The local stand-in for the two ways Azure tells the blob trigger about writes without a scan:
 * storage analytics logs (the polling source reads them for every write) and Event Grid
 * (BlobCreated). Azurite has neither, but the app runs in this process, so its storage requests are
 * visible here: Node publishes every HTTP client response on the `http.client.response.finish`
 * diagnostics channel, and the Azure SDK sends its requests through `node:http(s)`. A successful
 * write is reported with the operation it was, named as Azure's logs name it.
 *
 * Only this process's writes are seen (the app's, the host's own): writes by other processes are
 * found by the polling source's scan, and reach the Event Grid source only as posted events.
 */
import dc from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';

/** Write operations, as storage analytics logs and Event Grid name them. */
export type WriteOp =
  'PutBlob' | 'PutBlockList' | 'AppendBlock' | 'CopyBlob' | 'SetBlobMetadata' | 'SetBlobProperties';

export interface StorageWrite {
  /** The path of the blob's URL as sent (encoded, without the query): `/{account}/{container}/{blob}` on Azurite. */
  path: string;
  op: WriteOp;
}

/** Operations that raise `Microsoft.Storage.BlobCreated` (an append blob's creation is a PutBlob). */
export const BLOB_CREATED: ReadonlySet<WriteOp> = new Set(['PutBlob', 'PutBlockList', 'CopyBlob']);

const CHANNEL = 'http.client.response.finish';
const listeners = new Set<(w: StorageWrite) => void>();

function opOf(req: ClientRequest, comp: string | null): WriteOp | null {
  if (comp === null) return req.getHeader('x-ms-copy-source') === undefined ? 'PutBlob' : 'CopyBlob';
  if (comp === 'blocklist') return 'PutBlockList';
  if (comp === 'appendblock') return 'AppendBlock';
  if (comp === 'metadata') return 'SetBlobMetadata';
  if (comp === 'properties') return 'SetBlobProperties';
  return null; // staged blocks, leases, seals, tiers: the blob's content did not change
}

function onResponse(message: unknown): void {
  const { request: req, response: res } = message as { request: ClientRequest; response: IncomingMessage };
  const status = res.statusCode ?? 0;
  if (req.method !== 'PUT' || status < 200 || status >= 300) return;
  // The path is cut once here for all listeners; they match it against their containers.
  const q = req.path.indexOf('?');
  const query = new URLSearchParams(q < 0 ? '' : req.path.slice(q + 1));
  if (query.get('restype') !== null) return; // a container operation
  const op = opOf(req, query.get('comp'));
  if (op === null) return;
  const write = { path: q < 0 ? req.path : req.path.slice(0, q), op };
  for (const fn of listeners) fn(write);
}

/** Calls `fn` for every successful blob write this process makes; returns the unsubscribe. */
export function onStorageWrite(fn: (w: StorageWrite) => void): () => void {
  if (listeners.size === 0) dc.subscribe(CHANNEL, onResponse);
  listeners.add(fn);
  return () => {
    listeners.delete(fn);
    if (listeners.size === 0) dc.unsubscribe(CHANNEL, onResponse);
  };
}

/** The log-append operation: a node's log file as a segmented append blob, plus session metadata. */
import type { BlobStore } from '../../storage/blobStore.js';
import { logBlob, type SessionRef } from '../layout.js';
import { namespaceName } from '../names.js';
import { appendFile, type AppendResult } from './append.js';
import { ensureMetadata, type SessionTarget } from './metadata.js';
import type { SegmentedFile } from './segments.js';

export interface LogTarget extends SessionTarget {
  node: string;
  file: string;
}

/** Blob metadata that attributes a blob under `log/` to its namespace and cluster (read by the indexer). */
export function attribution(t: SessionTarget): Record<string, string> {
  return { namespace: t.namespace, cluster: t.cluster, clusterid: t.clusterId, session: t.session };
}

export function sessionRef(t: SessionTarget): SessionRef {
  return { cluster: t.cluster, clusterId: t.clusterId, session: t.session };
}

/** The segmented file behind a node's log file; validates every name (400 naming the field). */
export function logFile(t: LogTarget, maxBlocks: number): SegmentedFile {
  const ref = sessionRef(t);
  namespaceName(t.namespace);
  logBlob(ref, t.node, t.file); // validate now, before anything is read or written
  return {
    blob: (segment) => logBlob(ref, t.node, t.file, segment),
    contentType: 'text/plain; charset=utf-8',
    metadata: { ...attribution(t), node: t.node },
    maxBlocks,
  };
}

/** Appends `body` at `offset` of a node's log file by the rules of docs/api.md, then records the session. */
export async function appendLog(
  store: BlobStore,
  t: LogTarget,
  offset: number,
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  maxBlocks: number,
  onWrite?: (at: number, length: number) => void,
): Promise<AppendResult> {
  const result = await appendFile(store, logFile(t, maxBlocks), offset, body, onWrite);
  await ensureMetadata(store, t);
  return result;
}

/** Small shared helpers for the logs core: name order, node listing. */
import type { BlobStore } from '../../storage/blobStore.js';
import { sessionLogsPrefix, type SessionRef } from '../layout.js';

/** Azure lists blobs in UTF-8 byte order; JavaScript compares UTF-16 code units: compare as storage does. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The nodes that stored logs in the session (`logs/<node>/`), in listing order. */
export async function listLogNodes(store: BlobStore, ref: SessionRef): Promise<string[]> {
  const prefix = sessionLogsPrefix(ref);
  const nodes: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list({ prefix, delimiter: '/', pageSize: 5000, ...(cursor && { cursor }) });
    for (const p of page.prefixes) nodes.push(p.slice(prefix.length, -1));
    cursor = page.cursor;
  } while (cursor !== undefined);
  return nodes;
}

/**
 * Making the stored index equal to a rebuilt one without losing a trigger's concurrent update: the
 * stored documents are read (with their ETags) before the data is listed, and each write is
 * conditional on that ETag. A document that changed meanwhile was written by a trigger from data the
 * listing may not have seen, so the rebuilt and the current versions are merged (unions, maxima)
 * instead: additions are never lost; a deletion racing a live update waits for the next reconcile.
 */
import type { BlobStore, Versioned } from '../../storage/blobStore.js';
import { clusterIndexPrefix, summaryIndexBlob } from '../layout.js';
import { mergeClusters, mergeFacts, mergeSummaries } from './derive.js';
import type { ClusterIndex, SessionFacts, SummaryIndex } from './schema.js';
import { canonical, CorruptIndexError, parseCluster, parseFacts, parseSummary } from './schema.js';

const JSON_TYPE = 'application/json';

type Doc =
  | { kind: 'cluster'; doc: ClusterIndex }
  | { kind: 'summary'; doc: SummaryIndex }
  | { kind: 'facts'; doc: SessionFacts };

/** Parses a stored index document by its kind; null when absent; CorruptIndexError when unreadable. */
export function parseStored(name: string, text: string | null): Doc | null {
  if (name.startsWith(clusterIndexPrefix())) {
    const doc = parseCluster(name, text);
    return doc && { kind: 'cluster', doc };
  }
  if (name === summaryIndexBlob()) {
    const doc = parseSummary(name, text);
    return doc && { kind: 'summary', doc };
  }
  const doc = parseFacts(name, text);
  return doc && { kind: 'facts', doc };
}

function merged(name: string, want: string, current: string | null): string {
  let cur: Doc | null;
  try {
    cur = parseStored(name, current);
  } catch (err) {
    if (err instanceof CorruptIndexError) return want;
    throw err;
  }
  const ours = parseStored(name, want);
  if (cur === null || ours === null) return want;
  if (ours.kind === 'cluster' && cur.kind === 'cluster') return canonical(mergeClusters(ours.doc, cur.doc));
  if (ours.kind === 'summary' && cur.kind === 'summary') return canonical(mergeSummaries(ours.doc, cur.doc));
  if (ours.kind === 'facts' && cur.kind === 'facts') return canonical(mergeFacts(ours.doc, cur.doc));
  return want;
}

export interface SyncResult {
  written: number;
  deleted: number;
  /** Documents a trigger changed during the reconcile, merged rather than overwritten. */
  merged: number;
}

/**
 * Writes `want` over a document last seen as `seen` (null: absent), only if it is still that
 * version; otherwise merges with what is there now. Returns whether it merged.
 */
export async function writeGuarded(
  store: BlobStore,
  name: string,
  want: string,
  seen: Versioned | null,
): Promise<boolean> {
  const ok =
    seen === null
      ? await store.putIfAbsent(name, want, JSON_TYPE)
      : await store.putIfMatch(name, want, JSON_TYPE, seen.etag);
  if (ok) return false;
  await store.update(
    name,
    (current) => {
      const next = merged(name, want, current);
      return next === current ? null : next;
    },
    JSON_TYPE,
  );
  return true;
}

/** Deletes a document nothing backs any more, unless a trigger rewrote it since it was seen. */
export function deleteGuarded(store: BlobStore, name: string, seen: Versioned): Promise<boolean> {
  return store.delete(name, seen.etag);
}

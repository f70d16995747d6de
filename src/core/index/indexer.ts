/**
 * What the blob trigger does with one notification: re-read the blob's properties from storage
 * (never trusting the notification), merge the observation into the session's facts, then the
 * session's entry into its cluster index, then the cluster's line into the summary. Each step is an
 * ETag-guarded read-modify-write that writes only when the document's canonical text changes.
 */
import type { BlobStore } from '../../storage/blobStore.js';
import { clusterIndexBlob, parseBlobName, sessionIndexBlob, summaryIndexBlob } from '../layout.js';
import { entryOf, summaryOf, withCluster, withEntry } from './derive.js';
import { mergeObservation, observe } from './facts.js';
import type { ClusterIndex, SessionFacts } from './schema.js';
import { canonical, CorruptIndexError, parseCluster, parseFacts, parseSummary } from './schema.js';

const JSON_TYPE = 'application/json';

export interface IndexOutcome {
  /** `indexed`: an index blob was written; `unchanged`: nothing new; the others: not indexed. */
  status: 'indexed' | 'unchanged' | 'skipped' | 'gone' | 'ignored';
  reason?: string;
  /** Index blobs written. */
  writes: number;
}

export type Warn = (message: string) => void;

/** Parses a stored document; an unreadable one is reported and treated as absent (reconcile restores it). */
function lenient<T>(parse: () => T | null, warn: Warn): T | null {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof CorruptIndexError)) throw err;
    warn(`${err.message}; overwriting it with what this notification knows`);
    return null;
  }
}

/** Read-modify-write of one document: `change` maps the parsed current document to the new one. */
async function updateDoc<T>(
  store: BlobStore,
  blob: string,
  parse: (blob: string, text: string | null) => T | null,
  change: (current: T | null) => T,
  warn: Warn,
): Promise<{ doc: T; written: boolean }> {
  let doc: T | undefined;
  const r = await store.update(
    blob,
    (text) => {
      const current = lenient(() => parse(blob, text), warn);
      doc = change(current);
      const next = canonical(doc);
      return current !== null && canonical(current) === next ? null : next;
    },
    JSON_TYPE,
  );
  if (doc === undefined) throw new Error(`update of ${blob} never ran its change`);
  return { doc, written: r.written };
}

/** Indexes one blob of `log/` or `metadir/` by name. Never throws for a bad name; storage errors propagate. */
export async function indexBlob(
  store: BlobStore,
  name: string,
  warn: Warn = () => {},
): Promise<IndexOutcome> {
  const parsed = parseBlobName(name);
  if (parsed.kind === 'index') return { status: 'ignored', reason: 'the index’s own blob', writes: 0 };
  if (parsed.kind === 'unknown') return { status: 'skipped', reason: parsed.reason, writes: 0 };
  const props = await store.properties(name);
  if (props === null) return { status: 'gone', reason: 'the blob no longer exists', writes: 0 };
  const observed = observe(name, props);
  if (!observed.ok) return { status: 'skipped', reason: observed.reason, writes: 0 };
  const o = observed.observation;

  const facts = await updateDoc<SessionFacts>(
    store,
    sessionIndexBlob(o.namespace, o.cluster, o.session),
    parseFacts,
    (cur) => mergeObservation(cur, o),
    warn,
  );
  const cluster = await updateDoc<ClusterIndex>(
    store,
    clusterIndexBlob(o.namespace, o.cluster),
    parseCluster,
    (cur) => withEntry(cur, o.namespace, o.cluster, entryOf(facts.doc)),
    warn,
  );
  const summary = await updateDoc(
    store,
    summaryIndexBlob(),
    parseSummary,
    (cur) => withCluster(cur, summaryOf(cluster.doc)),
    warn,
  );
  const writes = [facts, cluster, summary].filter((u) => u.written).length;
  return { status: writes > 0 ? 'indexed' : 'unchanged', writes };
}

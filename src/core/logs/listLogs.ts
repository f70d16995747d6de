/**
 * `api/v0/logs?node_id=&glob=`: a node's log files grouped as Ray's dashboard groups them, from
 * storage listings only (no file is read). `glob` (default `*`, as Ray's) is relative to the node's
 * log directory: without `**` or a `/` after its literal directories one level is listed, and
 * directories appear with a trailing `/`; otherwise every file below matches on its whole path.
 */
import type { BlobStore } from '../../storage/blobStore.js';
import { HttpError, invalidParameter } from '../errors.js';
import { nodeLogsPrefix, SEGMENT_MARK } from '../layout.js';
import { decodeCursor, encodeCursor } from '../query/cursor.js';
import { missingIn, type LocatedSession } from '../query/locate.js';
import { categorize, type CategorizedLogs } from './categories.js';
import { parseGlob } from './glob.js';
import { compareNames } from './names.js';

export interface NodeLogsQuery {
  /** The node's directory name in storage (the collector's node name). */
  node: string;
  /** Default `*`. */
  glob?: string | undefined;
  /** Most entries in one answer, 1–10000 (default 10000). */
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface NodeLogListing {
  /** `{worker_out: [...], raylet: [...], …}`: only categories that have entries. */
  categories: CategorizedLogs;
  count: number;
  /** Present when more entries follow. */
  nextCursor?: string;
}

export const MAX_LOG_LISTING = 10_000;

interface ListState {
  /** The storage marker of the page to resume in. */
  m?: string;
  /** The last entry handed out. */
  a: string;
}

const isState = (v: unknown): v is ListState =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as ListState).a === 'string' &&
  ((v as ListState).m === undefined || typeof (v as ListState).m === 'string');

/** Lists and categorises a node's log files (bounded by `limit`; a cursor continues). */
export async function listNodeLogs(
  store: BlobStore,
  s: LocatedSession,
  q: NodeLogsQuery,
): Promise<NodeLogListing> {
  const limit = q.limit ?? MAX_LOG_LISTING;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LOG_LISTING) {
    throw invalidParameter('limit', `limit must be an integer from 1 to ${MAX_LOG_LISTING}`);
  }
  const glob = parseGlob(q.glob ?? '*');
  const root = nodeLogsPrefix(s, q.node);
  const scope = JSON.stringify(['nodeLogs', store.container, root, glob.pattern]);
  const state = q.cursor === undefined ? undefined : decodeCursor(q.cursor, scope, isState);
  let marker = state?.m;
  let after = state?.a;
  const found: string[] = [];
  let next: ListState | undefined;
  for (;;) {
    const page = await store.list({
      prefix: root + glob.base,
      pageSize: 5000,
      ...(glob.deep ? {} : { delimiter: '/' }),
      ...(marker !== undefined && { cursor: marker }),
    });
    const entries = [
      ...page.blobs.filter((b) => !b.name.includes(SEGMENT_MARK)).map((b) => b.name.slice(root.length)),
      ...page.prefixes.map((p) => p.slice(root.length)),
    ].sort(compareNames);
    for (const e of entries) {
      if (after !== undefined && compareNames(e, after) <= 0) continue;
      if (!glob.match(e.endsWith('/') ? e.slice(0, -1) : e)) continue;
      if (found.length === limit) {
        next = { ...(marker !== undefined && { m: marker }), a: found[found.length - 1] as string };
        break;
      }
      found.push(e);
    }
    if (next !== undefined || page.cursor === undefined) break;
    marker = page.cursor;
    after = undefined;
  }
  if (found.length === 0 && state === undefined) await nodeMustExist(store, s, q.node, root);
  return {
    categories: categorize(found),
    count: found.length,
    ...(next !== undefined && { nextCursor: encodeCursor(scope, next) }),
  };
}

async function nodeMustExist(store: BlobStore, s: LocatedSession, node: string, root: string): Promise<void> {
  const any = await store.list({ prefix: root, pageSize: 1 });
  if (any.blobs.length > 0) return;
  throw await missingIn(
    store,
    s,
    new HttpError(404, 'node_not_found', `no logs of node ${node} in ${s.session}`),
  );
}

/**
 * Search across a session's logs (beyond Ray and upstream): the matching lines of every log file
 * (or one node's, or those a glob selects), in storage order, `limit` hits a page. One request reads
 * at most `SEARCH_MAX_BYTES` and runs at most `SEARCH_DEADLINE_MS`; when either runs out the page is
 * `partial` and its cursor continues exactly where the scan stopped (file, byte offset, line
 * number), so line numbers stay exact across pages. Files are read `SEARCH_CONCURRENCY` at a time,
 * each as a stream, so memory is bounded by the concurrency, the chunk size, the line cap and the
 * page, whatever the files' size.
 */
import type { BlobStore } from '../../storage/blobStore.js';
import { invalidParameter } from '../errors.js';
import { sessionLogsPrefix } from '../layout.js';
import { parseGlob } from '../logs/glob.js';
import { nodeName } from '../names.js';
import { decodeCursor, encodeCursor } from '../query/cursor.js';
import { sessionExists, sessionNotFound, type LocatedSession } from '../query/locate.js';
import type { LineHit, Position } from './lineScanner.js';
import { compileMatcher, type SearchPattern } from './matcher.js';
import {
  entries,
  isCursor,
  scanFile,
  type Entry,
  type Scan,
  type SearchCursor,
  type Shared,
} from './scanFiles.js';
import type { SearchSettings } from './settings.js';

export interface SearchQuery extends SearchPattern {
  /** Only this node's files (its directory name in storage). */
  node?: string | undefined;
  /** Only files whose path below their node's directory matches. */
  glob?: string | undefined;
  /** Hits per page, 1–1000 (default 100). */
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface SearchHit {
  node: string;
  /** Ray's node id, when the caller knows it. */
  nodeId?: string;
  /** The path below the node's log directory. */
  file: string;
  /** 1-based line number. */
  line: number;
  /** Byte offset of the line's start. */
  offset: number;
  /** The line (at most 2 KiB of it), without its line break. */
  text: string;
  /** The line is longer than `text`. */
  truncated?: true;
  /** The file route reading from this line, relative to the session: `logs/<node>/<file>?offset=<offset>`. */
  read: string;
}

export interface SearchPage {
  hits: SearchHit[];
  nextCursor?: string;
  /** The deadline or the byte budget ended this page; `nextCursor` continues it. */
  partial?: true;
  /** Bytes read from storage for this page. */
  scannedBytes: number;
}

export interface SearchContext {
  settings: SearchSettings;
  /** Milliseconds, monotonic enough for a deadline (default `Date.now`). */
  now?: () => number;
  /** Node directory name → Ray node id, from the dashboard state. */
  nodeIds?: ReadonlyMap<string, string>;
}

export const DEFAULT_SEARCH_LIMIT = 100;
export const MAX_SEARCH_LIMIT = 1000;
/** The most of a line a hit shows. */
export const HIT_TEXT_MAX = 2048;

function utf8Prefix(bytes: Buffer, max: number): Buffer {
  if (bytes.length <= max) return bytes;
  let end = max;
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

function toHit(h: LineHit, e: Entry, cap: number, nodeIds?: ReadonlyMap<string, string>): SearchHit {
  const bytes = h.bytes[h.bytes.length - 1] === 0x0d ? h.bytes.subarray(0, -1) : h.bytes;
  const shown = utf8Prefix(bytes, HIT_TEXT_MAX);
  const nodeId = nodeIds?.get(e.node);
  const path = e.file.split('/').map(encodeURIComponent).join('/');
  return {
    node: e.node,
    ...(nodeId !== undefined && { nodeId }),
    file: e.file,
    line: h.line,
    offset: h.offset,
    text: shown.toString('utf8'),
    ...((shown.length < bytes.length || h.bytes.length >= cap) && { truncated: true as const }),
    read: `logs/${encodeURIComponent(e.node)}/${path}?offset=${h.offset}`,
  };
}

/** One page of search hits. Bad `q`, `node`, `glob`, `limit` or `cursor` → 400 naming it. */
export async function searchSession(
  store: BlobStore,
  s: LocatedSession,
  q: SearchQuery,
  ctx: SearchContext,
): Promise<SearchPage> {
  const matcher = compileMatcher(q);
  const limit = q.limit ?? DEFAULT_SEARCH_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) {
    throw invalidParameter('limit', `limit must be an integer from 1 to ${MAX_SEARCH_LIMIT}`);
  }
  const node = q.node === undefined ? undefined : nodeName(q.node);
  const glob = q.glob === undefined ? undefined : parseGlob(q.glob);
  const root = sessionLogsPrefix(s);
  const scope = JSON.stringify([
    'search',
    store.container,
    root,
    q.q,
    q.regex === true,
    q.ignoreCase === true,
    node ?? null,
    q.glob ?? null,
  ]);
  const from = q.cursor === undefined ? undefined : decodeCursor(q.cursor, scope, isCursor);
  const { settings } = ctx;
  const now = ctx.now ?? Date.now;
  const deadline = now() + settings.deadlineMs;
  const shared: Shared = {
    bytes: 0,
    settled: false,
    out: () => shared.bytes >= settings.maxBytes || now() >= deadline,
  };
  const files = entries(store, root, node === undefined ? root : `${root}${node}/`, glob, from);
  const inflight: Promise<Scan>[] = [];
  let exhausted = false;
  let finished = 0;
  const fill = async () => {
    while (!exhausted && inflight.length < settings.concurrency && (finished === 0 || !shared.out())) {
      // The first file always starts: every request makes progress.
      if (inflight.length > 0 && shared.out()) return;
      const next = await files.next();
      if (next.done === true) {
        exhausted = true;
        return;
      }
      const e = next.value;
      const start =
        from !== undefined && e.name === from.f && from.p !== null ? from.p : { offset: 0, line: 1 };
      const scan = scanFile(store, e, start, matcher, settings, limit, shared);
      scan.catch(() => undefined); // awaited in order below; no unhandled rejection meanwhile
      inflight.push(scan);
    }
  };
  const page: SearchPage = { hits: [], scannedBytes: 0 };
  let cursor: SearchCursor | undefined;
  try {
    await fill();
    while (inflight.length > 0) {
      const r = await (inflight.shift() as Promise<Scan>);
      const e = r.entry;
      const at = (p: Position | null): SearchCursor => ({
        ...(e.marker !== undefined && { m: e.marker }),
        f: e.name,
        p,
      });
      const room = limit - page.hits.length;
      const taken = r.hits.slice(0, room);
      page.hits.push(...taken.map((h) => toHit(h, e, settings.maxLineBytes, ctx.nodeIds)));
      if (page.hits.length >= limit) {
        cursor = at((taken[taken.length - 1] as LineHit).next);
        break;
      }
      finished++;
      if (r.end === 'stopped') {
        cursor = at(r.at ?? null);
        page.partial = true;
        break;
      }
      await fill();
      if (inflight.length === 0 && !exhausted) {
        // Out of time or bytes between files: the next page starts after this one.
        cursor = at(null);
        page.partial = true;
        break;
      }
    }
  } finally {
    shared.settled = true;
    await Promise.allSettled(inflight);
    await files.return(undefined);
  }
  if (
    page.hits.length === 0 &&
    from === undefined &&
    cursor === undefined &&
    !(await sessionExists(store, s))
  ) {
    throw sessionNotFound(s);
  }
  page.scannedBytes = shared.bytes;
  if (cursor !== undefined) page.nextCursor = encodeCursor(scope, cursor);
  return page;
}

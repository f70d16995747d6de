/**
 * The file listing of a session (docs/api.md `…/files`): one page of storage listing per call, paths
 * relative to the session, a multi-segment log file shown once with its total size, and an opaque
 * cursor bound to the query.
 */
import type { BlobProps, BlobStore } from '../../storage/blobStore.js';
import { sessionPrefix, SEGMENT_MARK } from '../layout.js';
import { fileName } from '../names.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { joinSegments, listContinuations, orderedContinuations, segmentOf } from './logFile.js';
import { sessionExists, sessionNotFound, type LocatedSession } from './locate.js';

export interface ListFilesQuery {
  /** Relative to the session, e.g. `logs/head-1/`; empty for everything. */
  prefix: string;
  /** `/` folds deeper paths into directory entries. */
  delimiter?: '/' | undefined;
  /** Entries per page, 1–1000. */
  limit: number;
  cursor?: string | undefined;
}

export type FileEntry =
  | { path: string; type: 'file'; size: number; lastModified: string; etag: string }
  | { path: string; type: 'dir' };

export interface FileListing {
  entries: FileEntry[];
  nextCursor?: string;
}

/** A listing prefix: empty, or a relative path (a trailing `/` allowed) with no bad segment. */
export function listingPrefix(value: string, field = 'prefix'): string {
  if (value === '') return value;
  fileName(value.endsWith('/') ? value.slice(0, -1) : value, field);
  return value;
}

function isStorageCursor(v: unknown): v is { m: string } {
  return typeof v === 'object' && v !== null && typeof (v as { m?: unknown }).m === 'string';
}

// The highest name any continuation of `base` can have.
const lastSegmentOf = (base: string) => `${base}${SEGMENT_MARK}999999`;

/** Lists one page of a session's files. */
export async function listFiles(
  store: BlobStore,
  s: LocatedSession,
  q: ListFilesQuery,
): Promise<FileListing> {
  const root = sessionPrefix(s);
  const scope = JSON.stringify(['files', store.container, root, q.prefix, q.delimiter ?? '']);
  const marker = q.cursor === undefined ? undefined : decodeCursor(q.cursor, scope, isStorageCursor).m;
  const page = await store.list({
    prefix: root + q.prefix,
    pageSize: q.limit,
    ...(q.delimiter !== undefined && { delimiter: q.delimiter }),
    ...(marker !== undefined && { cursor: marker }),
  });
  const files = await foldSegments(store, page.blobs, page.cursor !== undefined);
  const entries: FileEntry[] = [
    ...files.map((f) => ({ ...f, path: f.path.slice(root.length) })),
    ...page.prefixes.map((p) => ({ path: p.slice(root.length), type: 'dir' as const })),
  ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  // An empty first page is either an empty prefix of a live session or no session at all.
  if (entries.length === 0 && marker === undefined && !(await sessionExists(store, s))) {
    throw sessionNotFound(s);
  }
  return {
    entries,
    ...(page.cursor !== undefined && { nextCursor: encodeCursor(scope, { m: page.cursor }) }),
  };
}

/**
 * Drops continuation segments from a page, adding their sizes to their file. A file whose
 * continuations may lie beyond the page (it is near the page's end and more pages follow) has them
 * listed directly, so its size is right on this page; the next page skips them.
 */
async function foldSegments(
  store: BlobStore,
  blobs: BlobProps[],
  morePages: boolean,
): Promise<Extract<FileEntry, { type: 'file' }>[]> {
  const last = blobs[blobs.length - 1]?.name ?? '';
  const bases = blobs.filter((b) => !b.name.includes(SEGMENT_MARK));
  const segments = blobs.filter((b) => b.name.includes(SEGMENT_MARK));
  return Promise.all(
    bases.map(async (base) => {
      const continuations =
        base.sealed !== true
          ? [] // ingest seals a segment before it starts the next: an open one is the whole file
          : morePages && last < lastSegmentOf(base.name)
            ? await listContinuations(store, base.name)
            : orderedContinuations(
                base.name,
                segments.filter((b) => segmentOf(b.name, base.name) !== null),
              );
      const f = joinSegments(base, continuations);
      return {
        path: base.name,
        type: 'file' as const,
        size: f.size,
        lastModified: f.lastModified.toISOString(),
        etag: f.etag,
      };
    }),
  );
}

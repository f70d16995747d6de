/**
 * The files a search reads, in storage order (from a cursor's file on), and the scan of one file
 * under the request's shared budget. Used by search.ts.
 */
import type { BlobProps, BlobStore } from '../../storage/blobStore.js';
import { SEGMENT_MARK } from '../layout.js';
import type { LogGlob } from '../logs/glob.js';
import { compareNames } from '../logs/names.js';
import { joinSegments, listContinuations, rangeChunks, type LogFile } from '../query/logFile.js';
import { LineScanner, type LineHit, type Position } from './lineScanner.js';
import type { LineMatcher } from './matcher.js';
import type { SearchSettings } from './settings.js';

/** A file in scan order: `<node>/<file>` below the session's `logs/`, and the listing page it was on. */
export interface Entry {
  name: string;
  node: string;
  file: string;
  marker?: string;
  base: BlobProps;
}

/** Resume in file `f` (listed on the page at marker `m`) at `p`, or after it when `p` is null. */
export interface SearchCursor {
  m?: string;
  f: string;
  p: Position | null;
}

function isPosition(v: unknown): v is Position {
  const p = v as Position;
  return (
    typeof v === 'object' &&
    v !== null &&
    Number.isSafeInteger(p.offset) &&
    p.offset >= 0 &&
    Number.isSafeInteger(p.line) &&
    p.line >= 1 &&
    (p.skip === undefined || p.skip === true)
  );
}

export const isCursor = (v: unknown): v is SearchCursor =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as SearchCursor).f === 'string' &&
  ((v as SearchCursor).m === undefined || typeof (v as SearchCursor).m === 'string') &&
  ((v as SearchCursor).p === null || isPosition((v as SearchCursor).p));

export async function* entries(
  store: BlobStore,
  root: string,
  prefix: string,
  glob: LogGlob | undefined,
  from: SearchCursor | undefined,
): AsyncGenerator<Entry> {
  let marker = from?.m;
  for (;;) {
    const page = await store.list({
      prefix,
      pageSize: 5000,
      ...(marker !== undefined && { cursor: marker }),
    });
    for (const b of page.blobs) {
      if (b.name.includes(SEGMENT_MARK)) continue;
      const name = b.name.slice(root.length);
      const slash = name.indexOf('/');
      if (slash <= 0) continue;
      const file = name.slice(slash + 1);
      if (glob !== undefined && !glob.match(file)) continue;
      if (from !== undefined) {
        const c = compareNames(name, from.f);
        if (c < 0 || (c === 0 && from.p === null)) continue;
      }
      yield { name, node: name.slice(0, slash), file, ...(marker !== undefined && { marker }), base: b };
    }
    if (page.cursor === undefined) return;
    marker = page.cursor;
  }
}

export interface Scan {
  entry: Entry;
  hits: LineHit[];
  /** `done`: to the end; `limit`: `limit` hits found; `stopped`: the budget or deadline ran out at `at`. */
  end: 'done' | 'limit' | 'stopped';
  at?: Position;
}

export interface Shared {
  bytes: number;
  /** The page is settled: scans still running are abandoned. */
  settled: boolean;
  out(): boolean;
}

export async function scanFile(
  store: BlobStore,
  entry: Entry,
  start: Position,
  matcher: LineMatcher,
  settings: SearchSettings,
  limit: number,
  shared: Shared,
): Promise<Scan> {
  const file: LogFile = joinSegments(
    entry.base,
    entry.base.sealed === true ? await listContinuations(store, entry.base.name) : [],
  );
  const scanner = new LineScanner(matcher, settings.maxLineBytes, start, limit);
  if (start.offset >= file.size) return { entry, hits: [], end: 'done' };
  for await (const chunk of rangeChunks(store, file, start.offset, file.size)) {
    shared.bytes += chunk.length;
    if (!scanner.push(chunk)) return { entry, hits: scanner.hits, end: 'limit' };
    if (shared.settled) return { entry, hits: [], end: 'stopped', at: start };
    if (shared.out() && scanner.progressed)
      return { entry, hits: scanner.hits, end: 'stopped', at: scanner.stop() };
  }
  scanner.end();
  return { entry, hits: scanner.hits, end: 'done' };
}

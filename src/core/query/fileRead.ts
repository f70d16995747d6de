/**
 * Reading one log file (docs/api.md "File reads"): whole, by `Range` or `?offset=&length=`, or its last
 * N lines; always streamed, always with the file's ETag, 304 when `If-None-Match` matches.
 */
import type { BlobStore } from '../../storage/blobStore.js';
import { HttpError, invalidParameter } from '../errors.js';
import { fileRangeChunks, findLogFile, readFileRange, type LogFile } from './logFile.js';
import { missingIn, type LocatedSession } from './locate.js';
import { contentRange, offsetRange, parseRangeHeader, type ByteRange, type RangeAnswer } from './range.js';
import { tailStart, type TailOptions } from './tail.js';

export interface FileReadRequest {
  session: LocatedSession;
  node: string;
  file: string;
  /** The `Range` header. */
  range?: string | undefined;
  ifNoneMatch?: string | undefined;
  ifRange?: string | undefined;
  /** `?tail=N`: the last N lines. */
  tail?: number | undefined;
  offset?: number | undefined;
  length?: number | undefined;
  /** `?download=1`: serve as an attachment. */
  download?: boolean | undefined;
}

export interface FileReadResult {
  status: 200 | 206 | 304;
  headers: Record<string, string>;
  /** The bytes, streamed (read from storage as they are asked for). */
  body?: AsyncIterable<Buffer> | Iterable<Buffer>;
}

/** `If-None-Match` matches when it is `*` or lists the ETag (weak comparison, as RFC 9110 asks). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || strip(t) === strip(etag));
}

/** `Content-Disposition: attachment` with the base name, ASCII fallback plus RFC 6266 `filename*`. */
export function attachment(file: string): string {
  const name = file.slice(file.lastIndexOf('/') + 1);

  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** `application/json` for `.json` files, UTF-8 text for every log. */
export function contentTypeOf(file: string): string {
  return file.toLowerCase().endsWith('.json') ? 'application/json' : 'text/plain; charset=utf-8';
}

function baseHeaders(req: FileReadRequest, file: LogFile): Record<string, string> {
  return {
    ETag: file.etag,
    'Last-Modified': file.lastModified.toUTCString(),
    'Accept-Ranges': 'bytes',
    'Content-Type': contentTypeOf(req.file),
    'X-Content-Type-Options': 'nosniff',
    ...(req.download === true && { 'Content-Disposition': attachment(req.file) }),
  };
}

function requestedRange(req: FileReadRequest, file: LogFile): RangeAnswer {
  if (req.offset !== undefined || req.length !== undefined) {
    return offsetRange(req.offset ?? 0, req.length, file.size);
  }
  // A Range conditioned on another version of the file is ignored: the client gets all of it.
  if (req.ifRange !== undefined && !etagMatches(req.ifRange, file.etag)) return { kind: 'full' };
  return parseRangeHeader(req.range, file.size);
}

/** Reads a node's log file as the request asks. Throws 404/416 as HttpError. */
export async function readLogFile(
  store: BlobStore,
  req: FileReadRequest,
  tailOptions?: TailOptions,
): Promise<FileReadResult> {
  if (req.tail !== undefined && (req.offset !== undefined || req.length !== undefined)) {
    throw invalidParameter('tail', 'tail cannot be combined with offset or length');
  }
  const file = await findLogFile(store, req.session, req.node, req.file);
  if (file === null) {
    throw await missingIn(
      store,
      req.session,
      new HttpError(
        404,
        'file_not_found',
        `no file ${req.file} from node ${req.node} in ${req.session.session}`,
      ),
    );
  }
  const headers = baseHeaders(req, file);
  if (etagMatches(req.ifNoneMatch, file.etag)) return { status: 304, headers };
  if (req.tail !== undefined) return tail(store, file, req.tail, headers, tailOptions);
  const answer = requestedRange(req, file);
  if (answer.kind === 'unsatisfiable') {
    throw new HttpError(
      416,
      'range_not_satisfiable',
      answer.reason,
      { size: file.size },
      {
        'Content-Range': `bytes */${file.size}`,
        ETag: file.etag,
      },
    );
  }
  if (answer.kind === 'full') return serve(store, file, 200, { start: 0, end: file.size }, headers);
  return serve(store, file, 206, answer.range, {
    ...headers,
    'Content-Range': contentRange(answer.range, file.size),
  });
}

/** Bytes of a tail kept from the backwards scan and answered from memory; a longer tail is re-read. */
const TAIL_KEEP_MAX = 4 * 1024 * 1024;

async function tail(
  store: BlobStore,
  file: LogFile,
  lines: number,
  headers: Record<string, string>,
  tailOptions?: TailOptions,
): Promise<FileReadResult> {
  // The scan reads the tail anyway: keep its blocks (newest last) while they are small.
  const kept: Buffer[] = [];
  let keptBytes = 0;
  const read = async (start: number, end: number) => {
    const bytes = await readFileRange(store, file, start, end);
    keptBytes += bytes.length;
    if (keptBytes <= TAIL_KEEP_MAX) kept.unshift(bytes);
    return bytes;
  };
  const start = await tailStart(file.size, lines, read, tailOptions);
  if (keptBytes > TAIL_KEEP_MAX) return serve(store, file, 200, { start, end: file.size }, headers);
  const body = Buffer.concat(kept).subarray(keptBytes - (file.size - start));
  return {
    status: 200,
    headers: { ...headers, 'Content-Length': String(body.length) },
    body: [body],
  };
}

/**
 * The answer for a byte range, its first chunk already read: a storage failure before the first byte
 * is thrown here (and answered 503 with Retry-After) instead of failing a response whose 200 and
 * headers are already on their way. A failure later is the HTTP layer's to handle (it cuts the
 * connection: src/http/streamBody.ts).
 */
async function serve(
  store: BlobStore,
  file: LogFile,
  status: 200 | 206,
  range: ByteRange,
  headers: Record<string, string>,
): Promise<FileReadResult> {
  return {
    status,
    headers: { ...headers, 'Content-Length': String(range.end - range.start) },
    body: await primed(fileRangeChunks(store, file, range.start, range.end)),
  };
}

/**
 * `source` with its first item read now: errors before it surface here, the rest as it is read.
 * Returning early (a client gone before or during the body) releases the source.
 */
export async function primed<T>(source: AsyncIterable<T>): Promise<AsyncIterable<T>> {
  const it = source[Symbol.asyncIterator]();
  let first: IteratorResult<T> | undefined = await it.next();
  const iterator: AsyncIterator<T> = {
    next: () => {
      const held = first;
      first = undefined;
      return held === undefined ? it.next() : Promise.resolve(held);
    },
    return: async (value?: unknown) => {
      first = undefined;
      await it.return?.();
      return { done: true, value: value as T };
    },
  };
  return { [Symbol.asyncIterator]: () => iterator };
}

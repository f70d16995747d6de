/**
 * `api/v0/logs/file`: the selected log (a file, or a task's bytes of its worker's file), its last
 * `lines` lines found by reading backwards (no cap: `lines=-1` is all of it), optionally without
 * ANSI escape sequences, in Ray's `text` or `leading_1` format. Streamed with constant memory;
 * ETag/If-None-Match and (for untransformed answers) Range/If-Range as the file route has them.
 */
import { createHash } from 'node:crypto';
import type { BlobStore } from '../../storage/blobStore.js';
import { HttpError, invalidParameter } from '../errors.js';
import { attachment, etagMatches, type FileReadResult } from '../query/fileRead.js';
import { fileRangeChunks, findLogFile, readFileRange, type LogFile } from '../query/logFile.js';
import { missingIn, type LocatedSession } from '../query/locate.js';
import { contentRange, parseRangeHeader, type ByteRange } from '../query/range.js';
import { tailStart, type TailOptions } from '../query/tail.js';
import { stripAnsi } from './ansi.js';
import { resolveLog, type LogSelector, type ResolvedLog } from './select.js';

/** Ray's default when `lines` is absent or 0. */
export const DEFAULT_LOG_LINES = 1000;
/** The largest `lines` accepted (there is no 10,000 cap: the tail is read backwards). */
export const MAX_LOG_LINES = 100_000_000;
/** Ray's `download_filename` default. */
export const DEFAULT_DOWNLOAD_FILENAME = 'file.txt';

export interface DashboardLogOptions {
  /** The last N lines of the selection; -1 = all; absent or 0 = 1000. */
  lines?: number | undefined;
  /** `filter_ansi_code`: drop ANSI CSI sequences. */
  filterAnsi?: boolean | undefined;
  /** `Content-Disposition: attachment` with this name (default `file.txt`, as Ray). */
  downloadFilename?: string | undefined;
  /**
   * `leading_1` (what Ray's dashboard log viewer asks for): the body is `1` followed by the log
   * (empty for an empty log); a log that cannot be found is `200` with `0` and the reason, which the
   * viewer shows. `text` (default): the log as it is; not found is `404`.
   */
  format?: 'text' | 'leading_1' | undefined;
  range?: string | undefined;
  ifNoneMatch?: string | undefined;
  ifRange?: string | undefined;
}

const ONE = Buffer.from('1');
/** Bytes of a tail kept from the backwards scan and answered from memory; a longer one is read again. */
const TAIL_KEEP_MAX = 4 * 1024 * 1024;

/** Checks `lines`: -1 or 0..MAX_LOG_LINES; anything else is 400 naming `lines`. */
export function checkLines(lines: number): number {
  if (!Number.isSafeInteger(lines) || lines < -1 || lines > MAX_LOG_LINES) {
    throw invalidParameter('lines', `lines must be -1 (all) or an integer from 0 to ${MAX_LOG_LINES}`);
  }
  return lines;
}

/** Checks a download name: 1-255 characters, no path separators or control characters. */
export function checkDownloadFilename(name: string): string {
  // eslint-disable-next-line no-control-regex
  if (name.length < 1 || name.length > 255 || /[/\\\u0000-\u001f\u007f]/.test(name)) {
    throw invalidParameter(
      'download_filename',
      'download_filename must be 1-255 characters without "/", "\\" or control characters',
    );
  }
  return name;
}

/** Resolves the selector and reads the log as `o` asks. */
export async function readDashboardLog(
  store: BlobStore,
  s: LocatedSession,
  sel: LogSelector,
  o: DashboardLogOptions = {},
  tailOptions?: TailOptions,
): Promise<FileReadResult> {
  const lines = checkLines(o.lines ?? DEFAULT_LOG_LINES);
  const download = checkDownloadFilename(o.downloadFilename ?? DEFAULT_DOWNLOAD_FILENAME);
  let log: ResolvedLog;
  let file: LogFile;
  try {
    log = await resolveLog(store, s, sel);
    const found = await findLogFile(store, s, log.node, log.file);
    if (found === null) {
      throw await missingIn(
        store,
        s,
        new HttpError(404, 'file_not_found', `no file ${log.file} from node ${log.node} in ${s.session}`),
      );
    }
    file = found;
  } catch (err) {
    if (o.format === 'leading_1' && err instanceof HttpError && err.status === 404) {
      return {
        status: 200,
        headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
        body: [Buffer.from(`0${err.message}`)],
      };
    }
    throw err;
  }
  return answer(
    store,
    file,
    log,
    { ...o, lines: lines === 0 ? DEFAULT_LOG_LINES : lines },
    download,
    tailOptions,
  );
}

function etagOf(file: LogFile, window: ByteRange, raw: boolean, o: DashboardLogOptions): string {
  if (raw) return file.etag;
  const key = JSON.stringify([file.etag, window.start, window.end, o.lines, o.filterAnsi === true, o.format]);
  return `"${createHash('sha256').update(key).digest('base64url').slice(0, 27)}"`;
}

async function answer(
  store: BlobStore,
  file: LogFile,
  log: ResolvedLog,
  o: DashboardLogOptions & { lines: number },
  download: string,
  tailOptions?: TailOptions,
): Promise<FileReadResult> {
  const start = Math.min(log.range?.start ?? 0, file.size);
  const end = Math.max(start, Math.min(log.range?.end ?? file.size, file.size));
  const leading = o.format === 'leading_1';
  const plain = o.filterAnsi !== true && !leading;
  // The answer is a function of the file's bytes (its ETag) and the request: 304 before any read.
  const etag = etagOf(file, { start, end }, plain && o.lines < 0 && start === 0 && end === file.size, o);
  const headers: Record<string, string> = {
    ETag: etag,
    'Last-Modified': file.lastModified.toUTCString(),
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Disposition': attachment(download),
    ...(plain && { 'Accept-Ranges': 'bytes' }),
  };
  if (etagMatches(o.ifNoneMatch, etag)) return { status: 304, headers };
  // The backwards scan reads the tail anyway: keep its blocks (newest last) while they are small.
  const kept: Buffer[] = [];
  let keptBytes = 0;
  const readBlock = async (a: number, b: number) => {
    const bytes = await readFileRange(store, file, start + a, start + b);
    keptBytes += bytes.length;
    if (keptBytes <= TAIL_KEEP_MAX) kept.unshift(bytes);
    return bytes;
  };
  const from = o.lines < 0 ? start : start + (await tailStart(end - start, o.lines, readBlock, tailOptions));
  const inMemory = o.lines >= 0 && keptBytes <= TAIL_KEEP_MAX;
  const size = end - from;
  let status: 200 | 206 = 200;
  let part = { start: 0, end: size };
  if (plain && o.range !== undefined && (o.ifRange === undefined || etagMatches(o.ifRange, etag))) {
    const r = parseRangeHeader(o.range, size);
    if (r.kind === 'unsatisfiable') {
      throw new HttpError(
        416,
        'range_not_satisfiable',
        r.reason,
        { size },
        { 'Content-Range': `bytes */${size}`, ETag: etag },
      );
    }
    if (r.kind === 'partial') {
      status = 206;
      part = r.range;
      headers['Content-Range'] = contentRange(part, size);
    }
  }
  const keptFrom = end - keptBytes;
  let body: AsyncIterable<Buffer> | Iterable<Buffer> = inMemory
    ? [Buffer.concat(kept).subarray(from + part.start - keptFrom, from + part.end - keptFrom)]
    : fileRangeChunks(store, file, from + part.start, from + part.end);
  if (o.filterAnsi === true) body = stripAnsi(body);
  if (leading) body = withLeadingOne(body);
  if (o.filterAnsi !== true) {
    const length = part.end - part.start;
    headers['Content-Length'] = String(length + (leading && length > 0 ? 1 : 0));
  }
  return { status, headers, body };
}

/** Ray's `leading_1`: a `1` before the first byte of a successful stream (nothing for an empty one). */
async function* withLeadingOne(chunks: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncGenerator<Buffer> {
  let first = true;
  for await (const c of chunks) {
    if (c.length === 0) continue;
    yield first ? Buffer.concat([ONE, c]) : c;
    first = false;
  }
}

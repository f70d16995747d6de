/**
 * The session's event table (Ray dashboard `/events`), from the `logs/<node>/events/event_*.log`
 * files Ray's event loggers write: one JSON event per line (Python's `EventLoggerAdapter` and the
 * C++ `LogEventReporter` write slightly different keys; both are passed on as Ray's dashboard
 * passes them: keys camelCased, `\n` restored in `message`). Grouped by `custom_fields.job_id`
 * (`global` when absent), as Ray's event head groups them.
 *
 * Paged in storage order (node, file, line) with a cursor; a page holds at most `limit` events and
 * reads at most `maxBytes`, streaming each file, so memory does not grow with the files' size.
 * Lines longer than 2 MiB are skipped, as Ray's reader skips them.
 */
import type { BlobStore } from '../../storage/blobStore.js';
import { invalidParameter } from '../errors.js';
import { nodeLogsPrefix, SEGMENT_MARK } from '../layout.js';
import { decodeCursor, encodeCursor } from '../query/cursor.js';
import { findLogFile, rangeChunks } from '../query/logFile.js';
import { sessionExists, sessionNotFound, type LocatedSession } from '../query/locate.js';
import { compareNames, listLogNodes } from './names.js';

/** An event as the dashboard's event table reads it (`eventId`, `severity`, `message`, `timestamp`, …). */
export type DashboardEvent = Record<string, unknown>;

export interface EventTableQuery {
  /** Only events of this job (hex job id, or `global` for events without one). */
  jobId?: string | undefined;
  /** Most events in a page, 1–10000 (default 10000: Ray keeps 10,000 per job). */
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface EventTableOptions {
  /** Bytes one page may read (default 256 MiB); past it the page is `partial` with a cursor. */
  maxBytes?: number;
}

export interface EventTablePage {
  /** The page's events with the job each belongs to, in storage order. */
  events: { job: string; event: DashboardEvent }[];
  nextCursor?: string;
  /** The byte budget ended the page before `limit` events were found. */
  partial?: boolean;
}

export const MAX_EVENT_PAGE = 10_000;
/** Ray's EVENT_READ_LINE_LENGTH_LIMIT. */
export const EVENT_LINE_LIMIT = 2 * 1024 * 1024;
const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
const EVENT_FILE = /^events\/event_[^/]*\.log$/;

interface EventCursor {
  n: string;
  f: string;
  o: number;
}

const isCursor = (v: unknown): v is EventCursor =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as EventCursor).n === 'string' &&
  typeof (v as EventCursor).f === 'string' &&
  Number.isSafeInteger((v as EventCursor).o) &&
  (v as EventCursor).o >= 0;

/** Python's `str.title()` on one `_`-separated part: a letter after a non-letter is upper-cased, others lowered. */
function title(part: string): string {
  return part.replace(/\p{L}+/gu, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase());
}

/** Ray's `to_camel_case`: `source_hostname` → `sourceHostname`. */
export function toCamelCase(key: string): string {
  const [first = '', ...rest] = key.split('_');
  return first + rest.map(title).join('');
}

/** Ray's `to_google_style`: camelCases the keys of objects, recursively (also inside arrays). */
export function googleStyle(v: unknown): unknown {
  if (Array.isArray(v)) return (v as unknown[]).map((x) => (isObject(x) ? googleStyle(x) : x));
  if (!isObject(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [toCamelCase(k), googleStyle(x)]));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses one event line as Ray's event head does; null for a line that is not an event. */
export function parseEventLine(line: string): { job: string; event: DashboardEvent } | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isObject(v) || typeof v.event_id !== 'string' || v.event_id === '') return null;
  if (typeof v.message === 'string') v.message = v.message.replaceAll('\\n', '\n').replaceAll('\\r', '\n');
  const custom = isObject(v.custom_fields) ? v.custom_fields : {};
  const job = typeof custom.job_id === 'string' && custom.job_id !== '' ? custom.job_id : 'global';
  return { job, event: googleStyle(v) as DashboardEvent };
}

/** One page of the event table. */
export async function listEventTable(
  store: BlobStore,
  s: LocatedSession,
  q: EventTableQuery,
  opts: EventTableOptions = {},
): Promise<EventTablePage> {
  const limit = q.limit ?? MAX_EVENT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EVENT_PAGE) {
    throw invalidParameter('limit', `limit must be an integer from 1 to ${MAX_EVENT_PAGE}`);
  }
  const scope = JSON.stringify([
    'eventTable',
    store.container,
    s.cluster,
    s.clusterId,
    s.session,
    q.jobId ?? null,
  ]);
  const from = q.cursor === undefined ? undefined : decodeCursor(q.cursor, scope, isCursor);
  const nodes = (await listLogNodes(store, s)).sort(compareNames);
  if (nodes.length === 0 && from === undefined && !(await sessionExists(store, s))) throw sessionNotFound(s);
  const budget = { left: opts.maxBytes ?? DEFAULT_MAX_BYTES };
  const page: EventTablePage = { events: [] };
  const seen = new Set<string>();
  for (const node of nodes) {
    if (from !== undefined && compareNames(node, from.n) < 0) continue;
    for (const file of await eventFiles(store, s, node)) {
      const resume = from !== undefined && node === from.n;
      if (resume && compareNames(file, from.f) < 0) continue;
      const start = resume && file === from.f ? from.o : 0;
      const stop = await readEvents(store, s, node, file, start, q.jobId, limit, budget, page, seen);
      if (stop !== undefined) {
        page.nextCursor = encodeCursor(scope, { n: node, f: file, o: stop.offset });
        if (stop.partial) page.partial = true;
        return page;
      }
    }
  }
  return page;
}

async function eventFiles(store: BlobStore, s: LocatedSession, node: string): Promise<string[]> {
  const root = nodeLogsPrefix(s, node);
  const files: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list({
      prefix: `${root}events/event_`,
      pageSize: 5000,
      ...(cursor && { cursor }),
    });
    for (const b of page.blobs) {
      const name = b.name.slice(root.length);
      if (!name.includes(SEGMENT_MARK) && EVENT_FILE.test(name)) files.push(name);
    }
    cursor = page.cursor;
  } while (cursor !== undefined);
  return files.sort(compareNames);
}

/** Reads one file's events into `page` from `start`; where to stop next time when the page is full or the budget spent. */
async function readEvents(
  store: BlobStore,
  s: LocatedSession,
  node: string,
  name: string,
  start: number,
  jobId: string | undefined,
  limit: number,
  budget: { left: number },
  page: EventTablePage,
  seen: Set<string>,
): Promise<{ offset: number; partial: boolean } | undefined> {
  const file = await findLogFile(store, s, node, name);
  if (file === null || start >= file.size) return undefined;
  let lineStart = start;
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let overlong = false;
  const take = (line: Buffer): boolean => {
    const parsed = overlong ? null : parseEventLine(line.toString('utf8'));
    if (parsed === null || (jobId !== undefined && parsed.job !== jobId)) return false;
    const key = `${parsed.job}\u0000${String(parsed.event.eventId)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    page.events.push(parsed);
    return page.events.length >= limit;
  };
  let at = start;
  for await (const chunk of rangeChunks(store, file, start, file.size)) {
    const base = at;
    at += chunk.length;
    budget.left -= chunk.length;
    let i = 0;
    for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, i)) {
      const part = chunk.subarray(i, nl);
      const line = carryBytes === 0 ? part : Buffer.concat([...carry, part]);
      overlong ||= carryBytes + part.length > EVENT_LINE_LIMIT;
      const full = take(line);
      carry = [];
      carryBytes = 0;
      overlong = false;
      i = nl + 1;
      lineStart = base + i;
      if (full) return { offset: lineStart, partial: false };
    }
    if (i < chunk.length) {
      const rest = chunk.subarray(i);
      if (!overlong && carryBytes + rest.length <= EVENT_LINE_LIMIT) carry.push(Buffer.from(rest));
      else overlong = true;
      carryBytes += rest.length;
    }
    if (budget.left <= 0 && lineStart > start) return { offset: lineStart, partial: true };
  }
  // Ray reads only terminated lines; a dead cluster's last line may lack its `\n` yet be whole.
  if (carryBytes > 0 && !overlong && take(Buffer.concat(carry))) return { offset: file.size, partial: false };
  return undefined;
}

/**
 * The events of a session (docs/api.md `…/events`): every node_events/ and job_events/ file merged,
 * deduplicated by eventId (ingest is at-least-once in a crash window), filtered, ordered by
 * timestamp to the nanosecond, and paged by keyset so new events never shift a page.
 */
import type { BlobStore } from '../../storage/blobStore.js';
import { parseBlobName, sessionPrefix } from '../layout.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { sessionExists, sessionNotFound, type LocatedSession } from './locate.js';
import { Smallest } from '../smallest.js';
import { nanosKey, parseRfc3339, timeKey } from './timestamp.js';

export interface EventsQuery {
  node?: string | undefined;
  /** Event types to keep (any of them). */
  types?: string[] | undefined;
  /** Lowercase hex job id: only that job's events. */
  jobId?: string | undefined;
  /** Inclusive lower bound, nanoseconds since the epoch. */
  since?: bigint | undefined;
  /** Exclusive upper bound, nanoseconds since the epoch. */
  until?: bigint | undefined;
  /** 1–1000. */
  limit: number;
  cursor?: string | undefined;
}

export type RayEvent = Record<string, unknown>;

export interface EventPage {
  events: RayEvent[];
  nextCursor?: string;
}

interface Keyed {
  event: RayEvent;
  /** Nanoseconds as a fixed-width decimal string; events without a valid timestamp sort last. */
  at: string;
  id: string;
}

const NO_TIME = '~';
/** Event files read at once. */
const READ_CONCURRENCY = 8;

function keyOf(event: RayEvent): Keyed {
  const ts = typeof event.timestamp === 'string' ? parseRfc3339(event.timestamp) : null;
  const at = ts === null || ts.seconds < 0 ? NO_TIME : timeKey(ts);
  return { event, at, id: typeof event.eventId === 'string' ? event.eventId : '' };
}

const byTimeThenId = (a: Keyed, b: Keyed) =>
  a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** An event file, with the span of its events' times when ingest recorded it. */
interface EventFile {
  name: string;
  stamp: string;
  /** Earliest and latest event time (nanosKey), or undefined: the file may hold anything. */
  min?: string;
  max?: string;
}

const SPAN = /^\d{24}$/;

/** The session's event files the query can read (kind and node), a listing page at a time. */
async function* eventFiles(store: BlobStore, s: LocatedSession, q: EventsQuery): AsyncGenerator<EventFile> {
  const root = sessionPrefix(s);
  const areas = q.jobId !== undefined ? [`job_events/${q.jobId}/`] : ['node_events/', 'job_events/'];
  for (const area of areas) {
    let cursor: string | undefined;
    do {
      const page = await store.list({
        prefix: root + area,
        pageSize: 5000,
        includeMetadata: true,
        ...(cursor && { cursor }),
      });
      for (const blob of page.blobs) {
        const p = parseBlobName(blob.name);
        const isEvents = p.kind === 'nodeEvents' || p.kind === 'jobEvents';
        if (!isEvents || (q.node !== undefined && p.node !== q.node)) continue;
        const { mintime, maxtime } = blob.metadata;
        const spanned =
          mintime !== undefined && maxtime !== undefined && SPAN.test(mintime) && SPAN.test(maxtime);
        yield { name: blob.name, stamp: p.stamp, ...(spanned && { min: mintime, max: maxtime }) };
      }
      cursor = page.cursor;
    } while (cursor !== undefined);
  }
}

/**
 * The order files are read in: earliest event first (files without a recorded span first), then the
 * oldest write, so that of two copies of an event the first one written is kept; the name makes it total.
 */
const readOrder = (a: EventFile, b: EventFile) =>
  cmp(a.min ?? '', b.min ?? '') || cmp(a.stamp, b.stamp) || cmp(a.name, b.name);

interface Window {
  /** The next files to read, in read order. */
  files: EventFile[];
  /** Files past the window are left for another listing. */
  more: boolean;
  /** The listing found any event file at all (relevant or not). */
  any: boolean;
}

/**
 * One listing: the first `size` relevant files in read order that come after `from`. Holds at most
 * 2 × `size` files whatever the session's size.
 */
async function nextWindow(
  files: AsyncIterable<EventFile>,
  relevant: (f: EventFile) => boolean,
  from: EventFile | undefined,
  size: number,
): Promise<Window> {
  const kept = new Smallest(size, readOrder);
  let any = false;
  for await (const f of files) {
    any = true;
    if (relevant(f) && (from === undefined || readOrder(f, from) > 0)) kept.add(f);
  }
  return { files: kept.first(), more: kept.count > size, any };
}

/**
 * Files a page's first listing keeps; each further listing keeps four times as many. Every listing
 * lists the whole session, so a page that needs every file (spans that all overlap) must not take
 * many of them: a doubling window from 256 made the soak's verification, whose events all fall in
 * one minute, list each session six times per page and run past its timeout.
 */
export const FIRST_WINDOW = 4096;

async function readEventFile(store: BlobStore, file: EventFile): Promise<RayEvent[]> {
  const got = await store.readText(file.name);
  return got === null ? [] : parseEventFile(got.text);
}

/** A stored event file's events; a file that is not a JSON array of objects contributes none. */
export function parseEventFile(text: string): RayEvent[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v)
      ? v.filter((e): e is RayEvent => typeof e === 'object' && e !== null && !Array.isArray(e))
      : [];
  } catch {
    return [];
  }
}

function isAfter(v: unknown): v is { at: string; id: string } {
  const c = v as { at?: unknown; id?: unknown } | null;
  return typeof c === 'object' && c !== null && typeof c.at === 'string' && typeof c.id === 'string';
}

/**
 * Merges, dedupes, filters, orders and pages a session's events. Files are read in the order of their
 * earliest event (files without a recorded span first; oldest write first among equals),
 * `READ_CONCURRENCY` at a time, keeping only the `limit + 1` smallest matching events; reading stops
 * once every unread file starts after the last of those, and a file whose span lies wholly before the
 * page (or outside `since`/`until`) is never read. So a page costs the files that overlap it, not the
 * whole session. Memory is bounded the same way: a listing keeps only the next files to read (a window
 * of `firstWindow`, four times larger when a page needs more), never every file of the session.
 */
export async function queryEvents(
  store: BlobStore,
  s: LocatedSession,
  q: EventsQuery,
  firstWindow = FIRST_WINDOW,
): Promise<EventPage> {
  const scope = JSON.stringify([
    'events',
    store.container,
    sessionPrefix(s),
    q.node ?? '',
    q.types ?? [],
    q.jobId ?? '',
    String(q.since ?? ''),
    String(q.until ?? ''),
  ]);
  const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, scope, isAfter);
  const since = q.since === undefined ? undefined : nanosKey(q.since);
  const until = q.until === undefined ? undefined : nanosKey(q.until);
  const relevant = (f: EventFile) =>
    f.min === undefined ||
    f.max === undefined ||
    ((after === undefined || f.max >= after.at) &&
      (since === undefined || f.max >= since) &&
      (until === undefined || f.min < until));
  let size = firstWindow;
  let window = await nextWindow(eventFiles(store, s, q), relevant, undefined, size);
  if (!window.any && !(await sessionExists(store, s))) throw sessionNotFound(s);
  const want = q.limit + 1;
  const seen = new Set<string>();
  let kept: Keyed[] = [];
  /** Every file from `f` on starts after the page's last event: none can change the page. */
  const settled = (f: EventFile | undefined) => {
    const last = kept[want - 1];
    return last !== undefined && (f?.min ?? '') > last.at;
  };
  for (;;) {
    const files = window.files;
    let done = false;
    for (let i = 0; i < files.length; i += READ_CONCURRENCY) {
      if (settled(files[i])) {
        done = true;
        break;
      }
      const batch = files.slice(i, i + READ_CONCURRENCY);
      for (const events of await Promise.all(batch.map((f) => readEventFile(store, f)))) {
        for (const event of events) {
          const k = keyOf(event);
          if (k.id !== '') {
            if (seen.has(k.id)) continue;
            seen.add(k.id);
          }
          if (matches(k, q) && (after === undefined || byTimeThenId(k, { ...after, event: {} }) > 0))
            kept.push(k);
        }
      }
      kept.sort(byTimeThenId);
      if (kept.length > want) kept = kept.slice(0, want);
    }
    // Files after the window start no earlier than its last one.
    const lastRead = files.at(-1);
    if (done || !window.more || lastRead === undefined || settled(lastRead)) break;
    size *= 4;
    window = await nextWindow(eventFiles(store, s, q), relevant, lastRead, size);
  }
  const page = kept.slice(0, q.limit);
  const lastOfPage = page[page.length - 1];
  return {
    events: page.map((k) => k.event),
    ...(kept.length > q.limit &&
      lastOfPage !== undefined && {
        nextCursor: encodeCursor(scope, { at: lastOfPage.at, id: lastOfPage.id }),
      }),
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function matches(k: Keyed, q: EventsQuery): boolean {
  if (q.types !== undefined && !q.types.includes(String(k.event.eventType))) return false;
  if (q.since === undefined && q.until === undefined) return true;
  if (k.at === NO_TIME) return false;
  const at = BigInt(k.at);
  return (q.since === undefined || at >= q.since) && (q.until === undefined || at < q.until);
}

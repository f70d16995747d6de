/**
 * The events of a session (API.md `…/events`): every node_events/ and job_events/ file merged,
 * deduplicated by eventId (ingest is at-least-once in a crash window), filtered, ordered by
 * timestamp to the nanosecond, and paged by keyset so new events never shift a page.
 */
import type { BlobProps, BlobStore } from '../../storage/blobStore.js';
import { parseBlobName, sessionPrefix } from '../layout.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { sessionExists, sessionNotFound, type LocatedSession } from './locate.js';
import { parseRfc3339Nanos } from './timestamp.js';

export interface EventsQuery {
  node?: string;
  /** Event types to keep (any of them). */
  types?: string[];
  /** Lowercase hex job id: only that job's events. */
  jobId?: string;
  /** Inclusive lower bound, nanoseconds since the epoch. */
  since?: bigint;
  /** Exclusive upper bound, nanoseconds since the epoch. */
  until?: bigint;
  /** 1–1000. */
  limit: number;
  cursor?: string;
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
  const ts = typeof event.timestamp === 'string' ? parseRfc3339Nanos(event.timestamp) : null;
  const at = ts === null || ts < 0n ? NO_TIME : ts.toString().padStart(24, '0');
  return { event, at, id: typeof event.eventId === 'string' ? event.eventId : '' };
}

const byTimeThenId = (a: Keyed, b: Keyed) =>
  a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

async function eventFiles(store: BlobStore, s: LocatedSession, q: EventsQuery): Promise<BlobProps[]> {
  const root = sessionPrefix(s);
  const areas = q.jobId !== undefined ? [`job_events/${q.jobId}/`] : ['node_events/', 'job_events/'];
  const files: BlobProps[] = [];
  for (const area of areas) {
    let cursor: string | undefined;
    do {
      const page = await store.list({ prefix: root + area, pageSize: 5000, ...(cursor && { cursor }) });
      files.push(...page.blobs);
      cursor = page.cursor;
    } while (cursor !== undefined);
  }
  const keep: { blob: BlobProps; stamp: string }[] = [];
  for (const blob of files) {
    const p = parseBlobName(blob.name);
    const isEvents = p.kind === 'nodeEvents' || p.kind === 'jobEvents';
    if (isEvents && (q.node === undefined || p.node === q.node)) keep.push({ blob, stamp: p.stamp });
  }
  // Oldest write first, so that of two copies of an event the first one written is kept.
  keep.sort((a, b) => (a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : 0));
  return keep.map((k) => k.blob);
}

async function readEvents(store: BlobStore, files: BlobProps[]): Promise<RayEvent[][]> {
  const out: RayEvent[][] = new Array<RayEvent[]>(files.length).fill([]);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      const got = await store.readText((files[i] as BlobProps).name);
      out[i] = got === null ? [] : parseEventFile(got.text);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, files.length) }, worker));
  return out;
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

/** Merges, dedupes, filters, orders and pages a session's events. */
export async function queryEvents(store: BlobStore, s: LocatedSession, q: EventsQuery): Promise<EventPage> {
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
  const files = await eventFiles(store, s, q);
  if (files.length === 0 && !(await sessionExists(store, s))) throw sessionNotFound(s);
  const seen = new Set<string>();
  const kept: Keyed[] = [];
  for (const batch of await readEvents(store, files)) {
    for (const event of batch) {
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
  const page = kept.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    events: page.map((k) => k.event),
    ...(kept.length > q.limit &&
      last !== undefined && {
        nextCursor: encodeCursor(scope, { at: last.at, id: last.id }),
      }),
  };
}

function matches(k: Keyed, q: EventsQuery): boolean {
  if (q.types !== undefined && !q.types.includes(String(k.event.eventType))) return false;
  if (q.since === undefined && q.until === undefined) return true;
  if (k.at === NO_TIME) return false;
  const at = BigInt(k.at);
  return (q.since === undefined || at >= q.since) && (q.until === undefined || at < q.until);
}

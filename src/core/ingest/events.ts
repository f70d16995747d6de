/**
 * Ray events: each accepted group (session × job) is stored as a new JSON file with a unique stamp,
 * deduplicated by eventId within the session. Malformed events are rejected one by one.
 */
import { randomBytes } from 'node:crypto';
import type { BlobStore } from '../../storage/blobStore.js';
import { eventStamp, jobEventsBlob, nodeEventsBlob } from '../layout.js';
import { compareTimes, timeKey, type Rfc3339Time } from '../query/timestamp.js';
import { checkEvent, type EventError, type ValidEvent } from './eventCheck.js';
import { attribution, sessionRef } from './logs.js';
import { ensureMetadata, type SessionTarget } from './metadata.js';
import { seenLog } from './seen.js';

/** Largest events body, after decompression (also capped by INGEST_MAX_BODY_BYTES): 32 MiB. */
export const EVENTS_MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface EventsTarget {
  namespace: string;
  cluster: string;
  clusterId: string;
  node: string;
}

/** Malformed events listed in a reply, the first by index; `rejected` counts them all. */
export const MAX_LISTED_ERRORS = 100;

export interface EventsResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  /** The first MAX_LISTED_ERRORS malformed events. */
  errors: EventError[];
  /** How many more were rejected than are listed (absent when all are). */
  errorsOmitted?: number;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list === undefined) groups.set(k, [item]);
    else list.push(item);
  }
  return groups;
}

/**
 * The earliest and latest event time in a file, as blob metadata `mintime`/`maxtime` (nanoseconds
 * since the epoch, 24 digits): the events route reads only the files whose span can reach the page it
 * serves. Absent when an event has no usable time (then the file is always read).
 */
export function timeSpan(times: (Rfc3339Time | null)[]): { mintime: string; maxtime: string } | undefined {
  let min: Rfc3339Time | undefined;
  let max: Rfc3339Time | undefined;
  for (const t of times) {
    if (t === null || t.seconds < 0) return undefined;
    if (min === undefined || compareTimes(t, min) < 0) min = t;
    if (max === undefined || compareTimes(t, max) > 0) max = t;
  }
  if (min === undefined || max === undefined) return undefined;
  return { mintime: timeKey(min), maxtime: timeKey(max) };
}

/** Writes one file of events under a fresh, unique name. */
async function writeFile(
  store: BlobStore,
  t: EventsTarget & SessionTarget,
  events: ValidEvent[],
  clock: () => Date,
) {
  const ref = sessionRef(t);
  const jobId = events[0]?.jobId ?? null;
  const body = JSON.stringify(events.map((e) => e.event));
  const metadata = { ...attribution(t), node: t.node, ...timeSpan(events.map((e) => e.time)) };
  for (;;) {
    const stamp = eventStamp(clock(), randomBytes(6).toString('hex'));
    const name =
      jobId === null ? nodeEventsBlob(ref, t.node, stamp) : jobEventsBlob(ref, jobId, t.node, stamp);
    if (await store.putIfAbsent(name, body, 'application/json; charset=utf-8', metadata)) return;
  }
}

/** Stores one session's events; returns how many were new and how many were duplicates. */
async function storeSession(
  store: BlobStore,
  t: EventsTarget & SessionTarget,
  events: ValidEvent[],
  maxBlocks: number,
  clock: () => Date,
): Promise<{ accepted: number; duplicates: number }> {
  const seen = seenLog(store, sessionRef(t), maxBlocks);
  const { fresh, duplicates } = await seen.admit(events.map((e) => e.eventId));
  const taken = new Set<string>();
  const toStore = events.filter((e) => fresh.has(e.eventId) && !taken.has(e.eventId) && taken.add(e.eventId));
  const groups = [...groupBy(toStore, (e) => e.jobId ?? '').values()];
  const outcomes = await Promise.allSettled(groups.map((g) => writeFile(store, t, g, clock)));
  const stored = groups.filter((_, i) => outcomes[i]?.status === 'fulfilled').flat();
  const failed = groups.filter((_, i) => outcomes[i]?.status === 'rejected').flat();
  seen.settle(
    stored.map((e) => e.eventId),
    failed.map((e) => e.eventId),
  );
  const failure = outcomes.find((o) => o.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
  await seen.record(stored.map((e) => e.eventId));
  if (stored.length > 0 || duplicates > 0) await ensureMetadata(store, t);
  return { accepted: stored.length, duplicates };
}

/**
 * Stores a batch of Ray events as posted by Ray's aggregator: valid events grouped by session and
 * job into new files, duplicates (by eventId within the session) skipped, malformed ones reported.
 */
export async function storeEvents(
  store: BlobStore,
  t: EventsTarget,
  raw: unknown[],
  maxBlocks: number,
  /** The time now, for the stamps of new event files. */
  clock: () => Date = () => new Date(),
): Promise<EventsResult> {
  const valid: ValidEvent[] = [];
  const errors: EventError[] = [];
  let rejected = 0;
  for (const [i, e] of raw.entries()) {
    const c = checkEvent(e, i);
    if ('event' in c) valid.push(c);
    else if (++rejected <= MAX_LISTED_ERRORS) errors.push(c);
  }
  const sessions = [...groupBy(valid, (e) => e.session).entries()];
  const results = await Promise.all(
    sessions.map(([session, events]) => storeSession(store, { ...t, session }, events, maxBlocks, clock)),
  );
  return {
    accepted: results.reduce((n, r) => n + r.accepted, 0),
    duplicates: results.reduce((n, r) => n + r.duplicates, 0),
    rejected,
    errors,
    ...(rejected > errors.length && { errorsOmitted: rejected - errors.length }),
  };
}

/**
 * The journal: write-once marks under `index/v2/journal/` through which every index update passes
 * (docs/indexer.md, "The journal"). Writers (the blob triggers, ingest, reconcile) only create
 * marks; the compactor, the single writer of everything else, applies and deletes them. A mark's
 * name says what to do, so two writers with the same news write one mark (put-if-absent), and a
 * mark is never rewritten: nothing here can contend.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { BlobStore } from '../../storage/blobStore.js';
import { JOURNAL, markBlob, parseMarkBlob, type Mark, type SessionKey } from '../layout.js';
import { observe, type Observation } from './facts.js';
import { quoted } from './pages.js';
import type { LogFacts, MetaFacts } from './schema.js';

/** Appends to a session within one window share one trailing re-read (seconds). */
export const TRAIL_WINDOW_S = 15;
/** How far instance clocks may disagree; a trailing re-read waits this long past its window (seconds). */
export const CLOCK_GRACE_S = 2;

const EMPTY_TYPE = 'application/octet-stream';

/**
 * When the trailing re-read for a write at `nowMs` is due (epoch seconds): after the end of the
 * write's window plus the clock grace, so that every write of the window has landed by then.
 */
export function trailingDue(nowMs: number): number {
  return (Math.floor(nowMs / 1000 / TRAIL_WINDOW_S) + 1) * TRAIL_WINDOW_S + CLOCK_GRACE_S;
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function isObservation(v: unknown): v is Observation {
  const o = v as Partial<Observation> | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.namespace === 'string' &&
    typeof o.cluster === 'string' &&
    typeof o.session === 'string' &&
    typeof o.created === 'number' &&
    typeof o.modified === 'number'
  );
}

/** The observation a news mark carries (in its metadata), or null when it carries none. */
export function decodeObservation(metadata: Record<string, string>): Observation | null {
  const text = metadata.o;
  if (text === undefined) return null;
  try {
    const v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    return isObservation(v) ? v : null;
  } catch {
    return null;
  }
}

/** Writes a news mark for an observation of blob `blob`; false when the same mark is already waiting. */
export function writeNews(store: BlobStore, blob: string, o: Observation): Promise<boolean> {
  const id = createHash('sha256').update(blob).digest('hex').slice(0, 24);
  return store.putIfAbsent(markBlob({ kind: 'news', key: o, id }), '', EMPTY_TYPE, { o: encode(o) });
}

/** Asks for a re-read of a source (a clusterId's log source, or null: the metadata) at `due` (epoch s). */
export function writeRelist(
  store: BlobStore,
  key: SessionKey,
  source: string | null,
  due: number,
): Promise<boolean> {
  return store.putIfAbsent(markBlob({ kind: 'relist', key, due, source }), '', EMPTY_TYPE);
}

/** What a merge mark carries: facts of one source that the index lacked. */
export type Contribution = { source: string; logs: LogFacts } | { source: null; meta: MetaFacts };

/** Contributions up to this size travel in the mark's metadata (Azure allows 8 KiB of it), bigger ones in its body. */
const INLINE_MAX = 4096;

/**
 * Asks the compactor to merge facts of a source into a session's doc. If such a mark is already
 * waiting (from an earlier run), asks for an exact re-read of the source instead, which covers both.
 */
export async function writeMerge(store: BlobStore, key: SessionKey, c: Contribution): Promise<void> {
  const name = markBlob({ kind: 'merge', key, source: c.source });
  const inline = encode(c);
  const created =
    inline.length <= INLINE_MAX
      ? await store.putIfAbsent(name, '', EMPTY_TYPE, { c: inline })
      : await store.putIfAbsent(name, JSON.stringify(c), 'application/json');
  if (!created) await writeRelist(store, key, c.source, 0);
}

/** The contribution a merge mark carries in its metadata, or null when it is in the body. */
export function decodeContribution(metadata: Record<string, string>): Contribution | null {
  const text = metadata.c;
  if (text === undefined) return null;
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Contribution;
  } catch {
    return null;
  }
}

/** Asks the compactor to re-derive a session's listing entry from its doc. */
export function writeEntryMark(store: BlobStore, key: SessionKey): Promise<boolean> {
  return store.putIfAbsent(markBlob({ kind: 'entry', key }), '', EMPTY_TYPE);
}

/** Per store: the trailing marks this process already wrote, so an append costs no I/O for them. */
const written = new WeakMap<BlobStore, LRUCache<string, true>>();

/**
 * The ingest hook: after an append to a log file, ask for a trailing re-read of its source once per
 * window. With the Event Grid source no event comes for an append, so this is how the index learns
 * sizes; with polling it doubles what the trigger asks, under the same name.
 */
export async function noteAppend(
  store: BlobStore,
  t: SessionKey & { clusterId: string },
  nowMs = Date.now(),
): Promise<void> {
  const name = markBlob({ kind: 'relist', key: t, due: trailingDue(nowMs), source: t.clusterId });
  let seen = written.get(store);
  if (seen === undefined) written.set(store, (seen = new LRUCache({ max: 10_000 })));
  if (seen.has(name)) return;
  await store.putIfAbsent(name, '', EMPTY_TYPE);
  seen.set(name, true);
}

/**
 * The ingest hook for a session's `metadata.json` that ingest itself just created (its times as
 * storage answered them): the news mark the blob trigger would write for it, under the same name.
 * The session is then listed by the next compaction round — the trigger's own, or the timer's —
 * without waiting for the trigger to reach this blob, which can be a minute behind during a burst;
 * when it does, it finds the session indexed and writes nothing.
 */
export async function noteCreated(
  store: BlobStore,
  name: string,
  createdOn: Date,
  lastModified: Date,
): Promise<void> {
  const o = observe(name, { size: 0, lastModified, createdOn, metadata: {} });
  if (o.ok) await writeNews(store, name, o.observation);
}

/** A mark as listed: its name, version and what it asks. */
export interface JournalItem {
  name: string;
  etag: string;
  mark: Mark;
  observation: Observation | null;
  /** A merge mark's contribution, when it travels in the metadata. */
  contribution: Contribution | null;
}

/** One page of the journal, oldest kinds first and relists by due time; unknown names are skipped. */
export async function listJournal(
  store: BlobStore,
  pageSize = 5000,
  cursor?: string,
): Promise<{ items: JournalItem[]; cursor?: string }> {
  const page = await store.list({
    prefix: JOURNAL,
    pageSize,
    includeMetadata: true,
    ...(cursor !== undefined && { cursor }),
  });
  const items: JournalItem[] = [];
  for (const b of page.blobs) {
    const mark = parseMarkBlob(b.name);
    if (mark === null) continue;
    items.push({
      name: b.name,
      etag: quoted(b.etag),
      mark,
      observation: decodeObservation(b.metadata),
      contribution: decodeContribution(b.metadata),
    });
  }
  return { items, ...(page.cursor !== undefined && { cursor: page.cursor }) };
}

/** True when the item can be applied at `nowMs`. */
export function isDue(item: JournalItem, nowMs: number): boolean {
  return item.mark.kind !== 'relist' || item.mark.due * 1000 <= nowMs;
}

/**
 * A cheap "have new events arrived?" signal for reads: ingest appends the id of every event it
 * stores to the session's events-seen log (src/core/ingest/seen.ts) right after writing its file, so
 * the log only grows when new event files exist. A read compares the log's extent (one HEAD) with
 * the extent the manifest recorded when its compaction last found everything folded.
 * Read-only: it never seals or creates segments (ingest does).
 */
import type { BlobStore } from '../../storage/blobStore.js';
import { eventsSeenBlob, type SessionRef } from '../layout.js';

export interface SeenMark {
  segment: number;
  length: number;
}

/** The log's current last segment and its length; null when the session has stored no events. */
export async function seenMark(
  store: BlobStore,
  ref: SessionRef,
  from?: SeenMark | null,
): Promise<SeenMark | null> {
  let segment = from?.segment ?? 0;
  let props = await store.properties(eventsSeenBlob(ref, segment));
  if (props === null && segment > 0) {
    segment = 0; // the log was recreated underneath us
    props = await store.properties(eventsSeenBlob(ref, 0));
  }
  if (props === null) return null;
  for (;;) {
    if (props.sealed !== true) return { segment, length: props.size };
    const next = await store.properties(eventsSeenBlob(ref, segment + 1));
    if (next === null) return { segment, length: props.size };
    segment += 1;
    props = next;
  }
}

export function sameMark(a: SeenMark | null, b: SeenMark | null): boolean {
  return a === b || (a !== null && b !== null && a.segment === b.segment && a.length === b.length);
}

/**
 * Which of a session's event files are folded into its dashboard state. Storing every folded name
 * would grow the manifest with the session, so it keeps a watermark (every file last modified at or
 * before it is folded) and names only the folded files modified after it.
 *
 * The watermark may only rise to a time before which every file was already visible to the listing
 * that found the unfolded ones. The previous manifest's write (storage's own clock) happened before
 * this listing started, so every file committed more than `MARGIN_MS` before that write is in the
 * listing; the new watermark is the earlier of that time and just before the oldest file still
 * unfolded.
 */
import type { BlobStore } from '../../storage/blobStore.js';
import { parseBlobName, sessionPrefix, type SessionRef } from '../layout.js';
import type { Manifest } from './manifest.js';
import { Smallest } from '../smallest.js';

/** How long before the previous manifest's write a file must have been committed to be surely listed. */
export const MARGIN_MS = 60_000;

export interface EventFile {
  /** The blob name. */
  blob: string;
  /** The name under the session prefix (`node_events/…` or `job_events/…`). */
  rel: string;
  /** The collector node name the events were posted under. */
  node: string;
  size: number;
  lastModified: number;
}

/** Every event file of the session (node_events/, then job_events/), a listing page at a time. */
export async function* eventFiles(store: BlobStore, ref: SessionRef): AsyncGenerator<EventFile> {
  const root = sessionPrefix(ref);
  for (const area of ['node_events/', 'job_events/']) {
    let cursor: string | undefined;
    do {
      const page = await store.list({ prefix: root + area, pageSize: 5000, ...(cursor && { cursor }) });
      for (const b of page.blobs) {
        const p = parseBlobName(b.name);
        if (p.kind !== 'nodeEvents' && p.kind !== 'jobEvents') continue;
        yield {
          blob: b.name,
          rel: b.name.slice(root.length),
          node: p.node,
          size: b.size,
          lastModified: b.lastModified.getTime(),
        };
      }
      cursor = page.cursor;
    } while (cursor !== undefined);
  }
}

/** True when the session has at least one event file. */
export async function hasEventFiles(store: BlobStore, ref: SessionRef): Promise<boolean> {
  for await (const _ of eventFiles(store, ref)) return true;
  return false;
}

export interface Unfolded {
  /** The oldest files not yet folded into the manifest, oldest first (then by name), at most `keep`. */
  oldest: EventFile[];
  /** How many files are not folded in, in all. */
  count: number;
}

const byAge = (a: EventFile, b: EventFile) => a.lastModified - b.lastModified || (a.rel < b.rel ? -1 : 1);

/**
 * The files not yet folded into `m`: the `keep` oldest and how many there are. Memory is bounded by
 * `keep`, not by the session: a session's event files grow with its life (one per batch a node posts),
 * and holding every name of a long session in each round was what a heap snapshot under load found.
 */
export async function unfolded(
  m: Manifest,
  files: AsyncIterable<EventFile>,
  keep: number,
): Promise<Unfolded> {
  const recent = new Set(m.folded.recent.map(([name]) => name));
  const oldest = new Smallest(keep, byAge);
  for await (const f of files) {
    if (f.lastModified > m.folded.watermark && !recent.has(f.rel)) oldest.add(f);
  }
  return { oldest: oldest.first(), count: oldest.count };
}

/**
 * The folded set after folding `batch`: `oldestLeft` is the last-modified time of the oldest file left
 * unfolded (Infinity when none is), `previousWrite` the storage time of the manifest this compaction
 * started from (if any).
 */
export function foldedAfter(
  m: Manifest,
  batch: EventFile[],
  oldestLeft: number,
  previousWrite: number | undefined,
): Manifest['folded'] {
  const candidate =
    previousWrite === undefined ? -Infinity : Math.min(previousWrite - MARGIN_MS, oldestLeft - 1);
  const watermark = Math.max(m.folded.watermark, candidate);
  const recent = new Map(m.folded.recent);
  for (const f of batch) recent.set(f.rel, f.lastModified);
  return {
    watermark,
    recent: [...recent.entries()].filter(([, at]) => at > watermark).sort((a, b) => (a[0] < b[0] ? -1 : 1)),
  };
}

/** True when the file `rel`, last modified at `lastModified`, is folded into `m`. */
export function isFolded(m: Manifest, rel: string, lastModified: number): boolean {
  return lastModified <= m.folded.watermark || m.folded.recent.some(([name]) => name === rel);
}

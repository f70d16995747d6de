/**
 * Freshness. Two paths keep a session's dashboard state current:
 * - the blob trigger calls `onEventFile` for every new event file: it compacts, or waits for the
 *   compaction that holds the session and checks that the file got folded in;
 * - every read checks the events-seen log against the manifest (one HEAD) and, when new events were
 *   stored since, compacts (or waits briefly for the holder) before answering.
 * Reads also recover from what a concurrent compaction does underneath them: a document deleted
 * after a newer manifest superseded it makes the read start over; a corrupt one is rebuilt.
 */
import type { BlobStore } from '../../storage/blobStore.js';
import { dashboardManifestBlob, parseBlobName, sessionPrefix, type SessionRef } from '../layout.js';
import { sessionExists, sessionNotFound, type LocatedSession } from '../query/locate.js';
import { cacheFor, type DashboardCache } from './cache.js';
import { compactSession, type CompactOptions, type CompactOutcome } from './compact.js';
import { MissingDocument, readManifest } from './docs.js';
import { hasEventFiles, isFolded } from './eventFiles.js';
import { emptyManifest, type Manifest } from './manifest.js';
import { sameMark, seenMark } from './seenMark.js';
import { CorruptState } from './shardFile.js';

export interface ReadOptions extends Omit<CompactOptions, 'rebuild'> {
  /** Parsed documents kept for later reads (default: the store's, cacheFor). */
  cache?: DashboardCache;
  /** How long a read waits for another compaction of the session before answering (default 4 s). */
  waitMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits before the `attempt`-th retry: 100 ms growing 1.5× to 2 s, with jitter (waiters must not hammer storage). */
const backOff = (attempt: number) => sleep(Math.min(2000, 100 * 1.5 ** attempt) * (0.5 + Math.random()));

function cacheOf(store: BlobStore, o: { cache?: DashboardCache }): DashboardCache {
  return o.cache ?? cacheFor(store);
}

/** The manifest to answer from: current with every event stored so far, as far as `waitMs` allows. */
export async function currentManifest(
  store: BlobStore,
  ref: SessionRef,
  options: ReadOptions = {},
): Promise<Manifest> {
  const blob = dashboardManifestBlob(ref);
  const cache = cacheOf(store, options);
  const now = options.now ?? Date.now;
  const stored = await readManifest(store, blob, cache);
  const mark = await seenMark(store, ref, stored.manifest?.seen);
  const fresh = (m: Manifest | null) => m !== null && m.complete && sameMark(m.seen, mark);
  if (fresh(stored.manifest)) return stored.manifest as Manifest;
  // Nothing materialised and no events: an empty session (no write for a session that has no events),
  // or none at all.
  if (stored.etag === null && mark === null && !(await hasEventFiles(store, ref))) {
    await mustExist(store, ref);
    return emptyManifest();
  }
  const deadline = now() + (options.waitMs ?? 4000);
  for (let attempt = 0; ; attempt++) {
    const r = await compactSession(store, ref, { budgetMs: options.waitMs ?? 4000, ...options });
    const latest = (await readManifest(store, blob, cache)).manifest;
    if (r.status !== 'busy' || fresh(latest) || now() >= deadline) return latest ?? emptyManifest();
    await backOff(attempt);
  }
}

/**
 * 404 `session_not_found` for a session of which nothing is stored, so that a mistyped session in a
 * shared URL is not answered as a session without jobs. A ref with its namespace (a located session,
 * as the routes pass) also counts the session's metadata.json.
 */
async function mustExist(store: BlobStore, ref: SessionRef): Promise<void> {
  const located: LocatedSession = { namespace: '', ...ref };
  if (located.namespace !== '') {
    if (!(await sessionExists(store, located))) throw sessionNotFound(located);
    return;
  }
  const page = await store.list({ prefix: sessionPrefix(ref), pageSize: 1 });
  if (page.blobs.length === 0) throw sessionNotFound({ ...located, namespace: ref.clusterId });
}

/**
 * Runs a read against the current manifest; starts over when a document it names is gone, and
 * rebuilds the state from the events when one is corrupt.
 */
export async function withManifest<T>(
  store: BlobStore,
  ref: SessionRef,
  options: ReadOptions,
  read: (m: Manifest) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const m = await currentManifest(store, ref, options);
    try {
      return await read(m);
    } catch (err) {
      if (err instanceof MissingDocument && attempt < 3) continue;
      if (err instanceof CorruptState && attempt < 3) {
        // Rebuild; when another compaction holds the session it meets the damage and rebuilds too.
        if ((await compactSession(store, ref, { ...options, rebuild: true })).status === 'busy')
          await backOff(attempt + 3);
        continue;
      }
      throw err;
    }
  }
}

export interface EventFileOutcome {
  status: 'ignored' | 'folded' | CompactOutcome['status'];
  files: number;
}

/**
 * The blob trigger's hook for a new blob under `log/`: when it is an event file, makes sure it gets
 * folded into its session's dashboard state — by compacting, or by waiting (up to `waitMs`, default
 * 60 s) for the compaction that holds the session and seeing the file folded. Other blobs: ignored.
 */
export async function onEventFile(
  store: BlobStore,
  blobName: string,
  options: ReadOptions = {},
): Promise<EventFileOutcome> {
  const p = parseBlobName(blobName);
  if (p.kind !== 'nodeEvents' && p.kind !== 'jobEvents') return { status: 'ignored', files: 0 };
  const ref = { cluster: p.cluster, clusterId: p.clusterId, session: p.session };
  const props = await store.properties(blobName);
  if (props === null) return { status: 'ignored', files: 0 };
  const rel = blobName.slice(sessionPrefix(ref).length);
  const now = options.now ?? Date.now;
  const deadline = now() + (options.waitMs ?? 60_000);
  const blob = dashboardManifestBlob(ref);
  for (let attempt = 0; ; attempt++) {
    const m = (await readManifest(store, blob, cacheOf(store, options))).manifest;
    if (m !== null && isFolded(m, rel, props.lastModified.getTime())) return { status: 'folded', files: 0 };
    const r = await compactSession(store, ref, options);
    if (r.status !== 'busy' || now() >= deadline) return { status: r.status, files: r.files };
    await backOff(attempt);
  }
}

/**
 * A cluster's sessions as pages, newest first: a head (`…/head.json`) lists the pages with the
 * newest session of each, so a key's page is found by a binary search and a page of the listing
 * costs two reads however many sessions the cluster has. Only the compactor writes them; every
 * write is conditional on the version it read, so a second writer makes the step fail, never a mix.
 */
import type { BlobStore } from '../../storage/blobStore.js';
import { clusterDir, clusterHeadBlob, clusterPageBlob } from '../layout.js';
import { byNewest } from './facts.js';
import type { ClusterHead, ClusterLine, ClusterPage, PageRef, SessionEntry } from './schema.js';
import { canonical, CorruptIndexError, parse, SCHEMA_VERSION } from './schema.js';

/** A page is split when it holds more entries than this, or more bytes than PAGE_MAX_BYTES. */
export const PAGE_MAX_ENTRIES = 500;
export const PAGE_MAX_BYTES = 256 * 1024;

const JSON_TYPE = 'application/json';

/** Another writer changed a document this step read: the step is abandoned and done again. */
export class IndexConflict extends Error {
  constructor(blob: string) {
    super(`${blob} was changed by another writer`);
    this.name = 'IndexConflict';
  }
}

/** An ETag as conditional requests send it: listings give them without the quotes reads have. */
export function quoted(etag: string): string {
  return etag.startsWith('"') ? etag : `"${etag}"`;
}

/** Called before each batch of writes; throws when this writer may no longer write (lease lost). */
export type Guard = () => Promise<void>;
export type Warn = (message: string) => void;

/** Writes `doc` over the version `etag` (null: absent); throws IndexConflict when it moved. */
export async function writeDoc(
  store: BlobStore,
  name: string,
  doc: unknown,
  etag: string | null,
  metadata?: Record<string, string>,
): Promise<string> {
  const next = await store.putVersioned(name, canonical(doc), JSON_TYPE, etag, metadata);
  if (next === null) throw new IndexConflict(name);
  return next;
}

/** Deletes the version `etag` of a document; throws IndexConflict when it moved. */
export async function deleteDoc(store: BlobStore, name: string, etag: string): Promise<void> {
  if (!(await store.delete(name, etag)) && (await store.properties(name)) !== null)
    throw new IndexConflict(name);
}

/** Reads a document with its version; an unreadable one is reported and taken as empty. */
export async function readDoc<T>(
  store: BlobStore,
  name: string,
  parser: (blob: string, text: string | null) => T | null,
  warn: Warn,
): Promise<{ doc: T | null; etag: string | null }> {
  const got = await store.readText(name);
  try {
    return { doc: parser(name, got?.text ?? null), etag: got?.etag ?? null };
  } catch (err) {
    if (!(err instanceof CorruptIndexError)) throw err;
    warn(`${err.message}; the compactor rewrites it`);
    return { doc: null, etag: got?.etag ?? null };
  }
}

/** Where a session belongs: the last page whose first entry is not older than it (else the first). */
export function locatePage(pages: PageRef[], name: string): number {
  let lo = 0;
  let hi = pages.length - 1;
  let at = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (byNewest((pages[mid] as PageRef).first, name) <= 0) {
      at = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return at;
}

function maxTime(a: string | null, b: string | null): string | null {
  return a === null ? b : b === null ? a : a > b ? a : b;
}

/** A page's reference in its cluster's head, from its sessions (newest first, at least one). */
export function refOf(id: number, sessions: SessionEntry[]): PageRef {
  return {
    id,
    first: (sessions[0] as SessionEntry).name,
    count: sessions.length,
    lastActivity: sessions.reduce<string | null>((t, s) => maxTime(t, s.lastActivity), null),
    clusterIds: [...new Set(sessions.flatMap((s) => s.clusterIds))].sort(),
  };
}

/** The cluster's line in the summary, from its head. */
export function lineOf(head: ClusterHead): ClusterLine {
  return {
    namespace: head.namespace,
    name: head.name,
    clusterIds: [...new Set(head.pages.flatMap((p) => p.clusterIds))].sort(),
    sessions: head.pages.reduce((n, p) => n + p.count, 0),
    latestSession: head.pages[0]?.first ?? null,
    lastActivity: head.pages.reduce<string | null>((t, p) => maxTime(t, p.lastActivity), null),
  };
}

/** Cuts an oversized page into pages that each hold at most half the limits. */
function split(sessions: SessionEntry[]): SessionEntry[][] {
  const size = JSON.stringify(sessions).length;
  const parts = Math.max(
    Math.ceil(sessions.length / (PAGE_MAX_ENTRIES / 2)),
    Math.ceil(size / (PAGE_MAX_BYTES / 2)),
  );
  const per = Math.ceil(sessions.length / parts);
  const out: SessionEntry[][] = [];
  for (let i = 0; i < sessions.length; i += per) out.push(sessions.slice(i, i + per));
  return out;
}

function oversized(sessions: SessionEntry[]): boolean {
  return sessions.length > PAGE_MAX_ENTRIES || JSON.stringify(sessions).length > PAGE_MAX_BYTES;
}

/** The ids of the page blobs a cluster has in storage. */
async function pageIds(store: BlobStore, namespace: string, cluster: string): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list({
      prefix: clusterDir(namespace, cluster),
      pageSize: 5000,
      ...(cursor && { cursor }),
    });
    for (const b of page.blobs) {
      const m = /\/p-(\d+)\.json$/.exec(b.name);
      if (m !== null) ids.push(Number(m[1]));
    }
    cursor = page.cursor;
  } while (cursor !== undefined);
  return ids;
}

interface Loaded {
  ref: PageRef;
  etag: string | null;
  sessions: SessionEntry[];
  /** The page as stored (canonical), to write only what changed. */
  before: string | null;
}

function upsert(sessions: SessionEntry[], name: string, entry: SessionEntry | null): SessionEntry[] {
  const rest = sessions.filter((s) => s.name !== name);
  return entry === null ? rest : [...rest, entry].sort((a, b) => byNewest(a.name, b.name));
}

/**
 * Applies entry changes (`null`: the session is gone) to a cluster's pages and head; returns the
 * cluster's new line, or null when it has no session left (its head is then deleted).
 */
export async function applyToCluster(
  store: BlobStore,
  namespace: string,
  cluster: string,
  changes: Map<string, SessionEntry | null>,
  guard: Guard,
  warn: Warn,
): Promise<ClusterLine | null> {
  const headName = clusterHeadBlob(namespace, cluster);
  const read = await readDoc(store, headName, parse.head, warn);
  const head: ClusterHead = read.doc ?? {
    schemaVersion: SCHEMA_VERSION,
    namespace,
    name: cluster,
    pages: [],
    nextId: 1,
  };
  // Without a readable head, pages of an earlier one may be left: new ids must not meet them.
  const leftovers = read.doc === null ? await pageIds(store, namespace, cluster) : [];
  let nextId = Math.max(head.nextId, ...leftovers.map((id) => id + 1));
  const refs =
    head.pages.length > 0
      ? head.pages
      : [{ id: nextId++, first: '', count: 0, lastActivity: null, clusterIds: [] }];
  const byPage = new Map<number, [string, SessionEntry | null][]>();
  for (const [name, entry] of changes) {
    const at = locatePage(refs, name);
    byPage.set(at, [...(byPage.get(at) ?? []), [name, entry]]);
  }
  const loaded = new Map<number, Loaded>();
  await Promise.all(
    [...byPage.keys()].map(async (at) => {
      const ref = refs[at] as PageRef;
      const page =
        ref.count === 0 && ref.first === ''
          ? { doc: null, etag: null }
          : await readDoc(store, clusterPageBlob(namespace, cluster, ref.id), parse.page, warn);
      let sessions = page.doc?.sessions ?? [];
      const before = page.doc === null ? null : canonical(page.doc);
      for (const [name, entry] of byPage.get(at) ?? []) sessions = upsert(sessions, name, entry);
      loaded.set(at, { ref, etag: page.etag, sessions, before });
    }),
  );

  const pages: PageRef[] = [];
  const writes: { id: number; sessions: SessionEntry[]; etag: string | null }[] = [];
  const dropped: { id: number; etag: string }[] = [];
  refs.forEach((ref, at) => {
    const l = loaded.get(at);
    if (l === undefined) return void pages.push(ref);
    if (l.sessions.length > 0 && !oversized(l.sessions)) {
      pages.push(refOf(ref.id, l.sessions));
      const doc: ClusterPage = { schemaVersion: SCHEMA_VERSION, sessions: l.sessions };
      if (canonical(doc) !== l.before) writes.push({ id: ref.id, sessions: l.sessions, etag: l.etag });
      return;
    }
    if (l.etag !== null) dropped.push({ id: ref.id, etag: l.etag });
    // New pages for the parts: a reader holding the old head still finds the old page whole.
    for (const part of l.sessions.length === 0 ? [] : split(l.sessions)) {
      const id = nextId++;
      pages.push(refOf(id, part));
      writes.push({ id, sessions: part, etag: null });
    }
  });

  await guard();
  await Promise.all(
    writes.map((w) =>
      writeDoc(
        store,
        clusterPageBlob(namespace, cluster, w.id),
        { schemaVersion: SCHEMA_VERSION, sessions: w.sessions } satisfies ClusterPage,
        w.etag,
      ),
    ),
  );
  const next: ClusterHead = { ...head, pages, nextId };
  if (pages.length === 0) {
    if (read.etag !== null) await deleteDoc(store, headName, read.etag);
  } else if (read.doc === null || canonical(next) !== canonical(read.doc)) {
    await writeDoc(store, headName, next, read.etag);
  }
  await Promise.all(dropped.map((d) => store.delete(clusterPageBlob(namespace, cluster, d.id), d.etag)));
  const kept = new Set(pages.map((p) => p.id));
  await Promise.all(
    leftovers
      .filter((id) => !kept.has(id))
      .map((id) => store.delete(clusterPageBlob(namespace, cluster, id))),
  );
  return pages.length === 0 ? null : lineOf(next);
}

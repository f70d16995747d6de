/**
 * One compaction round: apply a batch of journal marks to the session docs, then carry the changed
 * entries into the clusters' pages, the summary and the newest-sessions document, and only then
 * delete the marks. A round that fails part-way leaves its marks, so the next round does it again;
 * every step is idempotent (docs/indexer.md, "Why it is exact").
 */
import type { BlobStore } from '../../storage/blobStore.js';
import { logSourceBlob, sessionDocBlob, type SessionKey, type SessionRef } from '../layout.js';
import { entryOf, fold, isEmpty, mergeLogFacts, mergeMeta, type Observation } from './facts.js';
import { applyToRecent, applyToSummary, type Row } from './globals.js';
import type { Contribution, JournalItem } from './journal.js';
import {
  applyToCluster,
  deleteDoc,
  IndexConflict,
  readDoc,
  writeDoc,
  type Guard,
  type Warn,
} from './pages.js';
import type { ClusterLine, LogFacts, MetaFacts, SessionDoc, SessionEntry } from './schema.js';
import { canonical, parse } from './schema.js';
import { readLogSource, readMeta } from './sources.js';

/** What a round did. */
export interface RoundStats {
  marks: number;
  /** Session docs written or deleted. */
  sessions: number;
}

/** Everything a round does to one session. */
interface Work {
  key: SessionKey;
  /** Sources read from storage: their facts replace what the doc holds (null: gone). */
  logs: Map<string, LogFacts | null>;
  meta?: MetaFacts | null;
  merges: Contribution[];
  news: Observation[];
}

const keyOf = (k: SessionKey) => `${k.namespace}/${k.cluster}/${k.session}`;
const refKey = (r: SessionRef) => `${r.cluster}/${r.clusterId}/${r.session}`;

/** Runs `fn` over `items`, at most `limit` at once. */
export async function eachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The namespaces whose docs hold a log source, as its registry entry records them. */
async function readRegistry(
  store: BlobStore,
  ref: SessionRef,
): Promise<{ namespaces: string[]; etag: string | null }> {
  const got = await store.readText(logSourceBlob(ref));
  if (got === null) return { namespaces: [], etag: null };
  try {
    const doc = JSON.parse(got.text) as { namespaces?: unknown };
    const ns = Array.isArray(doc.namespaces)
      ? doc.namespaces.filter((n): n is string => typeof n === 'string')
      : [];
    return { namespaces: ns, etag: got.etag };
  } catch {
    return { namespaces: [], etag: got.etag };
  }
}

class Round {
  readonly work = new Map<string, Work>();
  readonly registries = new Map<string, { ref: SessionRef; namespaces: string[]; etag: string | null }>();

  constructor(
    readonly store: BlobStore,
    readonly guard: Guard,
    readonly warn: Warn,
    readonly concurrency: number,
  ) {}

  for(key: SessionKey): Work {
    const k = keyOf(key);
    let w = this.work.get(k);
    if (w === undefined) {
      const { namespace, cluster, session } = key;
      w = { key: { namespace, cluster, session }, logs: new Map(), merges: [], news: [] };
      this.work.set(k, w);
    }
    return w;
  }

  /** Reads every log source a relist mark names, once, and hands each namespace its facts. */
  async relistLogs(items: JournalItem[]): Promise<void> {
    const sources = new Map<string, { ref: SessionRef; namespaces: Set<string> }>();
    for (const { mark } of items) {
      if (mark.kind !== 'relist' || mark.source === null) continue;
      const ref = { cluster: mark.key.cluster, clusterId: mark.source, session: mark.key.session };
      const s = sources.get(refKey(ref)) ?? { ref, namespaces: new Set<string>() };
      s.namespaces.add(mark.key.namespace);
      sources.set(refKey(ref), s);
    }
    await eachLimit([...sources.values()], this.concurrency, async ({ ref, namespaces }) => {
      const [found, registry] = await Promise.all([
        readLogSource(this.store, ref),
        readRegistry(this.store, ref),
      ]);
      this.registries.set(refKey(ref), { ref, ...registry });
      for (const ns of new Set([...namespaces, ...registry.namespaces, ...found.keys()])) {
        this.for({ namespace: ns, cluster: ref.cluster, session: ref.session }).logs.set(
          ref.clusterId,
          found.get(ns) ?? null,
        );
      }
    });
  }

  async collect(items: JournalItem[]): Promise<void> {
    await this.relistLogs(items);
    await eachLimit(items, this.concurrency, async ({ name, mark, observation, contribution }) => {
      if (mark.kind === 'relist' && mark.source === null) {
        this.for(mark.key).meta = await readMeta(this.store, mark.key);
      } else if (mark.kind === 'merge') {
        const body = contribution === null ? await this.store.readText(name) : null;
        const c = contribution ?? (body === null ? null : (JSON.parse(body.text) as Contribution));
        if (c !== null) this.for(mark.key).merges.push(c);
      } else if (mark.kind === 'news') {
        if (observation !== null) this.for(mark.key).news.push(observation);
      } else if (mark.kind === 'entry') {
        this.for(mark.key); // its entry goes to the pages, as every session's of the round
      }
    });
  }
}

function applyWork(doc: SessionDoc, w: Work): SessionDoc {
  const logs = { ...doc.logs };
  for (const [cid, facts] of w.logs) {
    if (facts === null) delete logs[cid];
    else logs[cid] = facts;
  }
  let next: SessionDoc = { ...doc, logs, meta: w.meta === undefined ? doc.meta : w.meta };
  for (const c of w.merges) {
    next =
      c.source === null
        ? { ...next, meta: mergeMeta(next.meta, c.meta) }
        : { ...next, logs: { ...next.logs, [c.source]: mergeLogFacts(next.logs[c.source], c.logs) } };
  }
  return w.news.reduce<SessionDoc>((d, o) => fold(d, o), next);
}

/** Blob metadata of a session doc: its metadata facts, which reconcile reads from a listing. */
function docMetadata(doc: SessionDoc): Record<string, string> {
  return doc.meta === null ? {} : { m: `${doc.meta.first},${doc.meta.last}` };
}

interface Outcome {
  key: SessionKey;
  entry: SessionEntry | null;
  written: boolean;
  /** ClusterIds whose source left the doc in this round. */
  gone: string[];
  /** ClusterIds whose source the doc held before this round. */
  had: string[];
}

async function applySession(r: Round, w: Work): Promise<Outcome> {
  const name = sessionDocBlob(w.key);
  const read = await readDoc(r.store, name, parse.session, r.warn);
  const before = read.doc;
  const base: SessionDoc = before ?? {
    schemaVersion: 2,
    namespace: w.key.namespace,
    cluster: w.key.cluster,
    session: w.key.session,
    logs: {},
    meta: null,
  };
  const after = applyWork(base, w);
  const gone = [...w.logs.keys()].filter((cid) => after.logs[cid] === undefined);
  const had = Object.keys(before?.logs ?? {});
  const same = before !== null && canonical(before) === canonical(after);
  if (same || (before === null && read.etag === null && isEmpty(after))) {
    const entry = before === null || read.etag === null ? null : entryOf(before, read.etag);
    return { key: w.key, entry, written: false, gone, had };
  }
  await r.guard();
  if (isEmpty(after)) {
    if (read.etag !== null) await deleteDoc(r.store, name, read.etag);
    return { key: w.key, entry: null, written: true, gone, had };
  }
  const etag = await writeDoc(r.store, name, after, read.etag, docMetadata(after));
  return { key: w.key, entry: entryOf(after, etag), written: true, gone, had };
}

/**
 * Makes the registry say, for every log source of every session of the round, whether that
 * session's doc holds it. Done whether or not the doc changed in this round, so a round redone
 * after one that failed between the two writes still records it.
 */
async function applyRegistry(r: Round, outcomes: Outcome[]): Promise<void> {
  const sources = new Map<string, { ref: SessionRef; set: Map<string, boolean>; fresh: boolean }>();
  const note = (o: Outcome, cid: string, present: boolean) => {
    const ref = { cluster: o.key.cluster, clusterId: cid, session: o.key.session };
    const f = sources.get(refKey(ref)) ?? { ref, set: new Map<string, boolean>(), fresh: true };
    f.set.set(o.key.namespace, present);
    f.fresh &&= present && !o.had.includes(cid);
    sources.set(refKey(ref), f);
  };
  for (const o of outcomes) {
    for (const cid of o.entry?.clusterIds ?? []) note(o, cid, true);
    for (const cid of o.gone) note(o, cid, false);
  }
  await eachLimit([...sources.values()], r.concurrency, async ({ ref, set, fresh }) => {
    const read = r.registries.get(refKey(ref));
    if (read === undefined && fresh) {
      // A source new to every doc of the round (a new session, most often): its entry is most
      // likely absent as well, so it is created without a read; if it exists after all, the
      // creation fails and it is read and merged as any other.
      const namespaces = [...set.keys()].sort();
      await r.guard();
      try {
        await writeDoc(r.store, logSourceBlob(ref), { namespaces }, null, { ns: namespaces.join(',') });
        return;
      } catch (err) {
        if (!(err instanceof IndexConflict)) throw err;
      }
    }
    const registry = read ?? { ref, ...(await readRegistry(r.store, ref)) };
    const ns = new Set(registry.namespaces);
    for (const [n, present] of set) {
      if (present) ns.add(n);
      else ns.delete(n);
    }
    const namespaces = [...ns].sort();
    if (canonical(namespaces) === canonical([...registry.namespaces].sort())) return;
    await r.guard();
    const name = logSourceBlob(ref);
    if (namespaces.length === 0) {
      if (registry.etag !== null) await deleteDoc(r.store, name, registry.etag);
    } else {
      await writeDoc(r.store, name, { namespaces }, registry.etag, { ns: namespaces.join(',') });
    }
  });
}

/** Applies a batch of due marks (one listing page of the journal), then deletes them. */
export async function applyMarks(
  store: BlobStore,
  items: JournalItem[],
  guard: Guard,
  warn: Warn,
  concurrency = 16,
): Promise<RoundStats> {
  const r = new Round(store, guard, warn, concurrency);
  await r.collect(items);
  const outcomes: Outcome[] = [];
  await eachLimit(
    [...r.work.values()],
    concurrency,
    async (w) => void outcomes.push(await applySession(r, w)),
  );
  await guard();
  await applyRegistry(r, outcomes);

  const clusters = new Map<
    string,
    { namespace: string; name: string; changes: Map<string, SessionEntry | null> }
  >();
  const added: Row[] = [];
  const removed: Row[] = [];
  // Every session of the round goes to its pages (written only where its entry differs), so a
  // round redone after one that failed before reaching the pages brings them up to date.
  for (const o of outcomes) {
    const id = `${o.key.namespace}/${o.key.cluster}`;
    const c = clusters.get(id) ?? { namespace: o.key.namespace, name: o.key.cluster, changes: new Map() };
    c.changes.set(o.key.session, o.entry);
    clusters.set(id, c);
    (o.entry === null ? removed : added).push([o.key.namespace, o.key.cluster, o.key.session]);
  }
  const lines = new Map<string, { namespace: string; name: string; line: ClusterLine | null }>();
  await eachLimit([...clusters.entries()], Math.min(8, concurrency), async ([id, c]) => {
    const line = await applyToCluster(store, c.namespace, c.name, c.changes, guard, warn);
    lines.set(id, { namespace: c.namespace, name: c.name, line });
  });
  if (lines.size > 0) {
    const summary = await applyToSummary(store, lines, guard, warn);
    await applyToRecent(store, added, removed, summary, guard, warn);
  }
  await guard();
  await store.deleteMany(items.map((i) => ({ name: i.name, etag: i.etag })));
  return { marks: items.length, sessions: outcomes.filter((o) => o.written).length };
}

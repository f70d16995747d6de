/**
 * Folding new states into one sharded collection: each touched shard is read, joined with what the
 * batch brings for its keys, re-encoded (split when it outgrew its size) and written under a new
 * version. The summary's facet counts move by exactly what the touched rows changed.
 */
import type { BlobStore } from '../../storage/blobStore.js';
import { dashboardDocBlob, type SessionRef } from '../layout.js';
import type { DashboardCache } from './cache.js';
import type { Collection } from './collections.js';
import { readShard } from './docs.js';
import type { ShardEntry } from './manifest.js';
import { encodeShard } from './shardFile.js';
import { locate, sortEntries, splitRows } from './trie.js';

/** Deepest shard prefix (hex digits): ids share long prefixes only in pathological sessions. */
const MAX_DEPTH = 20;
/** Shards rewritten at once. */
const CONCURRENCY = 4;

export interface ApplyContext {
  store: BlobStore;
  cache: DashboardCache;
  ref: SessionRef;
  version: string;
  /** Rows per shard before it splits (default: the collection's). */
  shardRows?: number;
  /** Called between writes: renews the lease (throws when it was lost). */
  keepAlive(): Promise<void>;
}

export interface Applied {
  entries: ShardEntry[];
  /** Blobs the new entries supersede. */
  retired: string[];
  /** Documents written. */
  writes: number;
}

/** Adds `delta` to `counts` (dropping counts that reach zero). */
export function addCounts(
  counts: Record<string, number>,
  delta: Map<string, number>,
): Record<string, number> {
  const out = { ...counts };
  for (const [k, d] of delta) {
    const v = (out[k] ?? 0) + d;
    if (v === 0) delete out[k];
    else out[k] = v;
  }
  return out;
}

async function rewrite<S>(
  ctx: ApplyContext,
  c: Collection<S>,
  entry: ShardEntry,
  incoming: S[],
  facets: Map<string, number>,
): Promise<{ entries: ShardEntry[]; writes: number }> {
  const rows = new Map((await readShard(ctx.store, ctx.cache, c, entry)).map((r) => [c.key(r), r]));
  for (const next of incoming) {
    const key = c.key(next);
    const old = rows.get(key);
    const joined = c.join(old ?? next, next);
    for (const f of old === undefined ? [] : c.facets(old)) facets.set(f, (facets.get(f) ?? 0) - 1);
    for (const f of c.facets(joined)) facets.set(f, (facets.get(f) ?? 0) + 1);
    rows.set(key, joined);
  }
  const parts = splitRows(entry.prefix, [...rows.values()], c.hex, ctx.shardRows ?? c.maxRows, MAX_DEPTH);
  const entries: ShardEntry[] = [];
  let writes = 0;
  for (const part of parts) {
    if (part.rows.length === 0) {
      entries.push({ prefix: part.prefix, blob: null, count: 0, groups: {}, jobs: {} });
      continue;
    }
    const encoded = encodeShard(c, part.rows);
    const blob = dashboardDocBlob(ctx.ref, c.kind, ctx.version, part.prefix);
    await ctx.store.putIfAbsent(blob, encoded.text, 'application/x-ndjson');
    writes += 1;
    await ctx.keepAlive();
    entries.push({ prefix: part.prefix, blob, ...encoded.entry });
  }
  return { entries, writes };
}

/** Folds `states` into the collection whose shards are `entries`; facet deltas go into `facets`. */
export async function applyShards<S>(
  ctx: ApplyContext,
  c: Collection<S>,
  entries: ShardEntry[],
  states: Iterable<S>,
  facets: Map<string, number>,
): Promise<Applied> {
  const byShard = new Map<number, S[]>();
  for (const s of states) {
    const i = locate(entries, c.hex(s));
    const list = byShard.get(i);
    if (list === undefined) byShard.set(i, [s]);
    else list.push(s);
  }
  const touched = [...byShard.keys()].sort((a, b) => a - b);
  const replaced = new Map<number, ShardEntry[]>();
  let writes = 0;
  for (let at = 0; at < touched.length; at += CONCURRENCY) {
    const slice = touched.slice(at, at + CONCURRENCY);
    const done = await Promise.all(
      slice.map((i) => rewrite(ctx, c, entries[i] as ShardEntry, byShard.get(i) ?? [], facets)),
    );
    done.forEach((d, k) => {
      replaced.set(slice[k] as number, d.entries);
      writes += d.writes;
    });
  }
  const next = entries.flatMap((e, i) => replaced.get(i) ?? [e]);
  const retired = touched.flatMap((i) => {
    const blob = entries[i]?.blob;
    return blob === null || blob === undefined ? [] : [blob];
  });
  return { entries: sortEntries(next), retired, writes };
}

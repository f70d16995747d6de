/**
 * Caches that belong to one store object, bounded with lru-cache. What a process has learned about a
 * container (tails of files, clusterIds, ids of ingested events) lives beside the store it was learned
 * through, so a new store — a new process, or a test — starts with nothing, and no module-level state
 * has to be reset.
 */
import { LRUCache } from 'lru-cache';
import type { BlobStore } from '../storage/blobStore.js';

const byStore = new WeakMap<BlobStore, Map<string, LRUCache<string, NonNullable<unknown>>>>();

/** The store's cache called `name`, created on first use with at most `max` entries (least recently used go first). */
export function storeCache<V extends NonNullable<unknown>>(
  store: BlobStore,
  name: string,
  max: number,
): LRUCache<string, V> {
  let caches = byStore.get(store);
  if (caches === undefined) {
    caches = new Map();
    byStore.set(store, caches);
  }
  let cache = caches.get(name);
  if (cache === undefined) {
    cache = new LRUCache<string, NonNullable<unknown>>({ max });
    caches.set(name, cache);
  }
  return cache as unknown as LRUCache<string, V>;
}

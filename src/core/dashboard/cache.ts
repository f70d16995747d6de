/**
 * Parsed dashboard documents, per process, bounded by size. Documents are immutable (a new version
 * gets a new name), so a cached one never goes stale; the manifest is cached by its ETag.
 */
import { LRUCache } from 'lru-cache';

/** Heap bytes a parsed document takes per byte of its JSON text (measured: about 3). */
const HEAP_PER_TEXT_BYTE = 3;

interface Sized {
  value: unknown;
  size: number;
}

export class DashboardCache {
  private readonly lru: LRUCache<string, Sized>;

  /**
   * `maxBytes`: about how much heap the parsed documents may take (default 48 MiB; 0 keeps nothing).
   */
  constructor(maxBytes = 48 * 2 ** 20) {
    this.lru = new LRUCache<string, Sized>({
      maxSize: Math.max(1, maxBytes),
      sizeCalculation: (v) => Math.max(1, v.size),
    });
  }

  get<T>(key: string): T | undefined {
    return this.lru.get(key)?.value as T | undefined;
  }

  /** Keeps `value`, parsed from `textBytes` of text (documents larger than the cache are not kept). */
  set(key: string, value: unknown, textBytes: number): void {
    const size = textBytes * HEAP_PER_TEXT_BYTE;
    if (size < this.lru.maxSize) this.lru.set(key, { value, size });
  }

  clear(): void {
    this.lru.clear();
  }
}

const byStore = new WeakMap<object, DashboardCache>();

/** The cache of one store object (what this process read through it), used when a caller passes none. */
export function cacheFor(store: object): DashboardCache {
  let cache = byStore.get(store);
  if (cache === undefined) {
    cache = new DashboardCache();
    byStore.set(store, cache);
  }
  return cache;
}

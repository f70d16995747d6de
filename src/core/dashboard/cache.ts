/**
 * Parsed dashboard documents, per process, bounded by size. Documents are immutable (a new version
 * gets a new name), so a cached one never goes stale; the manifest is cached by its ETag.
 */
import { LRUCache } from 'lru-cache';

interface Sized {
  value: unknown;
  size: number;
}

export class DashboardCache {
  private readonly lru: LRUCache<string, Sized>;

  /** `maxBytes`: the approximate text size of the documents kept (default 64 MiB). */
  constructor(maxBytes = 64 * 2 ** 20) {
    this.lru = new LRUCache<string, Sized>({
      maxSize: maxBytes,
      sizeCalculation: (v) => Math.max(1, v.size),
    });
  }

  get<T>(key: string): T | undefined {
    return this.lru.get(key)?.value as T | undefined;
  }

  /** Keeps `value`, parsed from `size` bytes of text (documents larger than the cache are not kept). */
  set(key: string, value: unknown, size: number): void {
    if (size < this.lru.maxSize) this.lru.set(key, { value, size });
  }

  clear(): void {
    this.lru.clear();
  }
}

/** The process's cache, used when a caller passes none. */
export const processCache = new DashboardCache();

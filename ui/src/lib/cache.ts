/**
 * Answers kept for a short while, so that moving between a session's views (or scrolling a long
 * sessions table back and forth) does not ask the API again for what it just answered. A failed
 * load is not kept; a load in flight is shared by everyone who asks for the same key meanwhile.
 */

interface Entry {
  value: Promise<unknown>;
  at: number;
}

/** How long an answer is reused (30 s), and how many are kept (the oldest go first). */
export const CACHE_TTL_MS = 30_000;
export const CACHE_ENTRIES = 200;

export class AnswerCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = CACHE_TTL_MS,
    private readonly max = CACHE_ENTRIES,
    private readonly now: () => number = Date.now,
  ) {}

  /** The answer for `key`: the kept one while fresh, else `load()`'s (shared while in flight). */
  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit !== undefined && this.now() - hit.at < this.ttlMs) {
      // Most recently used last, so the oldest is first to go.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value as Promise<T>;
    }
    const value = load();
    this.entries.delete(key);
    this.entries.set(key, { value, at: this.now() });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    for (const k of this.entries.keys()) {
      if (this.entries.size <= this.max) break;
      this.entries.delete(k);
    }
    return value;
  }

  /** Forgets every answer (a new key was entered, or the person asked to reload). */
  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The app's one cache of API answers. */
export const answers = new AnswerCache();

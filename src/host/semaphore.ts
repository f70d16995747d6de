/** A counter of free slots shared by the blob-trigger listeners (the concurrency cap). */
export class Semaphore {
  #free: number;
  readonly #waiters = new Set<() => void>();
  constructor(readonly size: number) {
    this.#free = size;
  }
  tryAcquire(): boolean {
    if (this.#free === 0) return false;
    this.#free--;
    return true;
  }
  /** Frees a slot and lets every subscriber try to take it. */
  release(): void {
    this.#free = Math.min(this.size, this.#free + 1);
    for (const w of this.#waiters) queueMicrotask(w);
  }
  /** Calls `fn` whenever a slot frees up. */
  subscribe(fn: () => void): void {
    this.#waiters.add(fn);
  }
}

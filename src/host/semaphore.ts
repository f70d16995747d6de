/**
 * A counter of free slots shared by the blob-trigger listeners (the concurrency cap). A freed slot
 * is offered to the subscribers in turn, starting one further each time, so one listener with a
 * long queue cannot keep every slot from another (each frees a slot and would take it back first).
 */
export class Semaphore {
  #free: number;
  readonly #waiters: (() => void)[] = [];
  #turn = 0;
  constructor(readonly size: number) {
    this.#free = size;
  }
  tryAcquire(): boolean {
    if (this.#free === 0) return false;
    this.#free--;
    return true;
  }
  /** Frees a slot and lets the subscribers try to take it, in rotating order. */
  release(): void {
    this.#free = Math.min(this.size, this.#free + 1);
    const n = this.#waiters.length;
    if (n === 0) return;
    const start = this.#turn++ % n;
    for (let i = 0; i < n; i++) queueMicrotask(this.#waiters[(start + i) % n] as () => void);
  }
  /** Calls `fn` whenever a slot frees up. */
  subscribe(fn: () => void): void {
    if (!this.#waiters.includes(fn)) this.#waiters.push(fn);
  }
}

/**
 * The first `k` items of a stream in `order`, and how many items there were. Holds at most 2k items at
 * a time (trimmed to k whenever that many are held: O(log k) per item, amortised), so a listing of any
 * length can be narrowed to what a round or a page needs.
 */
export class Smallest<T> {
  #items: T[] = [];
  /** Items added in all. */
  count = 0;

  constructor(
    private readonly k: number,
    private readonly order: (a: T, b: T) => number,
  ) {}

  add(item: T): void {
    this.count += 1;
    this.#items.push(item);
    if (this.#items.length >= 2 * this.k) this.#items = this.#items.sort(this.order).slice(0, this.k);
  }

  /** The first `k` items added, in order. */
  first(): T[] {
    return this.#items.sort(this.order).slice(0, this.k);
  }
}

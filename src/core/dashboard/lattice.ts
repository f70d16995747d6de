/**
 * The building blocks of the merge. Every entity state is a join-semilattice: `join` is commutative,
 * associative and idempotent, so folding events in any order, any number of times, split into any
 * files, gives the same state. Values that are empty or zero mean "unknown" and are never stored, so
 * they never overwrite a known value. Where two values disagree the larger one wins by a total order
 * (a register's time first, then its canonical content), never by arrival order.
 */

/** Nanoseconds since the epoch as a decimal string without leading zeros ("0" for the epoch). */
export type Ns = string;

/** Compares two `Ns` numerically (shorter is smaller; same length compares as text). */
export function cmpNs(a: Ns, b: Ns): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Milliseconds of an `Ns` (floored). */
export function nsToMs(ns: Ns): number {
  return Number(BigInt(ns) / 1_000_000n);
}

/** JSON with object keys sorted at every level: equal values have equal text. */
export function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** Total order on values: numbers numerically, everything else by canonical text. */
export function cmpValue(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const x = typeof a === 'string' ? a : canonical(a);
  const y = typeof b === 'string' ? b : canonical(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The larger of two optional values (an absent value loses). */
export function pick<T>(a: T | undefined, b: T | undefined): T | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return cmpValue(a, b) >= 0 ? a : b;
}

/** A last-writer-wins register: `[time, value]`; the later time wins, ties by content. */
export type Reg<T> = [Ns, T];

export function joinReg<T>(a: Reg<T> | undefined, b: Reg<T> | undefined): Reg<T> | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const byTime = cmpNs(a[0], b[0]);
  if (byTime !== 0) return byTime > 0 ? a : b;
  return cmpValue(a[1], b[1]) >= 0 ? a : b;
}

/** A register at `t` holding `v`, unless `v` is unknown (empty, zero, absent). */
export function reg<T>(t: Ns, v: T | undefined | null): Reg<T> | undefined {
  return known(v) ? [t, v] : undefined;
}

/** False for undefined, null, '', 0 and empty objects: proto3's defaults, which mean "not set". */
export function known<T>(v: T | undefined | null): v is T {
  if (v === undefined || v === null || v === '' || v === 0) return false;
  if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) return false;
  return true;
}

/** Joins two records field by field with `pick`, dropping unknown values. */
export function joinFields<T extends object>(a: T | undefined, b: T | undefined): T | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const out: Record<string, unknown> = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const v = pick((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]);
    if (v !== undefined) out[k] = v;
  }
  return out as T;
}

/** Keeps the known fields of a record (undefined when none is known). */
export function compact<T extends object>(fields: T): T | undefined {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (known(v)) out[k] = v;
  return Object.keys(out).length === 0 ? undefined : (out as T);
}

/**
 * Joins two lists of keyed items: the union by key, items with the same key joined by `join`,
 * sorted by `cmp` (a total order on keys). Always normalises, so a single list comes out canonical.
 */
export function unionBy<T>(
  a: T[] | undefined,
  b: T[] | undefined,
  key: (item: T) => string,
  join: (x: T, y: T) => T,
  cmp: (x: T, y: T) => number,
): T[] | undefined {
  const all = [...(a ?? []), ...(b ?? [])];
  if (all.length === 0) return undefined;
  const byKey = new Map<string, T>();
  for (const item of all) {
    const k = key(item);
    const seen = byKey.get(k);
    byKey.set(k, seen === undefined ? item : join(seen, item));
  }
  return [...byKey.values()].sort(cmp);
}

/** Drops the keys whose value is undefined (so that equal states serialise equally). */
export function defined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as T;
}

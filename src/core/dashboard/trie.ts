/**
 * Shards as a trie over the hex keys: every shard holds the keys that start with its prefix, the
 * shards' prefixes cover the key space without overlap, and sorted by prefix they are in key order.
 * A shard that outgrows its size splits into 16 children (one per next hex digit), so shards stay
 * bounded however big the session gets, and a key is always in exactly one shard.
 */
import type { ShardEntry } from './manifest.js';

/** The index of the shard whose prefix `hexKey` starts with (keys are lowercase hex ids; short ones pad with 0). */
export function locate(entries: ShardEntry[], hexKey: string): number {
  const key = hexKey.padEnd(64, '0');
  const i = entries.findIndex((e) => key.startsWith(e.prefix));
  if (i < 0) throw new Error(`no shard covers key ${hexKey}: the shards are not a cover`);
  return i;
}

const HEX = '0123456789abcdef';

/** The 16 prefixes a shard with `prefix` splits into. */
export function childPrefixes(prefix: string): string[] {
  return [...HEX].map((c) => prefix + c);
}

/** Entries in key order (by prefix: a prefix-free cover sorts in key order). */
export function sortEntries(entries: ShardEntry[]): ShardEntry[] {
  return [...entries].sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
}

/** Splits `rows` (keyed by hex) among the children of `prefix`, deeper while a child is still too big. */
export function splitRows<T>(
  prefix: string,
  rows: T[],
  hexOf: (row: T) => string,
  maxRows: number,
  maxDepth: number,
): { prefix: string; rows: T[] }[] {
  if (rows.length <= maxRows || prefix.length >= maxDepth) return [{ prefix, rows }];
  const byChild = new Map<string, T[]>(childPrefixes(prefix).map((p) => [p, []]));
  for (const row of rows) {
    const digit = hexOf(row).padEnd(64, '0')[prefix.length];
    const child = digit === undefined ? undefined : byChild.get(prefix + digit);
    if (child === undefined) throw new Error(`key ${hexOf(row)} is not hex longer than ${prefix}`);
    child.push(row);
  }
  return [...byChild.entries()].flatMap(([p, list]) => splitRows(p, list, hexOf, maxRows, maxDepth));
}

/**
 * Reconcile compares two sorted listings without holding either: the data (`log/`, `metadir/`) and
 * what the index holds for it, named so that both list in the same order. A side stream yields the
 * index's entries up to a boundary key and remembers where it stopped (its page cursor and the
 * last key taken), so the comparison continues in the next chunk, or the next invocation.
 */
import type { BlobProps, BlobStore } from '../../storage/blobStore.js';

export interface SideState {
  /** The cursor of the listing page the stream is in (absent: the first page). */
  cursor?: string;
  /** The last key taken. */
  after?: string;
}

export interface SideItem {
  key: string;
  blob?: BlobProps;
}

export interface SideSource {
  prefix: string;
  /** With `/`: the stream yields the prefixes one level down (blob absent). */
  delimiter?: '/';
  includeMetadata?: boolean;
  /** The join key of a name, or null to skip it. */
  keyOf(name: string): string | null;
}

/**
 * Takes the side's items with keys after the last taken, up to `boundary` (null: to the end; with
 * `exclusive`, keys below it only), and at most `limit`; `done` when the listing has no more.
 */
export async function takeSide(
  store: BlobStore,
  src: SideSource,
  st: SideState,
  boundary: string | null,
  opts: { exclusive?: boolean; limit?: number } = {},
): Promise<{ items: SideItem[]; done: boolean }> {
  const out: SideItem[] = [];
  const past = (key: string) =>
    boundary !== null && (opts.exclusive === true ? key >= boundary : key > boundary);
  for (;;) {
    const page = await store.list({
      prefix: src.prefix,
      pageSize: 5000,
      ...(src.delimiter !== undefined && { delimiter: src.delimiter }),
      ...(src.includeMetadata === true && { includeMetadata: true }),
      ...(st.cursor !== undefined && { cursor: st.cursor }),
    });
    const entries: { name: string; blob?: BlobProps }[] =
      src.delimiter === undefined
        ? page.blobs.map((b) => ({ name: b.name, blob: b }))
        : page.prefixes.map((name) => ({ name }));
    for (const e of entries) {
      const key = src.keyOf(e.name);
      if (key === null || (st.after !== undefined && key <= st.after)) continue;
      if (past(key) || out.length === opts.limit) return { items: out, done: false };
      out.push({ key, ...(e.blob !== undefined && { blob: e.blob }) });
      st.after = key;
    }
    if (page.cursor === undefined) return { items: out, done: true };
    st.cursor = page.cursor;
  }
}

/** Pairs two key-sorted lists by key: `[key, left items, right items]` in key order. */
export function joinByKey<A, B>(
  left: { key: string; value: A }[],
  right: { key: string; value: B }[],
): [string, A[], B[]][] {
  const keys = [...new Set([...left.map((l) => l.key), ...right.map((r) => r.key)])].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const l = new Map<string, A[]>();
  const r = new Map<string, B[]>();
  for (const x of left) l.set(x.key, [...(l.get(x.key) ?? []), x.value]);
  for (const x of right) r.set(x.key, [...(r.get(x.key) ?? []), x.value]);
  return keys.map((k) => [k, l.get(k) ?? [], r.get(k) ?? []]);
}

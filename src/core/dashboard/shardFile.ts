/**
 * A shard file: NDJSON, one state per line, grouped (task shards: by state) with the groups in name
 * order and rows in key order inside each. The byte range of each group goes into the manifest, so
 * a page filtered by state reads only that range of each shard.
 */
import type { Collection } from './collections.js';
import type { ShardEntry } from './manifest.js';

/** A shard that failed to parse: the session's state is rebuilt from its events. */
export class CorruptState extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptState';
  }
}

export interface EncodedShard {
  text: string;
  entry: Omit<ShardEntry, 'prefix' | 'blob'>;
}

/** Serialises `rows` (any order) and computes the shard's statistics. */
export function encodeShard<S>(c: Collection<S>, rows: S[]): EncodedShard {
  const byGroup = new Map<string, S[]>();
  for (const r of rows) {
    const g = c.group(r);
    const list = byGroup.get(g);
    if (list === undefined) byGroup.set(g, [r]);
    else list.push(r);
  }
  const parts: string[] = [];
  const groups: ShardEntry['groups'] = {};
  const jobs: Record<string, number> = {};
  let offset = 0;
  for (const g of [...byGroup.keys()].sort()) {
    const list = (byGroup.get(g) ?? []).sort((a, b) =>
      c.key(a) < c.key(b) ? -1 : c.key(a) > c.key(b) ? 1 : 0,
    );
    const text = list.map((r) => `${JSON.stringify(r)}\n`).join('');
    const length = Buffer.byteLength(text);
    groups[g] = [offset, length, list.length];
    offset += length;
    parts.push(text);
    for (const r of list) jobs[c.job(r)] = (jobs[c.job(r)] ?? 0) + 1;
  }
  const failures = c.failure === undefined ? undefined : failuresOf(c, rows);
  return { text: parts.join(''), entry: { count: rows.length, groups, jobs, ...(failures && { failures }) } };
}

/** FAILED rows per error type, with the smallest key among them as the example. */
function failuresOf<S>(c: Collection<S>, rows: S[]): NonNullable<ShardEntry['failures']> {
  const out: NonNullable<ShardEntry['failures']> = {};
  for (const r of rows) {
    const type = c.failure?.(r);
    if (type === undefined) continue;
    const seen = out[type];
    const key = c.key(r);
    out[type] = seen === undefined ? [1, key] : [seen[0] + 1, key < seen[1] ? key : seen[1]];
  }
  return out;
}

/** Parses shard text (a whole file or one group's range); throws CorruptState on any bad line. */
export function decodeShard<S>(c: Collection<S>, text: string, where: string): S[] {
  const out: S[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new CorruptState(`${where}: a line is not JSON`);
    }
    const parsed = c.schema.safeParse(value);
    if (!parsed.success) throw new CorruptState(`${where}: a line is not a ${c.kind} state`);
    out.push(parsed.data);
  }
  return out;
}

/** The pure parts of the stored state: the shard trie, the shard file codec, the folded-files set. */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../test/helpers/random.js';
import { tasks } from './collections.js';
import { foldedAfter, isFolded, MARGIN_MS, unfolded, type EventFile } from './eventFiles.js';
import { emptyManifest, parseManifest } from './manifest.js';
import type { TaskState } from './model.js';
import { CorruptState, decodeShard, encodeShard } from './shardFile.js';
import { childPrefixes, locate, sortEntries, splitRows } from './trie.js';

const attempt = (id: string, state: string, n = 0): TaskState => ({
  taskId: id,
  attempt: n,
  transitions: [[state, '1000']],
  def: { jobId: id.slice(-8), type: 'NORMAL_TASK', funcName: 'f' },
});

describe('the shard trie', () => {
  it('splits a full shard 16 ways by the next hex digit, deeper where still too big', () => {
    const ids = ['0a', '0b', '0c', '1a', 'f0'].map((p) => p.padEnd(48, '0'));
    const parts = splitRows('', ids, (x) => x, 2, 20);
    const byPrefix = Object.fromEntries(
      parts.filter((p) => p.rows.length > 0).map((p) => [p.prefix, p.rows.length]),
    );
    expect(byPrefix).toEqual({ '0a': 1, '0b': 1, '0c': 1, '1': 1, f: 1 });
    // The shards still cover every key exactly once.
    const entries = sortEntries(
      parts.map((p) => ({ prefix: p.prefix, blob: null, count: 0, groups: {}, jobs: {} })),
    );
    for (const id of ids) expect(entries.filter((e) => id.startsWith(e.prefix))).toHaveLength(1);
    expect(entries[locate(entries, ids[3] as string)]?.prefix).toBe('1');
    expect(childPrefixes('a')).toHaveLength(16);
  });

  it('stops at the depth limit rather than splitting forever', () => {
    const same = Array.from({ length: 5 }, () => 'f'.repeat(48));
    expect(splitRows('', same, (x) => x, 2, 3).filter((p) => p.rows.length > 0)).toEqual([
      { prefix: 'fff', rows: same },
    ]);
  });
});

describe('a shard file', () => {
  const rows = [
    attempt('b'.repeat(40) + '01000000', 'FINISHED'),
    attempt('a'.repeat(40) + '02000000', 'FAILED'),
    attempt('c'.repeat(40) + '01000000', 'FINISHED', 1),
  ];

  it("groups rows by state with each group's byte range, rows in key order", () => {
    const { text, entry } = encodeShard(tasks, rows);
    expect(entry.count).toBe(3);
    expect(entry.jobs).toEqual({ '01000000': 2, '02000000': 1 });
    expect(Object.keys(entry.groups)).toEqual(['FAILED', 'FINISHED']);
    const [off, len, n] = entry.groups.FINISHED ?? [0, 0, 0];
    const slice = Buffer.from(text)
      .subarray(off, off + len)
      .toString();
    expect(n).toBe(2);
    expect(decodeShard(tasks, slice, 'x').map((t) => t.taskId[0])).toEqual(['b', 'c']);
    expect(entry.failures).toEqual({ '': [1, `${'a'.repeat(40)}02000000:000000`] });
    expect(decodeShard(tasks, text, 'x')).toHaveLength(3);
  });

  it('refuses a damaged file (then the state is rebuilt from the events)', () => {
    expect(() => decodeShard(tasks, '{"taskId":1}\n', 'x')).toThrow(CorruptState);
    expect(() => decodeShard(tasks, 'not json\n', 'x')).toThrow(CorruptState);
  });
});

describe('which event files are folded in', () => {
  const file = (rel: string, lastModified: number): EventFile => ({
    blob: `x/${rel}`,
    rel,
    node: 'n',
    size: 10,
    lastModified,
  });

  /** A listing that hands its files over one at a time, as pages arrive. */
  async function* files(list: EventFile[]): AsyncGenerator<EventFile> {
    for (const f of list) yield await Promise.resolve(f);
  }

  it('keeps the oldest unfolded files up to its bound and counts them all, whatever the listing order', async () => {
    const r = seededRandom();
    for (let run = 0; run < 300; run++) {
      const list = Array.from({ length: r.int(60) }, (_, i) =>
        file(`node_events/n${r.int(3)}-${i}.json`, 1_000 + r.int(20)),
      );
      const recent = list.filter(() => r.int(4) === 0).map((f): [string, number] => [f.rel, f.lastModified]);
      const m = { ...emptyManifest(), folded: { watermark: 1_000 + r.int(8), recent } };
      const keep = 1 + r.int(10);
      const want = list
        .filter((f) => !isFolded(m, f.rel, f.lastModified))
        .sort((a, b) => a.lastModified - b.lastModified || (a.rel < b.rel ? -1 : 1));
      const got = await unfolded(m, files(list), keep);
      expect(got.count).toBe(want.length);
      expect(got.oldest).toEqual(want.slice(0, keep));
    }
  });

  it('names recent files and keeps a watermark below which everything is folded', async () => {
    const m = emptyManifest();
    const a = file('node_events/a.json', 1_000_000);
    const b = file('node_events/b.json', 1_000_500);
    const c = file('node_events/c.json', 1_100_000);
    expect((await unfolded(m, files([c, b, a]), 3)).oldest.map((f) => f.rel)).toEqual([a.rel, b.rel, c.rel]);
    // First compaction: no earlier manifest write to trust, so the watermark stays and names are kept.
    const first = foldedAfter(m, [a, b], c.lastModified, undefined);
    expect(first.watermark).toBe(0);
    expect(first.recent.map(([n]) => n)).toEqual([a.rel, b.rel]);
    // Later: the watermark rises to just before the oldest unfolded file, and never past the margin.
    const next = foldedAfter({ ...m, folded: first }, [], c.lastModified, 1_100_000 + MARGIN_MS + 5);
    expect(next.watermark).toBe(c.lastModified - 1);
    expect(next.recent).toEqual([]);
    expect(isFolded({ ...m, folded: next }, a.rel, a.lastModified)).toBe(true);
    expect(isFolded({ ...m, folded: next }, c.rel, c.lastModified)).toBe(false);
    const capped = foldedAfter({ ...m, folded: first }, [c], Infinity, 1_050_000);
    expect(capped.watermark).toBe(1_050_000 - MARGIN_MS);
    expect(capped.recent.map(([n]) => n)).toEqual([a.rel, b.rel, c.rel]);
  });

  it('reads a manifest of its own version only', () => {
    expect(parseManifest(JSON.stringify(emptyManifest(3)))?.generation).toBe(3);
    expect(parseManifest(JSON.stringify({ ...emptyManifest(), schemaVersion: 2 }))).toBeNull();
    expect(parseManifest('{')).toBeNull();
  });
});

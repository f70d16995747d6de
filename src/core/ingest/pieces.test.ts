import { describe, expect, it } from 'vitest';
import { pieces } from './pieces.js';

async function collect(source: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, size: number) {
  const out: Buffer[] = [];
  for await (const p of pieces(source, size)) out.push(Buffer.from(p));
  return out.map((b) => b.toString());
}

describe('pieces', () => {
  it('re-chunks into pieces of exactly the size, the last one shorter', async () => {
    const src = ['ab', 'cdefg', '', 'h', 'ijklmnopq'].map((s) => Buffer.from(s));
    expect(await collect(src, 4)).toEqual(['abcd', 'efgh', 'ijkl', 'mnop', 'q']);
  });

  it('yields nothing for an empty source and whole chunks unchanged', async () => {
    expect(await collect([], 4)).toEqual([]);
    expect(await collect([Buffer.from('abcd'), Buffer.from('efgh')], 4)).toEqual(['abcd', 'efgh']);
  });

  it('surfaces a source error before the piece it interrupted', async () => {
    async function* failing() {
      yield await Promise.resolve(Buffer.from('abcdef'));
      throw new Error('cut off');
    }
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const p of pieces(failing(), 4)) seen.push(p.toString());
      })(),
    ).rejects.toThrow('cut off');
    expect(seen).toEqual(['abcd']);
  });
});

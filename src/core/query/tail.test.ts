import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tailStart } from './tail.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What coreutils `tail -n N` prints for these bytes: the reference. */
function reference(bytes: Buffer, n: number): Buffer {
  const file = path.join(dir, 'f');
  writeFileSync(file, bytes);
  return execFileSync('tail', ['-n', String(n), file], { maxBuffer: 64 * 1024 * 1024 });
}

/** Our tail over an in-memory file, counting the bytes it reads. */
async function ours(bytes: Buffer, n: number, blockSize: number) {
  let read = 0;
  const start = await tailStart(
    bytes.length,
    n,
    async (s, e) => {
      read += e - s;
      return Promise.resolve(bytes.subarray(s, e));
    },
    { blockSize, maxBlockSize: blockSize * 4 },
  );
  return { out: bytes.subarray(start), read };
}

/** A seeded PRNG so that a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS = ['a', 'log line', 'é', '日本語', '🚀', 'x'.repeat(50), '\t', 'ü'];

function generate(seed: number, opts: { lines: number; maxLine: number; crlf?: boolean; endNl?: boolean }) {
  const r = rng(seed);
  const parts: string[] = [];
  for (let i = 0; i < opts.lines; i++) {
    let line = '';
    const target = Math.floor(r() * opts.maxLine);
    while (Buffer.byteLength(line) < target) line += WORDS[Math.floor(r() * WORDS.length)] ?? '';
    parts.push(line);
  }
  const eol = opts.crlf === true ? '\r\n' : '\n';
  return Buffer.from(parts.join(eol) + (opts.endNl === false ? '' : eol), 'utf8');
}

describe('tailStart agrees with `tail -n` on generated files', () => {
  const cases: { name: string; bytes: Buffer }[] = [
    { name: 'random line lengths', bytes: generate(1, { lines: 400, maxLine: 120 }) },
    { name: 'lines longer than the block', bytes: generate(2, { lines: 60, maxLine: 700 }) },
    { name: 'no trailing newline', bytes: generate(3, { lines: 200, maxLine: 90, endNl: false }) },
    { name: 'CRLF line endings', bytes: generate(4, { lines: 200, maxLine: 90, crlf: true }) },
    {
      name: 'CRLF without a final newline',
      bytes: generate(5, { lines: 50, maxLine: 90, crlf: true, endNl: false }),
    },
    { name: 'multi-byte characters everywhere', bytes: Buffer.from('🚀日本語é\n'.repeat(300), 'utf8') },
    { name: 'empty lines', bytes: Buffer.from('\n\n\na\n\n\nb\n\n', 'utf8') },
    { name: 'only newlines', bytes: Buffer.from('\n'.repeat(37), 'utf8') },
    { name: 'one line, no newline', bytes: Buffer.from('just one line', 'utf8') },
    { name: 'empty file', bytes: Buffer.alloc(0) },
  ];
  const counts = [0, 1, 2, 3, 7, 10, 50, 199, 200, 201, 1000, 100_000];
  for (const { name, bytes } of cases) {
    it(name, async () => {
      for (const block of [1, 7, 64, 4096]) {
        for (const n of counts) {
          const { out } = await ours(bytes, n, block);
          const want = reference(bytes, n);
          expect(out.equals(want), `block ${block}, n ${n}`).toBe(true);
        }
      }
    });
  }

  it('keeps a multi-byte character split across a block edge intact', async () => {
    // '🚀' is 4 bytes; with 3-byte blocks every character straddles a block edge.
    const bytes = Buffer.from('🚀🚀\n日本\n🚀x🚀\n', 'utf8');
    for (const n of [1, 2, 3]) {
      const { out } = await ours(bytes, n, 3);
      expect(out.toString('utf8')).toBe(reference(bytes, n).toString('utf8'));
      expect(out.toString('utf8')).not.toContain('\uFFFD');
    }
  });

  it('reads only the tail, never the whole file', async () => {
    const bytes = generate(6, { lines: 20_000, maxLine: 100 });
    const { out, read } = await ours(bytes, 10, 1024);
    expect(out.equals(reference(bytes, 10))).toBe(true);
    expect(read).toBeLessThan(bytes.length / 50);
  });

  it('answers tail=0 and an empty file without reading', async () => {
    const bytes = generate(7, { lines: 10, maxLine: 20 });
    expect(await ours(bytes, 0, 64)).toEqual({ out: Buffer.alloc(0), read: 0 });
    expect(await ours(Buffer.alloc(0), 5, 64)).toEqual({ out: Buffer.alloc(0), read: 0 });
  });

  it('refuses a short read instead of answering wrong bytes', async () => {
    await expect(
      tailStart(100, 1, async () => Promise.resolve(new Uint8Array(3)), { blockSize: 10 }),
    ).rejects.toThrow(/expected 10/);
  });
});

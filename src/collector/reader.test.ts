import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nextTail, readAfter, tailAt, TAIL_BYTES } from './reader.js';

const fileWith = (content: string) => {
  const p = path.join(mkdtempSync(path.join(tmpdir(), 'rd-')), 'f.log');
  writeFileSync(p, content);
  return p;
};

describe('readAfter', () => {
  it('returns the bytes at the offset when the bytes before it are the ones shipped', async () => {
    const content = '0123456789abcdefghij'.repeat(4);
    const p = fileWith(content);
    const tail = await tailAt(p, 50);
    expect(Buffer.from(tail ?? '', 'base64').toString()).toBe(content.slice(50 - TAIL_BYTES, 50));
    const r = await readAfter(p, 50, 8, tail ?? '');
    expect(r).toEqual({ ok: true, data: Buffer.from('abcdefgh') });
  });

  it('notices a file rewritten in place (same size or larger, different bytes before the offset)', async () => {
    const p = fileWith('x'.repeat(100));
    const tail = nextTail('', Buffer.from('y'.repeat(60)));
    expect(await readAfter(p, 60, 10, tail)).toEqual({ ok: false });
  });

  it('returns what exists when the file is shorter than asked, and nothing past its end', async () => {
    const p = fileWith('hello');
    expect(await readAfter(p, 0, 100, '')).toEqual({ ok: true, data: Buffer.from('hello') });
    expect(await readAfter(p, 5, 100, nextTail('', Buffer.from('hello')))).toEqual({
      ok: true,
      data: Buffer.alloc(0),
    });
  });

  it('keeps the last 32 bytes across small appends', () => {
    let tail = '';
    for (let i = 0; i < 10; i++) tail = nextTail(tail, Buffer.from(`${i}abcdef`));
    expect(Buffer.from(tail, 'base64').toString()).toBe(
      '3abcdef4abcdef5abcdef6abcdef7abcdef8abcdef9abcdef'.slice(-32),
    );
  });
});

import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatBytes, jsonReporter, ttyReporter } from './progress.js';

function sink(): { stream: Writable & { isTTY?: boolean }; text: () => string } {
  let out = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => out };
}

describe('progress display', () => {
  it('on a terminal, redraws one line with files, bytes shipped and bytes behind', () => {
    const s = sink();
    const r = ttyReporter(s.stream as unknown as NodeJS.WriteStream);
    r.progress({ files: 12, shipped: 3 * 1024 * 1024 + 400 * 1024, behind: 0 });
    r.log('warn', 'file set aside', { file: '/tmp/ray/x' });
    r.close();
    expect(s.text()).toContain('\r\x1b[K12 files · shipped 3.4 MiB · behind 0 B');
    expect(s.text()).toContain('\r\x1b[KWARN: file set aside (file=/tmp/ray/x)\n');
    expect(s.text().endsWith('12 files · shipped 3.4 MiB · behind 0 B\n')).toBe(true);
  });

  it('otherwise, writes one JSON object per line', () => {
    const s = sink();
    const r = jsonReporter(s.stream, 60_000);
    r.log('info', 'starting', { node: 'head-1' });
    r.progress({ files: 1, shipped: 10, behind: 5 });
    r.progress({ files: 1, shipped: 11, behind: 4 }); // throttled
    r.progress({ files: 1, shipped: 15, behind: 0 }); // caught up: always shown
    const lines = s
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.msg, l.behind])).toEqual([
      ['starting', undefined],
      ['progress', 5],
      ['progress', 0],
    ]);
    expect(typeof lines[0]?.time).toBe('string');
  });

  it('formats sizes', () => {
    expect([formatBytes(0), formatBytes(1023), formatBytes(1536), formatBytes(5 * 1024 ** 3)]).toEqual([
      '0 B',
      '1023 B',
      '1.5 KiB',
      '5.0 GiB',
    ]);
  });
});

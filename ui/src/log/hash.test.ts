import { describe, expect, it } from 'vitest';
import { parseTarget, targetHash, type LogTarget } from './hash';

describe('line links', () => {
  it('round-trip every form through the fragment', () => {
    const targets: LogTarget[] = [
      { line: 1234 },
      { byte: 0 },
      { byte: 5678, end: 6000 },
      { byte: 5678, line: 1234 },
    ];
    for (const t of targets) expect(parseTarget(targetHash(t))).toEqual(t);
    expect(targets.map(targetHash)).toEqual(['#L1234', '#B0', '#B5678-6000', '#L1234@5678']);
  });

  it('refuse what names no line: line 0, an empty or backwards range is a plain byte, garbage', () => {
    expect(parseTarget('#L0')).toBeNull();
    expect(parseTarget('#B10-10')).toEqual({ byte: 10 });
    expect(parseTarget('#B10-5')).toEqual({ byte: 10 });
    for (const h of ['', '#', '#L', '#Lx', '#B-1', '#L1@', '#B1-', '#L12@3-4', '#B1234567890123456']) {
      expect(parseTarget(h), h).toBeNull();
    }
  });
});

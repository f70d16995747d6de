/**
 * Line links in the URL fragment:
 * - `#L1234`: line 1234 (found by streaming from the file's start);
 * - `#B5678`: the line at byte 5678 (one range read);
 * - `#B5678-6000`: the lines holding bytes [5678, 6000), highlighted together (a task's own output,
 *   as a failure's log locator gives it);
 * - `#L1234@5678`: line 1234, which starts at byte 5678 (a search hit: one range read, and numbered).
 */
export type LogTarget = { line: number } | { byte: number; end?: number; line?: number };

export function parseTarget(hash: string): LogTarget | null {
  const byLine = /^#L(\d{1,15})(?:@(\d{1,15}))?$/.exec(hash);
  if (byLine !== null) {
    const line = Number(byLine[1]);
    if (line < 1) return null;
    return byLine[2] === undefined ? { line } : { byte: Number(byLine[2]), line };
  }
  const byByte = /^#B(\d{1,15})(?:-(\d{1,15}))?$/.exec(hash);
  if (byByte === null) return null;
  const byte = Number(byByte[1]);
  if (byByte[2] === undefined) return { byte };
  const end = Number(byByte[2]);
  return end > byte ? { byte, end } : { byte };
}

export function targetHash(t: LogTarget): string {
  if (!('byte' in t)) return `#L${t.line}`;
  if (t.line !== undefined) return `#L${t.line}@${t.byte}`;
  return t.end === undefined ? `#B${t.byte}` : `#B${t.byte}-${t.end}`;
}

/** The bytes a target highlights: [from, to) (one line's start for a line or a byte). */
export function targetSpan(t: LogTarget, lineOff: number): { from: number; to: number } {
  return 'byte' in t && t.end !== undefined
    ? { from: t.byte, to: t.end }
    : { from: lineOff, to: lineOff + 1 };
}

/** Line links in the URL fragment: `#L1234` (line 1234) or `#B5678` (the line at byte 5678). */
export type LogTarget = { line: number } | { byte: number };

export function parseTarget(hash: string): LogTarget | null {
  const m = /^#([LB])(\d{1,15})$/.exec(hash);
  if (m === null) return null;
  const n = Number(m[2]);
  return m[1] === 'L' ? (n >= 1 ? { line: n } : null) : { byte: n };
}

export function targetHash(t: LogTarget): string {
  return 'line' in t ? `#L${t.line}` : `#B${t.byte}`;
}

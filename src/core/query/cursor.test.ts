import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors.js';
import { decodeCursor, encodeCursor } from './cursor.js';

const isM = (v: unknown): v is { m: string } => typeof (v as { m?: unknown } | null)?.m === 'string';

function rejects(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(400);
    expect((err as HttpError).extra).toEqual({ field: 'cursor' });
    return;
  }
  throw new Error('expected a 400');
}

describe('opaque cursors', () => {
  it('round-trip for the query that made them', () => {
    const c = encodeCursor('scope-a', { m: 'marker/with?odd=chars' });
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(c, 'scope-a', isM)).toEqual({ m: 'marker/with?odd=chars' });
  });

  it('are refused for another query, tampered, truncated or garbage', () => {
    const c = encodeCursor('scope-a', { m: 'abc' });
    rejects(() => decodeCursor(c, 'scope-b', isM));
    const raw = JSON.parse(Buffer.from(c, 'base64url').toString()) as { s: string; d: string };
    const forged = Buffer.from(JSON.stringify({ s: JSON.stringify({ m: 'xyz' }), d: raw.d })).toString(
      'base64url',
    );
    rejects(() => decodeCursor(forged, 'scope-a', isM));
    rejects(() => decodeCursor(c.slice(0, -3), 'scope-a', isM));
    rejects(() => decodeCursor('not a cursor!', 'scope-a', isM));
    rejects(() => decodeCursor('', 'scope-a', isM));
    rejects(() => decodeCursor('x'.repeat(5000), 'scope-a', isM));
    rejects(() => decodeCursor(encodeCursor('scope-a', { other: 1 }), 'scope-a', isM));
  });
});

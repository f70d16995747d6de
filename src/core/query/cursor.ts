/**
 * Opaque paging cursors: base64url JSON of the paging state plus a digest binding it to the query
 * that produced it, so a cursor that was tampered with, truncated or replayed against another
 * query is refused with `400 invalid_parameter` (field `cursor`) instead of reaching storage.
 */
import { createHash } from 'node:crypto';
import { invalidParameter } from '../errors.js';

const MAX_CURSOR = 4096;

function digest(scope: string, state: string): string {
  return createHash('sha256').update(scope).update('\0').update(state).digest('base64url').slice(0, 22);
}

/** Encodes `state` as a cursor valid only for queries with the same `scope`. */
export function encodeCursor(scope: string, state: unknown): string {
  const s = JSON.stringify(state);
  return Buffer.from(JSON.stringify({ s, d: digest(scope, s) }), 'utf8').toString('base64url');
}

/** Decodes a cursor made by `encodeCursor` for `scope`, checking its shape with `valid`. */
export function decodeCursor<T>(
  cursor: string,
  scope: string,
  valid: (state: unknown) => state is T,
  field = 'cursor',
): T {
  const bad = () => invalidParameter(field, `${field} is not a cursor this query handed out`);
  if (cursor.length === 0 || cursor.length > MAX_CURSOR || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  let state: unknown;
  try {
    const outer = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      s?: unknown;
      d?: unknown;
    };
    if (typeof outer.s !== 'string' || outer.d !== digest(scope, outer.s)) throw bad();
    state = JSON.parse(outer.s);
  } catch {
    throw bad();
  }
  if (!valid(state)) throw bad();
  return state;
}

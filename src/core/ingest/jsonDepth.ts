/**
 * Nesting depth of parsed JSON, measured by a recursion bounded by the limit (never by the value's
 * own depth: JSON nested a million deep is refused at level `max + 1`). JSON.parse takes any depth, but
 * JSON.stringify (writing an event file, a metadata document, an answer) overflows the call stack at
 * a few thousand levels; a value is therefore checked before anything serialises it again.
 */

/**
 * Deepest nesting accepted in a client's JSON value: an event (the event object is level 1), batch
 * `metadata`. Ray's events nest about 5 levels; JSON.stringify fails near 5,000.
 */
export const MAX_JSON_DEPTH = 100;

/** Deepest limit `jsonDepthWithin` takes: its recursion is as deep as the limit. */
const LIMIT_MAX = 1000;

/** True when `v` (an object or array `left` levels may still hold) nests within them. */
function within(v: object, left: number): boolean {
  if (left <= 0) return false;
  if (Array.isArray(v)) {
    for (const child of v as unknown[])
      if (typeof child === 'object' && child !== null && !within(child, left - 1)) return false;
    return true;
  }
  // for…in over a parsed object: its own keys, without the array Object.values would allocate (a
  // profile of 50 batches of 1,000 Ray events had this walk at a fifth of the checks' time).
  for (const key in v) {
    const child = (v as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null && !within(child, left - 1)) return false;
  }
  return true;
}

/**
 * True when `value` nests objects and arrays at most `max` levels deep (a scalar is 0 levels, `{}`
 * and `[]` are 1). Stops at the first level past `max`.
 */
export function jsonDepthWithin(value: unknown, max = MAX_JSON_DEPTH): boolean {
  if (max > LIMIT_MAX) throw new RangeError(`jsonDepthWithin takes limits up to ${LIMIT_MAX}, not ${max}`);
  return typeof value !== 'object' || value === null || within(value, max);
}

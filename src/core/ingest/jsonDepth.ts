/**
 * Nesting depth of parsed JSON, measured without recursion. JSON.parse takes any depth, but
 * JSON.stringify (writing an event file, a metadata document, an answer) overflows the call stack at
 * a few thousand levels; a value is therefore checked before anything serialises it again.
 */

/**
 * Deepest nesting accepted in a client's JSON value: an event (the event object is level 1), batch
 * `metadata`. Ray's events nest about 5 levels; JSON.stringify fails near 5,000.
 */
export const MAX_JSON_DEPTH = 100;

/**
 * True when `value` nests objects and arrays at most `max` levels deep (a scalar is 0 levels, `{}`
 * and `[]` are 1). Walks iteratively and stops at the first level past `max`.
 */
export function jsonDepthWithin(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [v, above] = top;
    if (typeof v !== 'object' || v === null) continue;
    const depth = above + 1;
    if (depth > max) return false;
    const children = Array.isArray(v) ? (v as unknown[]) : Object.values(v);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth]);
    }
  }
  return true;
}

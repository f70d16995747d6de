/**
 * What a search looks for in each line: a literal (found with `Buffer.indexOf` over whole chunks, so
 * most bytes are never decoded) or an RE2 regular expression (re2js: linear time, so no pattern can
 * run away — `(a+)+$` costs what `a+$` costs). Pure.
 */
import { RE2JS } from 're2js';
import { invalidParameter } from '../errors.js';

export interface SearchPattern {
  /** The text or pattern to find, 1–1000 characters, no line break. */
  q: string;
  /** `q` is an RE2 regular expression (default: a literal). */
  regex?: boolean;
  /** Match letters of either case (default false). */
  ignoreCase?: boolean;
}

/**
 * `bytes`: exact occurrences of `needle` in `prepare(region)` (same length as the region) are matches.
 * `line`: each line is decoded and tested.
 */
export type LineMatcher =
  | { kind: 'bytes'; needle: Buffer; prepare(region: Buffer): Buffer }
  | { kind: 'line'; test(line: string): boolean };

/** The longest `q` accepted. */
export const MAX_QUERY_LENGTH = 1000;

const ASCII_UPPER_A = 0x41;
const ASCII_UPPER_Z = 0x5a;

/** A copy of `bytes` with ASCII `A`–`Z` lowered (every other byte, UTF-8 included, as it is). */
export function asciiLower(bytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    out[i] = b >= ASCII_UPPER_A && b <= ASCII_UPPER_Z ? b | 0x20 : b;
  }
  return out;
}

const identity = (region: Buffer) => region;

/** Compiles the query; an empty, overlong or invalid `q` is `400 invalid_parameter` naming `q`. */
export function compileMatcher(p: SearchPattern): LineMatcher {
  const { q } = p;
  if (q.length === 0) throw invalidParameter('q', 'q must not be empty');
  if (q.length > MAX_QUERY_LENGTH) {
    throw invalidParameter('q', `q must be at most ${MAX_QUERY_LENGTH} characters (is ${q.length})`);
  }
  if (/[\r\n]/.test(q))
    throw invalidParameter('q', 'q must not contain a line break: lines are searched one by one');
  if (p.regex === true) return regexMatcher(q, p.ignoreCase === true);
  if (p.ignoreCase !== true) return { kind: 'bytes', needle: Buffer.from(q, 'utf8'), prepare: identity };
  // ASCII letters fold by one bit; any other letter needs Unicode case folding, which RE2 does.
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(q)) {
    return { kind: 'bytes', needle: asciiLower(Buffer.from(q, 'utf8')), prepare: asciiLower };
  }
  return regexMatcher(RE2JS.quote(q), true);
}

function regexMatcher(pattern: string, ignoreCase: boolean): LineMatcher {
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw invalidParameter('q', `q is not a valid RE2 regular expression: ${why}`);
  }
  return { kind: 'line', test: (line) => re.test(line) };
}

/**
 * The `glob` of a log listing or search, relative to a node's log directory, as Ray's `Path.glob`
 * reads it: `*` and `?` stay within one path segment, `**` crosses segments, `[a-z]` and `{a,b}`
 * work, dot-files match. picomatch parses it into a regular expression, which runs on RE2 (re2js)
 * rather than JavaScript's backtracking engine: a pattern like `*a*a*a*a*a*a*b` would otherwise
 * take exponential time on a long file name.
 */
import picomatch from 'picomatch';
import { RE2JS } from 're2js';
import { invalidParameter } from '../errors.js';

export interface LogGlob {
  pattern: string;
  /** The literal directories before the first segment with a wildcard: `''` or `events/`. */
  base: string;
  /** True when matches may lie more than one level below `base` (a `/` or `**` after it). */
  deep: boolean;
  /** Whether a path relative to the node's log directory (no trailing `/`) matches. */
  match(path: string): boolean;
}

/** The longest glob accepted. */
export const MAX_GLOB_LENGTH = 256;

const WILD = /[*?[\]{}()!+@]/;
// picomatch guards against `.`/`..` segments and empty segments with lookarounds, which RE2 lacks.
// Stored names can have neither (names.ts), so dropping the guards changes no answer.
const GUARDS = ['(?!(?:^|\\/)\\.{1,2}(?:\\/|$))', '(?!\\.{1,2}(?:\\/|$))', '(?=.)'];
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Parses and checks a glob; anything that could name a path outside the node is `400` naming `field`. */
export function parseGlob(glob: string, field = 'glob'): LogGlob {
  const bad = (why: string) =>
    invalidParameter(field, `${field} ${JSON.stringify(glob.slice(0, 80))} ${why}`);
  if (glob.length === 0 || glob.length > MAX_GLOB_LENGTH)
    throw bad(`must be 1-${MAX_GLOB_LENGTH} characters`);
  if (glob.startsWith('/')) throw bad('must be relative to the node\'s log directory (no leading "/")');
  if (glob.includes('\\')) throw bad('must not contain "\\"');
  if (CONTROL.test(glob)) throw bad('must not contain control characters');
  const segments = glob.split('/');
  for (const seg of segments) {
    if (seg === '' || seg === '.' || seg === '..') throw bad('must not have empty, "." or ".." segments');
  }
  const firstWild = segments.findIndex((s) => WILD.test(s));
  const literal = firstWild < 0 ? segments.length - 1 : firstWild;
  const base = segments
    .slice(0, literal)
    .map((s) => `${s}/`)
    .join('');
  const rest = segments.slice(literal);
  const deep = rest.length > 1 || rest.some((s) => s.includes('**'));
  let source = picomatch.makeRe(glob, { dot: true, noextglob: true, nonegate: true }).source;
  for (const g of GUARDS) source = source.split(g).join('');
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch {
    throw bad('uses a pattern construct that is not supported');
  }
  return { pattern: glob, base, deep, match: (path) => re.matches(path) };
}

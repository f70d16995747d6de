/**
 * ASP.NET Core-style route templates as the Functions host uses them: `{p}`, `{p?}`, `{p=default}`,
 * `{*p}`/`{**p}` catch-alls, `:constraint` chains, case-insensitive literals.
 */

type Constraint = (value: string) => boolean;

interface ParamPart {
  kind: 'param';
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue?: string;
  constraints: Constraint[];
  /** A value meeting the constraints, used to probe for shadowed routes. */
  sample: string;
}
type Part = { kind: 'literal'; text: string } | ParamPart;
type Segment = Part[];

export interface RouteTemplate {
  readonly source: string;
  readonly segments: Segment[];
}

export class RouteTemplateError extends Error {}

const num = (v: string) => v.trim() !== '' && Number.isFinite(Number(v));
const intIn = (v: string, bits: 32 | 64) => {
  if (!/^-?\d+$/.test(v)) return false;
  const n = BigInt(v);
  const max = bits === 32 ? 2n ** 31n : 2n ** 63n;
  return n >= -max && n < max;
};

function constraintOf(name: string, args: string[], template: string): { test: Constraint; sample: string } {
  const n = args.map(Number);
  const [a = NaN, b = NaN] = n;
  switch (name.toLowerCase()) {
    case 'int':
      return { test: (v) => intIn(v, 32), sample: '1' };
    case 'long':
      return { test: (v) => intIn(v, 64), sample: '1' };
    case 'bool':
      return { test: (v) => /^(true|false)$/i.test(v), sample: 'true' };
    case 'guid':
      return {
        test: (v) => /^[{(]?[0-9a-f]{8}-?([0-9a-f]{4}-?){3}[0-9a-f]{12}[)}]?$/i.test(v),
        sample: '00000000-0000-0000-0000-000000000001',
      };
    case 'datetime':
      return { test: (v) => !Number.isNaN(Date.parse(v)), sample: '2026-01-01' };
    case 'decimal':
    case 'double':
    case 'float':
      return { test: num, sample: '1' };
    case 'alpha':
      return { test: (v) => /^[a-z]+$/i.test(v), sample: 'a' };
    case 'min':
      return { test: (v) => intIn(v, 64) && Number(v) >= a, sample: String(a) };
    case 'max':
      return { test: (v) => intIn(v, 64) && Number(v) <= a, sample: String(a) };
    case 'range':
      return { test: (v) => intIn(v, 64) && Number(v) >= a && Number(v) <= b, sample: String(a) };
    case 'minlength':
      return { test: (v) => v.length >= a, sample: 'x'.repeat(a) };
    case 'maxlength':
      return { test: (v) => v.length <= a, sample: 'x' };
    case 'length':
      return args.length === 1
        ? { test: (v) => v.length === a, sample: 'x'.repeat(a) }
        : { test: (v) => v.length >= a && v.length <= b, sample: 'x'.repeat(a) };
    case 'regex': {
      // Braces are doubled inside route templates: `{{2}}` means the quantifier `{2}`.
      const re = new RegExp(args.join(',').replace(/\{\{/g, '{').replace(/\}\}/g, '}'), 'i');
      return { test: (v) => re.test(v), sample: '' };
    }
    case 'required':
      return { test: (v) => v !== '', sample: 'x' };
    default:
      throw new RouteTemplateError(`route "${template}": unknown constraint "${name}"`);
  }
}

/** Splits `name:c1:c2(args)=default?` (the text inside braces) into its pieces. */
function parseParam(body: string, template: string): ParamPart {
  let rest = body;
  let catchAll = false;
  if (rest.startsWith('**')) [catchAll, rest] = [true, rest.slice(2)];
  else if (rest.startsWith('*')) [catchAll, rest] = [true, rest.slice(1)];
  const nameMatch = /^[^:=?]+/.exec(rest);
  if (nameMatch === null) throw new RouteTemplateError(`route "${template}": a parameter has no name`);
  const name = nameMatch[0];
  rest = rest.slice(name.length);
  const constraints: Constraint[] = [];
  let sample = 'x';
  while (rest.startsWith(':')) {
    const m = /^:([A-Za-z]+)/.exec(rest);
    if (m === null || m[1] === undefined) throw new RouteTemplateError(`route "${template}": bad constraint`);
    rest = rest.slice(m[0].length);
    let args: string[] = [];
    if (rest.startsWith('(')) {
      let depth = 0;
      let end = 0;
      for (; end < rest.length; end++) {
        if (rest[end] === '(') depth++;
        else if (rest[end] === ')' && --depth === 0) break;
      }
      if (end >= rest.length)
        throw new RouteTemplateError(`route "${template}": unclosed "(" in a constraint`);
      const inner = rest.slice(1, end);
      args = m[1].toLowerCase() === 'regex' ? [inner] : inner.split(',');
      rest = rest.slice(end + 1);
    }
    const c = constraintOf(m[1], args, template);
    constraints.push(c.test);
    if (c.sample !== '') sample = c.sample;
  }
  let optional = false;
  let defaultValue: string | undefined;
  if (rest.startsWith('=')) [defaultValue, rest] = [rest.slice(1), ''];
  else if (rest === '?') [optional, rest] = [true, ''];
  if (rest !== '') throw new RouteTemplateError(`route "${template}": cannot parse "{${body}}"`);
  return {
    kind: 'param',
    name,
    optional: optional || defaultValue !== undefined || catchAll,
    catchAll,
    ...(defaultValue !== undefined && { defaultValue }),
    constraints,
    sample,
  };
}

function parseSegment(text: string, template: string): Segment {
  const parts: Part[] = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{' && text[i + 1] === '{') [literal, i] = [literal + '{', i + 1];
    else if (ch === '}' && text[i + 1] === '}') [literal, i] = [literal + '}', i + 1];
    else if (ch === '{') {
      let depth = 0;
      let end = i + 1;
      for (; end < text.length; end++) {
        if (text[end] === '(') depth++;
        else if (text[end] === ')') depth--;
        else if (text[end] === '}' && depth === 0) break;
      }
      if (end >= text.length) throw new RouteTemplateError(`route "${template}": unclosed "{"`);
      if (literal !== '') parts.push({ kind: 'literal', text: literal });
      literal = '';
      parts.push(parseParam(text.slice(i + 1, end), template));
      i = end;
    } else literal += ch;
  }
  if (literal !== '') parts.push({ kind: 'literal', text: literal });
  return parts;
}

/** Parses a route template; throws RouteTemplateError for one ASP.NET Core would refuse. */
export function parseRouteTemplate(source: string): RouteTemplate {
  const trimmed = source.replace(/^~?\/+/, '').replace(/\/+$/, '');
  const segments = trimmed === '' ? [] : trimmed.split('/').map((s) => parseSegment(s, source));
  const names = new Set<string>();
  segments.forEach((seg, i) => {
    if (seg.length === 0) throw new RouteTemplateError(`route "${source}": empty segment`);
    for (const part of seg) {
      if (part.kind !== 'param') continue;
      const key = part.name.toLowerCase();
      if (names.has(key)) throw new RouteTemplateError(`route "${source}": parameter "${part.name}" repeats`);
      names.add(key);
      if (part.catchAll && (i !== segments.length - 1 || seg.length !== 1)) {
        throw new RouteTemplateError(
          `route "${source}": a catch-all parameter must be the whole last segment`,
        );
      }
      if (part.optional && !part.catchAll && seg.length !== 1) {
        throw new RouteTemplateError(`route "${source}": an optional parameter must be a whole segment`);
      }
    }
  });
  return { source, segments };
}

function hex(c: number): number {
  return c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1;
}

/**
 * Percent-decodes a raw path segment once, as Kestrel does: `%2F`/`%2f` stays encoded (so a decoded
 * value never gains a `/`), and a malformed escape is left as it is.
 */
export function decodePathSegment(raw: string): string {
  if (!raw.includes('%')) return raw;
  const src = Buffer.from(raw, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src[i] ?? 0;
    const hi = c === 37 && i + 2 < src.length ? hex(src[i + 1] ?? 0) : -1;
    const lo = hi >= 0 ? hex(src[i + 2] ?? 0) : -1;
    const byte = hi * 16 + lo;
    if (lo < 0 || byte === 0x2f) out.push(c);
    else {
      out.push(byte);
      i += 2;
    }
  }
  return Buffer.from(out).toString('utf8');
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function matchSegment(seg: Segment, value: string, into: Record<string, string>): boolean {
  if (seg.length === 1 && seg[0]?.kind === 'param') {
    const p = seg[0];
    if (value === '' || !p.constraints.every((c) => c(value))) return false;
    into[p.name] = value;
    return true;
  }
  const params = seg.filter((p): p is ParamPart => p.kind === 'param');
  const re = new RegExp(
    '^' + seg.map((p) => (p.kind === 'literal' ? escapeRe(p.text) : '(.+?)')).join('') + '$',
    'is',
  );
  const m = re.exec(value);
  if (m === null) return false;
  for (const [i, p] of params.entries()) {
    const v = m[i + 1] ?? '';
    if (!p.constraints.every((c) => c(v))) return false;
    into[p.name] = v;
  }
  return true;
}

/**
 * Matches already-decoded path segments against a template; returns the route values or null.
 * Unmatched optional parameters are left out; defaults are filled in.
 */
export function matchRoute(t: RouteTemplate, path: string[]): Record<string, string> | null {
  const values: Record<string, string> = {};
  for (let i = 0; i < t.segments.length; i++) {
    const seg = t.segments[i] ?? [];
    const first = seg[0];
    if (first?.kind === 'param' && first.catchAll) {
      const rest = path.slice(i).join('/');
      if (rest !== '') {
        if (!first.constraints.every((c) => c(rest))) return null;
        values[first.name] = rest;
      } else if (first.defaultValue !== undefined) values[first.name] = first.defaultValue;
      return values;
    }
    const value = path[i];
    if (value === undefined) {
      // Only trailing optional parameters may be missing.
      const restOptional = t.segments
        .slice(i)
        .every((s) => s.length === 1 && s[0]?.kind === 'param' && s[0].optional);
      if (!restOptional) return null;
      for (const s of t.segments.slice(i)) {
        const p = s[0];
        if (p?.kind === 'param' && p.defaultValue !== undefined) values[p.name] = p.defaultValue;
      }
      return values;
    }
    if (seg.length === 1 && first?.kind === 'literal') {
      if (first.text.toLowerCase() !== value.toLowerCase()) return null;
    } else if (!matchSegment(seg, value, values)) return null;
  }
  return path.length === t.segments.length ? values : null;
}

/** A concrete path this template matches (used to find routes hidden by an earlier one). */
export function samplePath(t: RouteTemplate): string[] {
  return t.segments.map((seg) =>
    seg.map((p) => (p.kind === 'literal' ? p.text : p.catchAll ? 'x/y' : p.sample)).join(''),
  );
}

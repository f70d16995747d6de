/**
 * Schema failures as the contract's 400s: the first issue names its field (`offset`,
 * `chunks[3].file`) in `invalid_parameter`; a body whose top level is wrong is `invalid_body`.
 */
import type { ZodError, ZodType } from 'zod';
import { HttpError } from '../core/errors.js';
import { FIELD } from './common.js';
import type { z } from './zod.js';

/** The field path of an issue: `offset`, `chunks[3].file`; `where` is the path of the value parsed. */
function fieldOf(path: readonly PropertyKey[], where: string[]): string {
  let out = where.join('.');
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** The first issue of a failed parse, as a 400. */
export function toInvalid(error: ZodError, where: string[] = []): HttpError {
  const issue = error.issues[0];
  const field = fieldOf(issue?.path ?? [], where);
  const message = issue?.message ?? 'invalid';
  if (field === '') return new HttpError(400, 'invalid_body', message.replaceAll(FIELD, 'the body'));
  return new HttpError(400, 'invalid_parameter', message.replaceAll(FIELD, field), { field });
}

/** Parses `input` with `schema`, or throws the 400 of its first issue. */
export function parseOr400<T extends ZodType>(schema: T, input: unknown, where: string[] = []): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw toInvalid(r.error, where);
  return r.data;
}

/** True for an array schema, also under optional/default/nullable: a query parameter that may repeat. */
interface Wrapped {
  _zod: { def: { type: string; innerType?: Wrapped } };
}

function repeats(schema: unknown): boolean {
  let s = schema as Wrapped | undefined;
  for (let i = 0; i < 8 && s !== undefined; i++) {
    const def: Wrapped['_zod']['def'] = s._zod.def;
    if (def.type === 'array') return true;
    if (def.type !== 'optional' && def.type !== 'default' && def.type !== 'nullable') return false;
    s = def.innerType;
  }
  return false;
}

/**
 * The query parameters a schema names, as the object it parses: each its first value, or every value
 * for an array field (`filter_keys=a&filter_keys=b`). Parameters the schema does not name are ignored.
 */
export function queryRecord(
  schema: { shape: Readonly<Record<string, unknown>> },
  params: URLSearchParams,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    if (repeats(field)) {
      const all = params.getAll(key);
      if (all.length > 0) out[key] = all;
    } else {
      const v = params.get(key);
      if (v !== null) out[key] = v;
    }
  }
  return out;
}

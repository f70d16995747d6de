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

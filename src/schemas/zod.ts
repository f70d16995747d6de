/**
 * The one zod instance of the app, extended with `.openapi()` (@asteasolutions/zod-to-openapi), so
 * that every schema declared with it is at once the validator, the TypeScript type (`z.infer`) and a
 * part of the OpenAPI document. Import `z` from here, never from 'zod' directly.
 *
 * Messages name the field with the `{field}` placeholder, which the request parser replaces with
 * the parameter's path (src/http/route.ts), so that every error reads like the contract's:
 * "offset is required", "chunks[2].offset must be a number".
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_type') {
      return issue.input === undefined
        ? '{field} is required'
        : `{field} must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    }
    return undefined;
  },
});

export { z };

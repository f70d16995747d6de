/**
 * The one zod instance of the app, extended with `.openapi()` (@asteasolutions/zod-to-openapi), so
 * that every schema declared with it is at once the validator, the TypeScript type (`z.infer`) and a
 * part of the OpenAPI document. Import `z` from here, never from 'zod' directly.
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

export { z };

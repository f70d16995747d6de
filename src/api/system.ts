/** Health, the OpenAPI document and the admin reindex. */
import { defineRoute } from '../http/route.js';
import { Health, ReindexQuery, ReindexReport } from '../schemas/query.js';
import { z } from '../schemas/zod.js';

export const healthRoute = defineRoute({
  name: 'health',
  method: 'GET',
  path: '/api/v1/health',
  auth: 'anonymous',
  tags: ['system'],
  summary: 'Whether storage answers (and the settings are valid)',
  description: '503 storage_unavailable with the reason, or 503 misconfigured naming the setting at fault.',
  responses: { 200: { description: 'ok', schema: Health } },
  errors: [503],
});

export const openapiRoute = defineRoute({
  name: 'openapi',
  method: 'GET',
  path: '/api/v1/openapi.json',
  auth: 'anonymous',
  tags: ['system'],
  summary: 'This document',
  responses: { 200: { description: 'OpenAPI 3.1 document', schema: z.looseObject({ openapi: z.string() }) } },
  errors: [],
});

export const reindexRoute = defineRoute({
  name: 'reindex',
  method: 'POST',
  path: '/api/v1/admin/reindex',
  auth: 'admin',
  tags: ['system'],
  summary: 'Rebuild the session index from a full listing (master key)',
  query: ReindexQuery,
  responses: { 200: { description: 'what differed', schema: ReindexReport } },
  errors: [400, 401, 429, 502, 503],
});

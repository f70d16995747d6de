import { app } from '@azure/functions';
import { openApiDocument } from '../core/openapi.js';
import { http, json } from '../http/respond.js';
import { queryAuthLevel } from '../storage/config.js';

/** `GET /api/v1/openapi.json`: the OpenAPI 3 document of every route. */
export const openapiHandler = http(async () => Promise.resolve(json(200, openApiDocument(queryAuthLevel()))));

app.http('openapi', {
  methods: ['GET'],
  route: 'v1/openapi.json',
  authLevel: 'anonymous',
  handler: openapiHandler,
});

import { ROUTES } from '../api/routes.js';
import { openapiRoute } from '../api/system.js';
import { registerHttp } from '../app/register.js';
import { openApiDocument } from '../http/openapi.js';
import { httpFunction } from '../http/route.js';

/** `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of every route, generated from their schemas. */
export const openapi = httpFunction(openapiRoute, ({ settings }) => {
  const doc = JSON.stringify(openApiDocument(ROUTES, settings.queryAuthLevel));
  return () =>
    Promise.resolve({
      status: 200,
      body: doc,
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
    });
});

registerHttp(openapi);

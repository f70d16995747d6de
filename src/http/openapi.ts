/**
 * The OpenAPI 3.1 document, generated from the route declarations (src/api/) and their zod schemas,
 * so that it says exactly what the validators check. Served at `GET /api/v1/openapi.json`.
 */
import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type ResponseConfig,
  type ZodRequestBody,
} from '@asteasolutions/zod-to-openapi';
import { ErrorBody } from '../schemas/common.js';
import type { RouteSpec } from './route.js';

const ERROR_TEXT: Record<number, string> = {
  400: 'a bad name or parameter (invalid_parameter, with field) or body (invalid_body)',
  401: 'missing or wrong key (empty body)',
  404: 'no such cluster, session or file (cluster_not_found, session_not_found, file_not_found, …)',
  409: 'offset rules (offset_gap, offset_conflict, with expectedOffset and Next-Offset)',
  413: 'body too large (body_too_large, with limit)',
  415: 'unsupported media type or encoding',
  416: 'range not satisfiable (Content-Range: bytes */size)',
  429: 'storage is throttling (storage_throttled, Retry-After)',
  503: 'storage unreachable, hung or refusing our credentials (Retry-After), or a setting is wrong (misconfigured, with setting)',
};

const KEYED: Record<string, string[]>[] = [{ functionKey: [] }, { functionKeyQuery: [] }];

/** `{*file}` (the host's catch-all) is `{file}` in OpenAPI. */
function openApiPath(path: string): string {
  return path.replace(/\{\*+([^}]+)\}/g, '{$1}');
}

function headersOf(headers: Record<string, string>) {
  return Object.fromEntries(
    Object.entries(headers).map(([name, description]) => [
      name,
      { description, schema: { type: 'string' as const } },
    ]),
  );
}

function register(registry: OpenAPIRegistry, spec: RouteSpec, queryAuth: 'anonymous' | 'function'): void {
  const auth = spec.auth === 'query' ? queryAuth : spec.auth;
  const body =
    spec.body === undefined
      ? undefined
      : spec.body.kind === 'json'
        ? {
            description: spec.body.description,
            required: true,
            content: { 'application/json': { schema: spec.body.documentedAs ?? spec.body.schema } },
          }
        : {
            description: spec.body.description,
            required: false,
            content: Object.fromEntries(
              spec.body.contentTypes.map((t) => [
                t,
                { schema: { type: 'string' as const, format: 'binary' } },
              ]),
            ),
          };
  const responses: Record<string, ResponseConfig> = {};
  for (const [status, r] of Object.entries(spec.responses)) {
    const schema = { type: 'string' as const, format: 'binary' };
    responses[status] = {
      description: r.description,
      ...(r.headers !== undefined && { headers: headersOf(r.headers) }),
      ...(r.schema !== undefined
        ? { content: { 'application/json': { schema: r.schema } } }
        : r.contentType !== undefined && { content: { [r.contentType]: { schema } } }),
    };
  }
  for (const status of spec.errors) {
    responses[String(status)] =
      status === 401
        ? { description: ERROR_TEXT[401] ?? '' }
        : {
            description: ERROR_TEXT[status] ?? 'error',
            content: { 'application/json': { schema: ErrorBody } },
          };
  }
  const methods = spec.head === true ? [spec.method, 'HEAD'] : [spec.method];
  for (const method of methods) registerOperation(registry, spec, method, auth, body, responses);
}

function registerOperation(
  registry: OpenAPIRegistry,
  spec: RouteSpec,
  method: string,
  auth: string,
  body: ZodRequestBody | undefined,
  responses: Record<string, ResponseConfig>,
): void {
  registry.registerPath({
    method: method.toLowerCase() as 'get' | 'put' | 'post' | 'delete' | 'head',
    path: spec.docPath ?? openApiPath(spec.path),
    operationId:
      method === spec.method ? spec.name : `${spec.name}${method[0]}${method.slice(1).toLowerCase()}`,
    summary: spec.summary,
    ...(spec.description !== undefined && { description: spec.description }),
    tags: [...spec.tags],
    security: auth === 'anonymous' ? [] : auth === 'admin' ? [{ functionKey: [] }] : KEYED,
    request: {
      ...(spec.params !== undefined && { params: spec.params }),
      ...(spec.query !== undefined && { query: spec.query }),
      ...(spec.headers !== undefined && { headers: spec.headers }),
      ...(body !== undefined && { body }),
    },
    responses,
  });
}

/** The document for these routes; `queryAuth` is QUERY_AUTH_LEVEL (with `function`, query routes need a key too). */
export function openApiDocument(routes: readonly RouteSpec[], queryAuth: 'anonymous' | 'function') {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'functionKey', {
    type: 'apiKey',
    in: 'header',
    name: 'x-functions-key',
  });
  registry.registerComponent('securitySchemes', 'functionKeyQuery', {
    type: 'apiKey',
    in: 'query',
    name: 'code',
  });
  for (const spec of routes) register(registry, spec, queryAuth);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Ray history on Azure Functions',
      version: '2',
      description:
        'Ingest, index and query the logs and events of Ray clusters kept in Azure Blob Storage. ' +
        'The contract in prose: docs/api.md.',
    },
    servers: [{ url: '/' }],
  });
}

/**
 * A route declared once: method, path, auth, and zod schemas for its parameters, body and answers.
 * The same declaration validates requests (400 `invalid_parameter` naming the field, or
 * `invalid_body`), types the handler's input, registers the function, and describes the route in the
 * OpenAPI document (src/http/openapi.ts). A handler is built from its dependencies (`make(deps)`), so
 * tests run the very handler the app registers, with a real or a failing store.
 */
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { ZodType } from 'zod';
import type { Deps } from '../app/deps.js';
import { parseOr400, queryRecord } from '../schemas/parse.js';
import type { z } from '../schemas/zod.js';
import { discardingBodyOnError, jsonBody } from './body.js';
import { http } from './respond.js';

export type AuthLevel = 'anonymous' | 'function' | 'admin';
type AnyObject = z.ZodObject<z.ZodRawShape>;

/** An answer of a route, for the OpenAPI document. */
export interface ResponseSpec {
  description: string;
  /** The JSON body's schema; for other bodies, `contentType` alone. */
  schema?: ZodType;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface JsonBodySpec {
  kind: 'json';
  schema: ZodType;
  description: string;
  /** A limit below INGEST_MAX_BODY_BYTES for this route (bytes, after decompression). */
  maxBytes?: number;
  /**
   * What the OpenAPI document shows when `schema` checks only the envelope and the items are checked
   * one by one by the core (a bad item gets its own error, not a 400); derived from the same schemas.
   */
  documentedAs?: ZodType;
}

export interface RawBodySpec {
  kind: 'raw';
  contentTypes: readonly string[];
  description: string;
}

export interface RouteSpec {
  /** The function's name. */
  name: string;
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** A GET route that also answers HEAD (the same handler; the host sends no body). */
  head?: boolean;
  /** The path the OpenAPI document shows, where the host's template says more (e.g. `/` for `/{root:maxlength(0)?}`). */
  docPath?: string;
  /** The URL path as the host routes it, e.g. `/api/v1/logs/{namespace}/{*file}` (host.json routePrefix is ""). */
  path: string;
  /** `query`: the query routes' level, QUERY_AUTH_LEVEL. */
  auth: AuthLevel | 'query';
  summary: string;
  description?: string;
  tags: readonly string[];
  params?: AnyObject;
  query?: AnyObject;
  /** Request headers the route reads (documentation). */
  headers?: AnyObject;
  body?: JsonBodySpec | RawBodySpec;
  responses: Record<number, ResponseSpec>;
  /** Error statuses the route can answer (each documented with the Error body). */
  errors: readonly number[];
}

type Out<T> = T extends ZodType ? z.output<T> : Record<string, never>;

/** What a handler gets: typed, validated parameters and body, and the request itself (headers, streamed body). */
export interface RouteInput<S extends RouteSpec> {
  params: Out<S['params']>;
  query: Out<S['query']>;
  body: S['body'] extends JsonBodySpec ? z.output<S['body']['schema']> : undefined;
  req: HttpRequest;
  context: InvocationContext;
}

export type RouteHandler<S extends RouteSpec> = (input: RouteInput<S>) => Promise<HttpResponseInit>;

/** A declared route with the factory of its handler. */
export interface HttpFunction<S extends RouteSpec = RouteSpec> {
  spec: S;
  /** The handler the app registers, built from `deps`. */
  make(deps: Deps): HttpHandler;
}

/** Declares a route (a typed identity: the spec is data). */
export function defineRoute<const S extends RouteSpec>(spec: S): S {
  return spec;
}

/** Route parameters, with empty ones treated as absent (the host passes `""` for an empty segment). */
function paramsObject(req: HttpRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.params)) if (v !== '') out[k] = v;
  return out;
}

async function parseInput<S extends RouteSpec>(
  spec: S,
  deps: Deps,
  req: HttpRequest,
  context: InvocationContext,
): Promise<RouteInput<S>> {
  const params = spec.params === undefined ? {} : parseOr400(spec.params, paramsObject(req));
  const query = spec.query === undefined ? {} : parseOr400(spec.query, queryRecord(spec.query, req.query));
  let body: unknown;
  if (spec.body?.kind === 'json') {
    const maxBytes = Math.min(deps.settings.maxBodyBytes, spec.body.maxBytes ?? Infinity);
    body = parseOr400(spec.body.schema, await jsonBody(req, { types: ['application/json'], maxBytes }));
  }
  return { params, query, body, req, context } as RouteInput<S>;
}

/** Pairs a route with the factory of its handler: validation first, then the handler, every error through the one mapping. */
export function httpFunction<S extends RouteSpec>(
  spec: S,
  factory: (deps: Deps) => RouteHandler<S>,
): HttpFunction<S> {
  return {
    spec,
    make(deps) {
      const handler = factory(deps);
      const run = async (req: HttpRequest, context: InvocationContext) =>
        handler(await parseInput(spec, deps, req, context));
      return http(spec.body === undefined ? run : discardingBodyOnError(run));
    },
  };
}

/** The route template the Functions host registers (the path without its leading `/`). */
export function hostRoute(spec: RouteSpec): string {
  return spec.path.replace(/^\//, '');
}

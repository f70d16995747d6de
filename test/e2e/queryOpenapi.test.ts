/**
 * The OpenAPI document stays true: every HTTP route and method the app registers (loaded the way
 * the local host loads it) is described, nothing else is, and the host serves the document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/api/routes.js';
import { openApiDocument as generate } from '../../src/http/openapi.js';
import { listFunctions, startHost, type RunningHost } from '../helpers/host.js';
import { request } from '../helpers/http.js';

type Paths = Record<
  string,
  Record<string, { security?: unknown[]; parameters?: { name: string; in: string }[] }>
>;

/** `api/v1/logs/{namespace}/{*file}` → `/api/v1/logs/{namespace}/{file}` (constraints dropped too; routePrefix is ""). */
function openApiPath(route: string): string {
  // The UI's root-only route `{root:maxlength(0)?}` is the site root.
  if (/^\{[A-Za-z0-9_]+:maxlength\(0\)\?\}$/.test(route)) return '/';
  return `/${route.replace(/\{\*?([A-Za-z0-9_]+)(:[^}]*)?\??\}/g, '{$1}')}`;
}

const openApiDocument = (auth: 'anonymous' | 'function') => generate(ROUTES, auth);

describe('the OpenAPI document', () => {
  let host: RunningHost;
  beforeAll(async () => {
    host = await startHost();
  }, 60_000);
  afterAll(async () => {
    await host?.stop();
  });

  it('describes exactly the HTTP routes and methods the app registers', () => {
    const registered = listFunctions().filter((f) => f.triggerType.toLowerCase() === 'httptrigger');
    expect(registered.length).toBeGreaterThan(5);
    const paths = openApiDocument('anonymous').paths as Paths;
    const described = new Set(
      Object.entries(paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)),
    );
    const actual = new Set(
      registered.flatMap((f) =>
        (f.methods ?? []).map((m) => `${m.toUpperCase()} ${openApiPath(f.route ?? f.name)}`),
      ),
    );
    expect(
      [...actual].filter((r) => !described.has(r)),
      'registered but not described',
    ).toEqual([]);
    expect(
      [...described].filter((r) => !actual.has(r)),
      'described but not registered',
    ).toEqual([]);
  });

  it('names every path parameter of each route', () => {
    for (const [p, ops] of Object.entries(openApiDocument('anonymous').paths as Paths)) {
      const inPath = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      for (const [method, op] of Object.entries(ops)) {
        const declared = (op.parameters ?? [])
          .filter((x) => x.in === 'path')
          .map((x) => x.name)
          .sort();
        expect(declared, `${method} ${p}`).toEqual(inPath);
      }
    }
  });

  it('marks the query routes as keyed only when QUERY_AUTH_LEVEL=function', () => {
    const files = '/api/v1/clusters/{namespace}/{cluster}/sessions/{session}/files';
    expect((openApiDocument('anonymous').paths as Paths)[files]?.get?.security).toEqual([]);
    expect((openApiDocument('function').paths as Paths)[files]?.get?.security).not.toEqual([]);
  });

  it('is served at GET /api/v1/openapi.json', async () => {
    const r = await request(host.baseUrl, '/api/v1/openapi.json');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.json()).toEqual(JSON.parse(JSON.stringify(openApiDocument('anonymous'))));
    expect(r.json().openapi).toMatch(/^3\./);
  });
});

import { describe, expect, it } from 'vitest';
import type { RegisteredFunction } from './coreApi.js';
import { buildRouteTable, findRoute } from './router.js';

function httpFn(name: string, route: string | undefined, methods: string[] = ['GET']): RegisteredFunction {
  return {
    id: name,
    scriptFile: undefined,
    callback: () => undefined,
    metadata: {
      name,
      bindings: {
        trig: { type: 'httpTrigger', direction: 'in', route, methods, authLevel: 'anonymous' },
        $return: { type: 'http', direction: 'out' },
      },
    },
  };
}

describe('route table', () => {
  it('orders by function name, case-insensitively, and warns about shadowed routes', () => {
    const table = buildRouteTable([httpFn('Zeta', 'items/recent'), httpFn('alpha', 'items/{id}')], 'api');
    expect(table.routes.map((r) => r.fn.metadata.name)).toEqual(['alpha', 'Zeta']);
    expect(table.warnings).toHaveLength(1);
    expect(findRoute(table, 'GET', ['api', 'items', 'recent'])?.route.fn.metadata.name).toBe('alpha');
  });

  it('does not warn when methods do not overlap', () => {
    const table = buildRouteTable(
      [httpFn('a', 'items/{id}', ['GET']), httpFn('b', 'items/recent', ['POST'])],
      'api',
    );
    expect(table.warnings).toEqual([]);
    expect(findRoute(table, 'POST', ['api', 'items', 'recent'])?.route.fn.metadata.name).toBe('b');
  });

  it('refuses two functions with the same route and overlapping methods', () => {
    expect(() =>
      buildRouteTable([httpFn('a', 'Same/{x}'), httpFn('b', 'same/{x}', ['GET', 'POST'])], 'api'),
    ).toThrow(/same route/);
  });

  it('skips routes under admin/ or runtime/, and uses the name for an empty route and prefix ""', () => {
    const table = buildRouteTable(
      [httpFn('a', 'admin/x'), httpFn('b', 'runtime'), httpFn('hello', undefined)],
      '',
    );
    expect(table.routes.map((r) => r.template.source)).toEqual(['hello']);
    expect(table.warnings.join('\n')).toMatch(/'a' skipped.*\n.*'b' skipped/);
  });

  it('treats no methods as every method', () => {
    const table = buildRouteTable([httpFn('any', 'x', [])], 'api');
    expect(findRoute(table, 'PATCH', ['api', 'x'])?.route.fn.metadata.name).toBe('any');
    expect(findRoute(table, 'DELETE', ['api', 'x'])?.route.fn.metadata.name).toBe('any');
  });

  it('answers the site root with a root-only route, which never shadows another route', () => {
    const table = buildRouteTable(
      [httpFn('root', '{ignored:maxlength(0)?}'), httpFn('site', 'ui/{*path}'), httpFn('up', 'clusters')],
      '',
    );
    expect(table.warnings).toEqual([]);
    expect(findRoute(table, 'GET', [''])?.route.fn.metadata.name).toBe('root');
    expect(findRoute(table, 'GET', ['clusters'])?.route.fn.metadata.name).toBe('up');
    expect(findRoute(table, 'GET', ['ui'])?.route.fn.metadata.name).toBe('site');
    expect(findRoute(table, 'GET', ['ui', 'a', 'b'])?.params).toEqual({ path: 'a/b' });
    expect(findRoute(table, 'GET', ['nodes'])).toBeUndefined();
  });

  it('answers the site root with a catch-all route at the root', () => {
    const table = buildRouteTable([httpFn('all', '{*rest}')], '');
    expect(findRoute(table, 'GET', [''])?.params).toEqual({});
  });

  it('answers a disabled function 404 without falling through to a later route that also matches', () => {
    const fns = [httpFn('alpha', 'items/{id}'), httpFn('beta', 'items/{*rest}'), httpFn('gamma', 'other')];
    const table = buildRouteTable(fns, 'api', (name) => name === 'alpha');
    expect(findRoute(table, 'GET', ['api', 'items', '7'])).toBeUndefined();
    expect(findRoute(table, 'GET', ['api', 'items', '7', '8'])?.route.fn.metadata.name).toBe('beta');
    expect(findRoute(table, 'GET', ['api', 'other'])?.route.fn.metadata.name).toBe('gamma');
  });
});

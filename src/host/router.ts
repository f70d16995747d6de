/**
 * The HTTP route table, built as the Functions host builds it: every HTTP function's route under the
 * route prefix, functions sorted by name (case-insensitive) and matched first-come, so a function
 * whose name sorts first can shadow a more specific route of another (a warning says so).
 */
import type { BindingInfo, RegisteredFunction } from './coreApi.js';
import { matchRoute, parseRouteTemplate, samplePath, type RouteTemplate } from './routeTemplate.js';

export type AuthLevel = 'anonymous' | 'function' | 'admin';

export interface HttpRoute {
  fn: RegisteredFunction;
  /** The trigger binding's name (the key in the function's bindings). */
  bindingName: string;
  template: RouteTemplate;
  /** Upper-case methods; empty means every method. */
  methods: string[];
  authLevel: AuthLevel;
  /** `AzureWebJobs.<name>.Disabled`: the route still matches (nothing falls through to it), but answers 404. */
  disabled: boolean;
}

export interface RouteTable {
  routes: HttpRoute[];
  /** Start-up problems worth a warning (shadowed routes, skipped functions). */
  warnings: string[];
}

/** The HTTP trigger binding of a function, if it has one. */
export function httpTrigger(fn: RegisteredFunction): [string, BindingInfo] | undefined {
  return Object.entries(fn.metadata.bindings).find(([, b]) => b.type?.toLowerCase() === 'httptrigger');
}

function fullRoute(prefix: string, route: string): string {
  return [prefix, route]
    .map((s) => s.replace(/^\/+|\/+$/g, ''))
    .filter((s) => s !== '')
    .join('/');
}

function authLevelOf(value: unknown): AuthLevel {
  const v = typeof value === 'string' ? value.toLowerCase() : 'function';
  return v === 'anonymous' || v === 'admin' ? v : 'function';
}

function overlaps(a: string[], b: string[]): boolean {
  return a.length === 0 || b.length === 0 || a.some((m) => b.includes(m));
}

/**
 * Builds the route table; throws when two functions claim the same route for the same method.
 * `isDisabled` marks the routes of disabled functions (default: none).
 */
export function buildRouteTable(
  functions: Iterable<RegisteredFunction>,
  routePrefix: string,
  isDisabled: (name: string) => boolean = () => false,
): RouteTable {
  const warnings: string[] = [];
  const routes: HttpRoute[] = [];
  const sorted = [...functions].sort((a, b) =>
    a.metadata.name.toLowerCase().localeCompare(b.metadata.name.toLowerCase()),
  );
  for (const fn of sorted) {
    const trigger = httpTrigger(fn);
    if (trigger === undefined) continue;
    const [bindingName, binding] = trigger;
    const route =
      typeof binding.route === 'string' && binding.route !== '' ? binding.route : fn.metadata.name;
    if (/^(admin|runtime)(\/|$)/i.test(route.replace(/^\/+/, ''))) {
      warnings.push(
        `Function '${fn.metadata.name}' skipped: routes may not start with "admin" or "runtime".`,
      );
      continue;
    }
    const methods = Array.isArray(binding.methods) ? binding.methods.map((m) => String(m).toUpperCase()) : [];
    const template = parseRouteTemplate(fullRoute(routePrefix, route));
    const clash = routes.find(
      (r) =>
        r.template.source.toLowerCase() === template.source.toLowerCase() && overlaps(r.methods, methods),
    );
    if (clash !== undefined) {
      throw new Error(
        `The following functions have the same route "${template.source}" and overlapping methods: ` +
          `'${clash.fn.metadata.name}', '${fn.metadata.name}'.`,
      );
    }
    routes.push({
      fn,
      bindingName,
      template,
      methods,
      authLevel: authLevelOf(binding.authLevel),
      disabled: isDisabled(fn.metadata.name),
    });
  }
  for (const [i, later] of routes.entries()) {
    const probe = samplePath(later.template).join('/').split('/');
    const earlier = routes
      .slice(0, i)
      .find((r) => overlaps(r.methods, later.methods) && matchRoute(r.template, probe) !== null);
    if (earlier !== undefined) {
      warnings.push(
        `Route "${later.template.source}" of function '${later.fn.metadata.name}' is shadowed by ` +
          `"${earlier.template.source}" of function '${earlier.fn.metadata.name}', which is matched first ` +
          `(functions are matched in order of name).`,
      );
    }
  }
  return { routes, warnings };
}

/**
 * The first route matching the method and decoded path segments, with its route values; undefined
 * when none matches or the first match belongs to a disabled function (Azure answers that 404 too).
 * The site root (`/`, one empty segment) is the empty path, as ASP.NET Core routing sees it: with
 * routePrefix "" a template made only of optional parameters (`{x:maxlength(0)?}`) or a catch-all
 * answers it, and the host shows its homepage only when no function ran (host HomepageMiddleware).
 */
export function findRoute(
  table: RouteTable,
  method: string,
  segments: string[],
): { route: HttpRoute; params: Record<string, string> } | undefined {
  const path = segments.length === 1 && segments[0] === '' ? [] : segments;
  for (const route of table.routes) {
    if (route.methods.length > 0 && !route.methods.includes(method)) continue;
    const params = matchRoute(route.template, path);
    if (params !== null) return route.disabled ? undefined : { route, params };
  }
  return undefined;
}

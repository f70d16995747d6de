/**
 * The Ray Dashboard's own paths for one dead session, in two forms that share one handler:
 *
 * - cookie-less and shareable, under the session's base:
 *   `/api/v1/clusters/{namespace}/{cluster}/sessions/{session}/ray/<dashboard path>` (`{session}` may
 *   be `latest`, `?clusterId=` as on every query route);
 * - upstream's root paths (`/<dashboard path>`), with the session chosen by the cookies that
 *   `GET /enter_cluster/…` sets (`cluster_name`, `cluster_namespace`, `session_name`), as KubeRay's
 *   history server does, so the Ray Dashboard can be pointed at this app unchanged. Each answer renews
 *   the cookies for another 10 minutes, as upstream's cookie filter does.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { Deps } from '../app/deps.js';
import { HttpError } from '../core/errors.js';
import { resolveSession, type LocatedSession } from '../core/query/locate.js';
import { parseSession } from '../core/session.js';
import { Cluster, ClusterId, Namespace, validated } from '../schemas/common.js';
import { parseOr400 } from '../schemas/parse.js';
import { z } from '../schemas/zod.js';
import { parseCookies } from './cookies.js';
import { httpFunction, type HttpFunction, type RouteSpec } from './route.js';

/** Where the shareable form lives. */
export const SESSION_BASE = '/api/v1/clusters/{namespace}/{cluster}/sessions/{session}/ray';

/** The cookies upstream's `enter_cluster` sets and its dashboard routes read. */
export const COOKIES = {
  name: 'cluster_name',
  namespace: 'cluster_namespace',
  session: 'session_name',
  ownerKind: 'owner_kind',
  ownerName: 'owner_name',
} as const;

/** How long the session cookies live (upstream: 600 s, renewed on every dashboard call). */
export const COOKIE_MAX_AGE = 600;

export const SessionOrLatest = validated((v, f) => (v === 'latest' ? v : parseSession(v, f))).openapi({
  description: "Ray session id, or `latest` for the cluster's newest session",
  example: 'session_2026-01-27_10-52-59_373533_1',
});

const ScopedParams = z.object({ namespace: Namespace, cluster: Cluster, session: SessionOrLatest });

type AnyObject = z.ZodObject<z.ZodRawShape>;

/** A Ray Dashboard route: everything of a RouteSpec but its path and name, which the two forms derive. */
export interface RaySpec extends Omit<RouteSpec, 'path' | 'name' | 'auth' | 'params'> {
  /** The function name of the shareable form; the root form is `<name>Root`. */
  name: string;
  /** The dashboard's path, e.g. `api/v0/tasks` or `logical/actors/{actor_id}`. */
  rayPath: string;
  /** Parameters of the dashboard path itself (e.g. `actor_id`). */
  params?: AnyObject;
}

export interface RayRoutes<S extends RaySpec = RaySpec> {
  scoped: RouteSpec;
  root: RouteSpec;
  /** The declaration both forms were derived from (its parameter and query types). */
  spec: S;
}

/** The two route declarations of a dashboard path. */
export function defineRayRoute<const S extends RaySpec>(spec: S): RayRoutes<S> {
  const { rayPath, params, name, ...rest }: RaySpec = spec;
  const own = params?.shape ?? {};
  const scopedQuery = (spec.query ?? z.object({})).safeExtend({ clusterId: ClusterId.optional() });
  return {
    spec,
    scoped: {
      ...rest,
      name,
      auth: 'query',
      path: `${SESSION_BASE}/${rayPath}`,
      params: ScopedParams.extend(own),
      query: scopedQuery,
      errors: [...new Set([400, 404, ...spec.errors])].sort((a, b) => a - b),
    },
    root: {
      ...rest,
      name: `${name}Root`,
      auth: 'query',
      path: `/${rayPath}`,
      ...(params !== undefined && { params }),
      description: `${spec.description ?? spec.summary}. The session is the one the cookies of GET /enter_cluster/… name.`,
      errors: [...new Set([400, 404, ...spec.errors])].sort((a, b) => a - b),
    },
  };
}

type Out<T> = T extends z.ZodType ? z.output<T> : Record<string, never>;

/** What a dashboard handler gets: the located session, validated parameters, the request. */
export interface RayInput<S extends RaySpec = RaySpec> {
  session: LocatedSession;
  params: Out<S['params']>;
  query: Out<S['query']>;
  req: HttpRequest;
  context: InvocationContext;
}

export type RayHandler<S extends RaySpec = RaySpec> = (input: RayInput<S>) => Promise<HttpResponseInit>;

const CookieSession = z.object({
  [COOKIES.namespace]: Namespace,
  [COOKIES.name]: Cluster,
  [COOKIES.session]: SessionOrLatest,
});

/** The session the cookies name; 400 naming the missing cookie when there are none. */
export function cookieSession(req: HttpRequest): { namespace: string; cluster: string; session: string } {
  const cookies = parseCookies(req.headers.get('cookie'));
  for (const key of [COOKIES.name, COOKIES.namespace, COOKIES.session]) {
    if (!cookies.has(key)) {
      throw new HttpError(
        400,
        'no_session_selected',
        `the ${key} cookie is missing: choose a session first with GET /enter_cluster/{namespace}/raycluster/{name}[/{session}], or use ${SESSION_BASE}/…`,
        { field: key },
      );
    }
  }
  const c = parseOr400(CookieSession, Object.fromEntries(cookies));
  return { namespace: c[COOKIES.namespace], cluster: c[COOKIES.name], session: c[COOKIES.session] };
}

/** Cookies that keep the root form on `s` for another COOKIE_MAX_AGE seconds. */
export function sessionCookies(s: { namespace: string; cluster: string; session: string }) {
  const cookie = (name: string, value: string) => ({ name, value, maxAge: COOKIE_MAX_AGE, path: '/' });
  return [
    cookie(COOKIES.name, s.cluster),
    cookie(COOKIES.namespace, s.namespace),
    cookie(COOKIES.session, s.session),
  ];
}

/** The two functions of a dashboard path, one handler behind both. */
export function rayFunctions<S extends RaySpec>(
  routes: RayRoutes<S>,
  factory: (deps: Deps) => RayHandler<S>,
): HttpFunction[] {
  const scoped = httpFunction(routes.scoped, (deps) => {
    const handler = factory(deps);
    return async ({ params, query, req, context }) => {
      const {
        namespace,
        cluster,
        session: chosen,
        ...own
      } = params as Record<string, string> & {
        namespace: string;
        cluster: string;
        session: string;
      };
      const { clusterId, ...rest } = query as Record<string, unknown> & { clusterId?: string };
      const session = await resolveSession(deps.store, {
        namespace,
        cluster,
        session: chosen,
        ...(clusterId !== undefined && { clusterId }),
      });
      return handler({ session, params: own, query: rest, req, context } as RayInput<S>);
    };
  });
  const root = httpFunction(routes.root, (deps) => {
    const handler = factory(deps);
    return async ({ params, query, req, context }) => {
      const chosen = cookieSession(req);
      const session = await resolveSession(deps.store, chosen);
      const res = await handler({ session, params, query, req, context } as RayInput<S>);
      return { ...res, cookies: [...(res.cookies ?? []), ...sessionCookies(chosen)] };
    };
  });
  return [scoped, root];
}

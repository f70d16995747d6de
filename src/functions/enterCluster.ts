import { enterClusterRoute, enterClusterSessionRoute } from '../api/dashboard.js';
import { registerHttp } from '../app/register.js';
import { HttpError } from '../core/errors.js';
import { resolveSession, sessionExists, sessionNotFound } from '../core/query/locate.js';
import { json } from '../http/respond.js';
import { COOKIE_MAX_AGE, COOKIES, sessionCookies } from '../http/rayRoute.js';
import { httpFunction, type RouteHandler } from '../http/route.js';
import type { Deps } from '../app/deps.js';

/**
 * `GET /enter_cluster/{namespace}/{kind}/{name}[/{session}]`: chooses the session the root dashboard
 * paths answer for, by cookies, as KubeRay's history server does. `latest` (the default) is resolved
 * to the newest session now, so later calls keep answering for the same one.
 */
const enter =
  ({ store }: Deps): RouteHandler<typeof enterClusterSessionRoute> =>
  async ({ params }) => {
    const { namespace, kind, name } = params;
    if (kind !== 'raycluster') {
      // The app keys history by RayCluster; which cluster a RayJob or RayService owned is not recorded.
      throw new HttpError(
        404,
        'cluster_not_found',
        `no ${kind} ${namespace}/${name} is known: this history is kept per RayCluster; use /enter_cluster/${namespace}/raycluster/<cluster name>`,
      );
    }
    const session = await resolveSession(store, {
      namespace,
      cluster: name,
      session: params.session ?? 'latest',
    });
    if (!(await sessionExists(store, session))) throw sessionNotFound(session);
    const owner = (cookie: string) => ({ name: cookie, value: '', maxAge: COOKIE_MAX_AGE, path: '/' });
    return {
      ...json(200, { result: 'success', name, namespace, session: session.session }),
      cookies: [
        ...sessionCookies({ namespace, cluster: name, session: session.session }),
        owner(COOKIES.ownerKind),
        owner(COOKIES.ownerName),
      ],
    };
  };

export const enterCluster = httpFunction(enterClusterRoute, (deps) => {
  const handler = enter(deps);
  return (input) => handler({ ...input, params: { ...input.params, session: 'latest' } });
});
export const enterClusterSession = httpFunction(enterClusterSessionRoute, enter);

registerHttp(enterCluster);
registerHttp(enterClusterSession);

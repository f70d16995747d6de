/**
 * Upstream's root routes around the Ray Dashboard (KubeRay's history server): the cluster list,
 * choosing a session by cookies, and the probes. The dashboard's own paths are declared in pairs with
 * defineRayRoute (src/http/rayRoute.ts).
 */
import { defineRoute } from '../http/route.js';
import { SessionOrLatest } from '../http/rayRoute.js';
import { Cluster, FIELD, Namespace } from '../schemas/common.js';
import { KubeRayCluster } from '../schemas/query.js';
import { z } from '../schemas/zod.js';

export const clustersRootRoute = defineRoute({
  name: 'clustersRoot',
  method: 'GET',
  path: '/clusters',
  auth: 'query',
  tags: ['dashboard'],
  summary:
    "KubeRay's history server cluster list (as GET /api/clusters): one entry per (cluster, session), newest first",
  responses: { 200: { description: 'clusters', schema: z.array(KubeRayCluster) } },
  errors: [429, 502, 503],
});

export const EnterClusterParams = z.object({
  namespace: Namespace,
  kind: z
    .string()
    .transform((k) => k.toLowerCase())
    .pipe(
      z.enum(['raycluster', 'rayjob', 'rayservice'], {
        message: `${FIELD} must be raycluster, rayjob or rayservice`,
      }),
    )
    .openapi({ type: 'string', enum: ['raycluster', 'rayjob', 'rayservice'] }),
  name: Cluster.openapi({ description: 'the RayCluster (or RayJob / RayService) name' }),
});

export const EnterClusterResult = z
  .object({
    result: z.literal('success'),
    name: z.string(),
    namespace: z.string(),
    session: z.string().openapi({ description: 'the session id chosen (latest resolved)' }),
  })
  .openapi('EnterClusterResult');

const ENTER = {
  method: 'GET',
  auth: 'query',
  tags: ['dashboard'],
  description:
    'Sets cluster_name, cluster_namespace, session_name (and owner_kind, owner_name) cookies for 10 minutes, ' +
    "as KubeRay's history server does; later calls of the root dashboard paths (/nodes, /api/jobs/, …) read them.",
  responses: { 200: { description: 'the chosen session', schema: EnterClusterResult } },
  errors: [400, 404, 429, 502, 503],
} as const;

export const enterClusterRoute = defineRoute({
  ...ENTER,
  name: 'enterCluster',
  path: '/enter_cluster/{namespace}/{kind}/{name}',
  summary:
    "Choose the cluster's newest session for the root dashboard paths (sets the cookies upstream uses)",
  params: EnterClusterParams,
});

export const enterClusterSessionRoute = defineRoute({
  ...ENTER,
  name: 'enterClusterSession',
  path: '/enter_cluster/{namespace}/{kind}/{name}/{session}',
  summary: 'Choose a session (an id or latest) for the root dashboard paths (sets the cookies upstream uses)',
  params: EnterClusterParams.extend({ session: SessionOrLatest }),
});

const probe = (name: 'readz' | 'livez') =>
  defineRoute({
    name,
    method: 'GET',
    path: `/${name}`,
    auth: 'anonymous',
    tags: ['dashboard'],
    summary: `upstream's ${name === 'readz' ? 'readiness' : 'liveness'} probe: "ok" while the app runs (GET /api/v1/health also asks storage)`,
    responses: { 200: { description: 'ok', contentType: 'text/plain' } },
    errors: [],
  });

export const readzRoute = probe('readz');
export const livezRoute = probe('livez');

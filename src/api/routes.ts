/** Every HTTP route of the app, in the order the OpenAPI document lists them. */
import type { RouteSpec } from '../http/route.js';
import { appendLogRoute, postBatchRoute, postEventsRoute } from './ingest.js';
import {
  getEventsRoute,
  getMetadataRoute,
  listClustersRoute,
  listClustersV1Route,
  listFilesRoute,
  listSessionsRoute,
  readLogFileRoute,
} from './query.js';
import { healthRoute, openapiRoute, reindexRoute } from './system.js';
import { uiRootRoute, uiRoute } from './ui.js';
import { searchRoute } from './search.js';
import { failuresRoute, RAY_ROUTES } from './ray.js';
import {
  clustersRootRoute,
  enterClusterRoute,
  enterClusterSessionRoute,
  livezRoute,
  readzRoute,
} from './dashboard.js';

export const ROUTES: readonly RouteSpec[] = [
  healthRoute,
  openapiRoute,
  reindexRoute,
  appendLogRoute,
  postEventsRoute,
  postBatchRoute,
  listClustersRoute,
  listClustersV1Route,
  listSessionsRoute,
  listFilesRoute,
  readLogFileRoute,
  getEventsRoute,
  getMetadataRoute,
  searchRoute,
  failuresRoute,
  clustersRootRoute,
  enterClusterRoute,
  enterClusterSessionRoute,
  readzRoute,
  livezRoute,
  uiRootRoute,
  uiRoute,
  ...RAY_ROUTES.flatMap((r) => [r.scoped, r.root]),
];

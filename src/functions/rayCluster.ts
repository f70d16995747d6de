import {
  clusterMetadataRoute,
  clusterStatusRoute,
  eventTableRoute,
  grafanaHealthRoute,
  placementGroupsRoute,
  prometheusHealthRoute,
  serveApplicationsRoute,
  timezoneRoute,
} from '../api/ray.js';
import { registerHttp } from '../app/register.js';
import { clusterMetadata, timezoneOf } from '../core/logs/clusterMetadata.js';
import { clusterStatus } from '../core/logs/clusterStatus.js';
import { clusterStatusInput } from '../core/logs/fromDashboard.js';
import { listEventTable } from '../core/logs/eventTable.js';
import {
  clusterMetadataReply,
  clusterStatusReply,
  eventTableReply,
  unformattedClusterStatusReply,
} from '../core/logs/replies.js';
import { rayFunctions } from '../http/rayRoute.js';
import { json } from '../http/respond.js';

/** `events?job_id=`: the session's event table, from `logs/<node>/events/event_*.log`. */
export const rayEvents = rayFunctions(eventTableRoute, ({ store }) => async ({ session, query }) => {
  const { job_id: jobId, limit, cursor } = query;
  const page = await listEventTable(store, session, { jobId, limit, cursor });
  return json(200, eventTableReply(page, jobId));
});

/** `api/cluster_status?format=1`: the autoscaler's last status, else one rebuilt from the stored state. */
export const rayClusterStatus = rayFunctions(
  clusterStatusRoute,
  ({ store }) =>
    async ({ session, query }) => {
      if (query.format !== '1') return json(200, unformattedClusterStatusReply());
      return json(
        200,
        clusterStatusReply(await clusterStatus(store, session, await clusterStatusInput(store, session))),
      );
    },
);

/** `api/v0/cluster_metadata`: what the session's metadata recorded. */
export const rayClusterMetadata = rayFunctions(
  clusterMetadataRoute,
  ({ store }) =>
    async ({ session }) =>
      json(200, clusterMetadataReply(await clusterMetadata(store, session))),
);

/** `timezone`: the recorded time zone, or both fields empty. */
export const rayTimezone = rayFunctions(
  timezoneRoute,
  ({ store }) =>
    async ({ session }) =>
      json(200, await timezoneOf(store, session)),
);

const notKept = (what: string) => () => () =>
  Promise.resolve(json(501, { error: 'not_implemented', message: `${what} is not kept for a dead cluster` }));

/** `api/grafana_health`, `api/prometheus_health`: no metrics survive a dead cluster (501, as upstream). */
export const rayGrafanaHealth = rayFunctions(grafanaHealthRoute, notKept('Grafana health'));
export const rayPrometheusHealth = rayFunctions(prometheusHealthRoute, notKept('Prometheus health'));

/** `api/serve/applications/`, `api/v0/placement_groups`: not kept; the empty answers the dashboard expects. */
export const rayServeApplications = rayFunctions(
  serveApplicationsRoute,
  () => () => Promise.resolve(json(200, { applications: {} })),
);
export const rayPlacementGroups = rayFunctions(
  placementGroupsRoute,
  () => () =>
    Promise.resolve(
      json(200, {
        result: true,
        msg: '',
        data: {
          result: {
            total: 0,
            num_after_truncation: 0,
            num_filtered: 0,
            result: [],
            partial_failure_warning: '',
            warnings: null,
          },
        },
      }),
    ),
);

for (const fn of [
  ...rayEvents,
  ...rayClusterStatus,
  ...rayClusterMetadata,
  ...rayTimezone,
  ...rayGrafanaHealth,
  ...rayPrometheusHealth,
  ...rayServeApplications,
  ...rayPlacementGroups,
])
  registerHttp(fn);

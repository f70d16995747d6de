/**
 * The answers in the shapes Ray's dashboard reads: its `{result, msg, data}` envelope (data keys
 * camelCased, as Ray's `rest_response` does), built from the core operations' typed results. Pure.
 */
import type { ClusterMetadata } from './clusterMetadata.js';
import type { ClusterStatus } from './clusterStatus.js';
import type { DashboardEvent, EventTablePage } from './eventTable.js';
import type { NodeLogListing } from './listLogs.js';

export interface RayReply<T> {
  result: boolean;
  msg: string;
  data: T;
}

export function rayReply<T>(data: T, msg = ''): RayReply<T> {
  return { result: true, msg, data };
}

/** `api/v0/logs`: `data.result` is `{category: [files]}`; `nextCursor` when more entries follow. */
export function logListingReply(l: NodeLogListing) {
  return rayReply({ result: l.categories, ...(l.nextCursor !== undefined && { nextCursor: l.nextCursor }) });
}

/**
 * `/events`: with `job_id`, `data: {jobId, events: [...]}` ("Job events fetched."); without,
 * `data: {events: {<jobId|global>: [...]}}` ("All events fetched."). Paging fields are additions.
 */
export function eventTableReply(page: EventTablePage, jobId?: string) {
  const more = {
    ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }),
    ...(page.partial === true && { partial: true }),
  };
  if (jobId !== undefined) {
    return rayReply({ jobId, events: page.events.map((e) => e.event), ...more }, 'Job events fetched.');
  }
  const byJob: Record<string, DashboardEvent[]> = {};
  for (const e of page.events) (byJob[e.job] ??= []).push(e.event);
  return rayReply({ events: byJob, ...more }, 'All events fetched.');
}

/** `api/cluster_status?format=1`. */
export function clusterStatusReply(s: ClusterStatus) {
  return rayReply({ clusterStatus: s.clusterStatus, source: s.source }, 'Got formatted cluster status.');
}

/** `api/cluster_status` without `format=1`: nothing of the live autoscaler survives (upstream answers the same). */
export function unformattedClusterStatusReply() {
  return rayReply(
    { autoscalingStatus: null, autoscalingError: null, clusterStatus: null },
    'Got cluster status.',
  );
}

/** `api/v0/cluster_metadata`. */
export function clusterMetadataReply(m: ClusterMetadata) {
  return rayReply(m);
}

import { postEventsRoute } from '../api/ingest.js';
import { registerHttp } from '../app/register.js';
import { storeEvents } from '../core/ingest/events.js';
import { clusterIdOrDefault } from '../core/layout.js';
import { json } from '../http/respond.js';
import { httpFunction } from '../http/route.js';

/** `POST /api/v1/events?namespace=&cluster=[&clusterId=]&node=`: Ray events as Ray's exporter posts them. */
export const postEvents = httpFunction(
  postEventsRoute,
  ({ store, settings, clock }) =>
    async ({ query, body }) => {
      const target = { ...query, clusterId: clusterIdOrDefault(query.clusterId, query.namespace) };
      return json(200, await storeEvents(store, target, body, settings.segmentMaxBlocks, clock));
    },
);

registerHttp(postEvents);

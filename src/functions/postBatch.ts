import { postBatchRoute } from '../api/ingest.js';
import { registerHttp } from '../app/register.js';
import { storeBatch } from '../core/ingest/batch.js';
import { clusterIdOrDefault } from '../core/layout.js';
import { json } from '../http/respond.js';
import { httpFunction } from '../http/route.js';

/** `POST /api/v1/batch`: many chunks and events of one session; one result per item, in order. */
export const postBatch = httpFunction(postBatchRoute, ({ store, settings, clock }) => async ({ body }) => {
  const batch = {
    ...body,
    clusterId: clusterIdOrDefault(body.clusterId, body.namespace),
    chunks: body.chunks ?? [],
    events: body.events ?? [],
    metadata: body.metadata ?? {},
  };
  return json(200, await storeBatch(store, batch, settings.segmentMaxBlocks, clock));
});

registerHttp(postBatch);

import { app } from '@azure/functions';
import { parseBatch, storeBatch } from '../core/ingest/batch.js';
import { discardingBodyOnError, JSON_TYPES, jsonBody } from '../http/body.js';
import { http, json } from '../http/respond.js';
import { dataStore } from '../storage/clients.js';
import { config } from '../storage/config.js';

/** `POST /api/v1/batch`: many chunks and events of one session; one result per item, in order. */
export const postBatchHandler = http(
  discardingBodyOnError(async (req) => {
    const batch = parseBatch(await jsonBody(req, { types: JSON_TYPES, maxBytes: config().maxBodyBytes }));
    return json(200, await storeBatch(dataStore(), batch, config().segmentMaxBlocks));
  }),
);

app.http('postBatch', {
  methods: ['POST'],
  route: 'v1/batch',
  authLevel: 'function',
  handler: postBatchHandler,
});

import { app } from '@azure/functions';
import { HttpError, invalidParameter } from '../core/errors.js';
import { checkEventsTarget, EVENTS_MAX_BODY_BYTES, storeEvents } from '../core/ingest/events.js';
import { clusterIdOrDefault } from '../core/layout.js';
import { discardingBodyOnError, JSON_TYPES, jsonBody } from '../http/body.js';
import { queryParam } from '../http/params.js';
import { http, json } from '../http/respond.js';
import { dataStore } from '../storage/clients.js';
import { config } from '../storage/config.js';

function required(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw invalidParameter(name, `${name} is required in the query`);
  return value;
}

/** `POST /api/v1/events?namespace=&cluster=[&clusterId=]&node=`: Ray events as Ray's exporter posts them. */
export const postEventsHandler = http(
  discardingBodyOnError(async (req) => {
    const namespace = required(queryParam(req, 'namespace'), 'namespace');
    const target = checkEventsTarget({
      namespace,
      cluster: required(queryParam(req, 'cluster'), 'cluster'),
      clusterId: clusterIdOrDefault(queryParam(req, 'clusterId'), namespace),
      node: required(queryParam(req, 'node'), 'node'),
    });
    const maxBytes = Math.min(config().maxBodyBytes, EVENTS_MAX_BODY_BYTES);
    const body = await jsonBody(req, { types: JSON_TYPES, maxBytes });
    if (!Array.isArray(body))
      throw new HttpError(400, 'invalid_body', 'the body must be a JSON array of Ray events');
    return json(200, await storeEvents(dataStore(), target, body, config().segmentMaxBlocks));
  }),
);

app.http('postEvents', {
  methods: ['POST'],
  route: 'v1/events',
  authLevel: 'function',
  handler: postEventsHandler,
});

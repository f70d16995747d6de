import { appendLogRoute } from '../api/ingest.js';
import { registerHttp } from '../app/register.js';
import { heldBack } from '../core/ingest/holdBack.js';
import { appendLog as append } from '../core/ingest/logs.js';
import { clusterIdOrDefault } from '../core/layout.js';
import { bodyChunks, checkBodyHeaders, RAW_TYPES } from '../http/body.js';
import { json } from '../http/respond.js';
import { httpFunction } from '../http/route.js';

/** `PUT /api/v1/logs/{namespace}/{cluster}/{session}/{node}/{*file}?offset=`: exactly-once append. */
export const appendLog = httpFunction(
  appendLogRoute,
  ({ store, settings }) =>
    async ({ params, query, req }) => {
      const target = { ...params, clusterId: clusterIdOrDefault(query.clusterId, params.namespace) };
      const rules = { types: RAW_TYPES, maxBytes: settings.maxBodyBytes };
      const { gzip } = checkBodyHeaders(req, rules);
      // A body of unknown length may prove too large only at its end: hold it back until then.
      const lengthKnown = !gzip && req.headers.get('content-length') !== null;
      const body = lengthKnown ? bodyChunks(req, rules) : heldBack(store, bodyChunks(req, rules));
      const r = await append(store, target, query.offset, body, settings.segmentMaxBlocks);
      return json(200, r, { 'Next-Offset': String(r.nextOffset) });
    },
);

registerHttp(appendLog);

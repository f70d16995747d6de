import { app } from '@azure/functions';
import { invalidParameter } from '../core/errors.js';
import { heldBack } from '../core/ingest/holdBack.js';
import { appendLog } from '../core/ingest/logs.js';
import { clusterIdOrDefault } from '../core/layout.js';
import { clusterName, fileName, namespaceName, nodeName } from '../core/names.js';
import { parseSession } from '../core/session.js';
import { bodyChunks, checkBodyHeaders, discardingBodyOnError, RAW_TYPES } from '../http/body.js';
import { intParam, queryParam, routeParam } from '../http/params.js';
import { http, json } from '../http/respond.js';
import { dataStore } from '../storage/clients.js';
import { config } from '../storage/config.js';

/** `PUT /api/v1/logs/{namespace}/{cluster}/{session}/{node}/{*file}?offset=`: exactly-once append. */
export const appendLogHandler = http(
  discardingBodyOnError(async (req) => {
    const namespace = routeParam(req, 'namespace', namespaceName);
    const target = {
      namespace,
      cluster: routeParam(req, 'cluster', clusterName),
      clusterId: clusterIdOrDefault(queryParam(req, 'clusterId'), namespace),
      session: routeParam(req, 'session', (v, f) => parseSession(v, f).name),
      node: routeParam(req, 'node', nodeName),
      file: routeParam(req, 'file', fileName),
    };
    const offset = intParam(req, 'offset', 0, Number.MAX_SAFE_INTEGER);
    if (offset === undefined)
      throw invalidParameter('offset', 'offset is required (the byte offset of the body)');
    const rules = { types: RAW_TYPES, maxBytes: config().maxBodyBytes };
    const { gzip } = checkBodyHeaders(req, rules);
    const store = dataStore();
    // A body of unknown length may prove too large only at its end: hold it back until then.
    const lengthKnown = !gzip && req.headers.get('content-length') !== null;
    const body = lengthKnown ? bodyChunks(req, rules) : heldBack(store, bodyChunks(req, rules));
    const r = await appendLog(store, target, offset, body, config().segmentMaxBlocks);
    return json(200, r, { 'Next-Offset': String(r.nextOffset) });
  }),
);

app.http('appendLog', {
  methods: ['PUT'],
  route: 'v1/logs/{namespace}/{cluster}/{session}/{node}/{*file}',
  authLevel: 'function',
  handler: appendLogHandler,
});

import { app } from '@azure/functions';
import { etagMatches } from '../core/query/fileRead.js';
import { locateSession } from '../core/query/locate.js';
import { readMetadata } from '../core/query/metadata.js';
import { sessionQuery } from '../http/queryParams.js';
import { http } from '../http/respond.js';
import { dataStore } from '../storage/clients.js';
import { queryAuthLevel } from '../storage/config.js';

/** `GET …/sessions/{session}/metadata`: the session's metadata.json as stored. */
export const getMetadataHandler = http(async (req) => {
  const store = dataStore();
  const meta = await readMetadata(store, await locateSession(store, sessionQuery(req)));
  const headers = {
    'Content-Type': 'application/json; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    ETag: meta.etag,
  };
  const notModified = etagMatches(req.headers.get('if-none-match') ?? undefined, meta.etag);
  return notModified ? { status: 304, headers } : { status: 200, headers, body: meta.text };
});

app.http('getMetadata', {
  methods: ['GET'],
  route: 'v1/clusters/{namespace}/{cluster}/sessions/{session}/metadata',
  authLevel: queryAuthLevel(),
  handler: getMetadataHandler,
});

import { getMetadataRoute } from '../api/query.js';
import { registerHttp } from '../app/register.js';
import { etagMatches } from '../core/query/fileRead.js';
import { locateSession } from '../core/query/locate.js';
import { readMetadata } from '../core/query/metadata.js';
import { httpFunction } from '../http/route.js';

/** `GET …/sessions/{session}/metadata`: the session's metadata.json as stored. */
export const getMetadata = httpFunction(getMetadataRoute, ({ store }) => async ({ params, query, req }) => {
  const meta = await readMetadata(store, await locateSession(store, { ...params, ...query }));
  const headers = {
    'Content-Type': 'application/json; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    ETag: meta.etag,
  };
  const notModified = etagMatches(req.headers.get('if-none-match') ?? undefined, meta.etag);
  return notModified ? { status: 304, headers } : { status: 200, headers, body: meta.text };
});

registerHttp(getMetadata);

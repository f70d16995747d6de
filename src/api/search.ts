/** Search across a session's logs (beyond Ray and upstream: a dead cluster's logs, searched in place). */
import { defineRoute } from '../http/route.js';
import { SessionParams } from '../schemas/common.js';
import { SearchQuery, SearchReply } from '../schemas/logs.js';

export const searchRoute = defineRoute({
  name: 'searchSession',
  method: 'GET',
  path: '/api/v1/clusters/{namespace}/{cluster}/sessions/{session}/search',
  auth: 'query',
  tags: ['query'],
  summary: "Lines matching a literal or an RE2 pattern across the session's log files, paged",
  description:
    'Each page is bounded by SEARCH_DEADLINE_MS and SEARCH_MAX_BYTES: when either is reached the page is ' +
    '`partial` with a `nextCursor` that continues exactly where it stopped (line numbers stay exact). ' +
    "Each hit's `read` is the file route from the hit's line. Patterns run on RE2 (linear time).",
  params: SessionParams,
  query: SearchQuery,
  responses: { 200: { description: 'a page of hits', schema: SearchReply } },
  errors: [400, 404, 429, 502, 503],
});

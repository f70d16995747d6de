import { app } from '@azure/functions';
import { invalidParameter } from '../core/errors.js';
import { nodeName } from '../core/names.js';
import { queryEvents } from '../core/query/events.js';
import { locateSession } from '../core/query/locate.js';
import { parseRfc3339Nanos } from '../core/query/timestamp.js';
import { intParam, queryParam } from '../http/params.js';
import { sessionQuery } from '../http/queryParams.js';
import { http, json } from '../http/respond.js';
import { dataStore } from '../storage/clients.js';
import { queryAuthLevel } from '../storage/config.js';

function types(value: string, field: string): string {
  if (!/^[A-Za-z0-9_]{1,128}(,[A-Za-z0-9_]{1,128}){0,63}$/.test(value)) {
    throw invalidParameter(field, `${field} must be event types like TASK_DEFINITION_EVENT, comma-separated`);
  }
  return value;
}

function jobId(value: string, field: string): string {
  if (!/^[0-9a-f]{1,64}$/.test(value))
    throw invalidParameter(field, `${field} must be a job id in lowercase hex`);
  return value;
}

function time(req: Parameters<typeof queryParam>[0], field: string): bigint | undefined {
  const raw = queryParam(req, field);
  if (raw === undefined) return undefined;
  const nanos = parseRfc3339Nanos(raw);
  if (nanos === null) {
    throw invalidParameter(field, `${field} must be an RFC 3339 time such as 2026-01-27T10:52:59.123456789Z`);
  }
  return nanos;
}

/** `GET …/sessions/{session}/events?node=&type=&jobId=&since=&until=&limit=&cursor=`. */
export const getEventsHandler = http(async (req) => {
  const session = sessionQuery(req);
  const node = queryParam(req, 'node', nodeName);
  const type = queryParam(req, 'type', types);
  const job = queryParam(req, 'jobId', jobId);
  const since = time(req, 'since');
  const until = time(req, 'until');
  if (since !== undefined && until !== undefined && until < since) {
    throw invalidParameter('until', 'until must not be before since');
  }
  const limit = intParam(req, 'limit', 1, 1000, 1000) ?? 1000;
  const cursor = queryParam(req, 'cursor');
  const store = dataStore();
  const page = await queryEvents(store, await locateSession(store, session), {
    limit,
    ...(node !== undefined && { node }),
    ...(type !== undefined && { types: type.split(',') }),
    ...(job !== undefined && { jobId: job }),
    ...(since !== undefined && { since }),
    ...(until !== undefined && { until }),
    ...(cursor !== undefined && { cursor }),
  });
  return json(200, page);
});

app.http('getEvents', {
  methods: ['GET'],
  route: 'v1/clusters/{namespace}/{cluster}/sessions/{session}/events',
  authLevel: queryAuthLevel(),
  handler: getEventsHandler,
});

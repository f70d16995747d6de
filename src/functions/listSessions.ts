import { app } from '@azure/functions';
import { clusterSessions } from '../core/index/read.js';
import { clusterName, namespaceName } from '../core/names.js';
import { intParam, queryParam, routeParam } from '../http/params.js';
import { http, json } from '../http/respond.js';
import { dataStore } from '../storage/clients.js';
import { queryAuthLevel } from '../storage/config.js';

/** `GET /api/v1/clusters/{namespace}/{cluster}/sessions?limit=&cursor=`: the cluster's sessions, newest first, a page at a time. */
export const listSessionsHandler = http(async (req) => {
  const namespace = routeParam(req, 'namespace', namespaceName);
  const cluster = routeParam(req, 'cluster', clusterName);
  const limit = intParam(req, 'limit', 1, 1000, 1000) ?? 1000;
  const cursor = queryParam(req, 'cursor');
  const page = { limit, ...(cursor !== undefined && { cursor }) };
  return json(200, await clusterSessions(dataStore(), namespace, cluster, page));
});

app.http('listSessions', {
  methods: ['GET'],
  route: 'v1/clusters/{namespace}/{cluster}/sessions',
  authLevel: queryAuthLevel(),
  handler: listSessionsHandler,
});

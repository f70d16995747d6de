/** Parameters shared by the query routes: the session named in the path, plus `?clusterId=`. */
import type { HttpRequest } from '@azure/functions';
import { invalidParameter } from '../core/errors.js';
import { clusterIdName, clusterName, namespaceName } from '../core/names.js';
import type { SessionQuery } from '../core/query/locate.js';
import { parseSession } from '../core/session.js';
import { queryParam, routeParam } from './params.js';

/** `{namespace}/{cluster}/sessions/{session}` and an optional `?clusterId=`, each validated. */
export function sessionQuery(req: HttpRequest): SessionQuery {
  const clusterId = queryParam(req, 'clusterId', clusterIdName);
  return {
    namespace: routeParam(req, 'namespace', namespaceName),
    cluster: routeParam(req, 'cluster', clusterName),
    session: routeParam(req, 'session', (v, f) => parseSession(v, f).name),
    ...(clusterId !== undefined && { clusterId }),
  };
}

/** A yes/no query flag: `1`/`true`/`0`/`false` (absent: false); anything else → 400 naming it. */
export function flagParam(req: HttpRequest, name: string): boolean {
  const raw = req.query.get(name);
  if (raw === null) return false;
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw invalidParameter(name, `${name} must be 1, true, 0 or false`);
}

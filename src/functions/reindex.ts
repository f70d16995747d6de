import { app } from '@azure/functions';
import { reconcile } from '../core/index/reconcile.js';
import { queryParam } from '../http/params.js';
import { http, json } from '../http/respond.js';
import { invalidParameter } from '../core/errors.js';
import { dataStore } from '../storage/clients.js';

function flag(value: string, field: string): string {
  if (value !== 'true' && value !== 'false')
    throw invalidParameter(field, `${field} must be "true" or "false"`);
  return value;
}

/**
 * `POST /api/v1/admin/reindex[?dryRun=true]` (admin key): rebuilds the index from a full listing and
 * answers what differed ({added, removed, changed, skipped, …}).
 */
export const reindexHandler = http(async (req) => {
  const dryRun = queryParam(req, 'dryRun', flag) === 'true';
  return json(200, await reconcile(dataStore(), { dryRun }));
});

app.http('reindex', {
  methods: ['POST'],
  route: 'v1/admin/reindex',
  authLevel: 'admin',
  handler: reindexHandler,
});

import { app } from '@azure/functions';
import { checkHealth } from '../core/health.js';
import { http, json } from '../http/respond.js';
import { dataStore } from '../storage/clients.js';

/** `GET /api/v1/health`: 200 when storage answers, 503 with the reason when it does not. */
export const healthHandler = http(async () => {
  const health = await checkHealth(dataStore());
  return health.status === 'ok'
    ? json(200, health)
    : json(503, { error: 'storage_unavailable', message: health.reason }, { 'Retry-After': '5' });
});

app.http('health', { methods: ['GET'], route: 'v1/health', authLevel: 'anonymous', handler: healthHandler });

import { healthRoute } from '../api/system.js';
import { registerHttp } from '../app/register.js';
import { checkHealth } from '../core/health.js';
import { json } from '../http/respond.js';
import { httpFunction } from '../http/route.js';

/** `GET /api/v1/health`: 200 when storage answers, 503 with the reason when it does not. */
export const health = httpFunction(healthRoute, ({ store }) => async () => {
  const h = await checkHealth(store);
  return h.status === 'ok'
    ? json(200, h)
    : json(503, { error: 'storage_unavailable', message: h.reason }, { 'Retry-After': '5' });
});

registerHttp(health);

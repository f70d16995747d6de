import { readzRoute } from '../api/dashboard.js';
import { registerHttp } from '../app/register.js';
import { httpFunction } from '../http/route.js';

/** `GET /readz`: upstream's probe; "ok" while the app runs. */
export const readz = httpFunction(
  readzRoute,
  () => () =>
    Promise.resolve({ status: 200, body: 'ok', headers: { 'Content-Type': 'text/plain; charset=utf-8' } }),
);

registerHttp(readz);

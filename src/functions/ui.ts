import path from 'node:path';
import { uiRootRoute, uiRoute } from '../api/ui.js';
import { registerHttp } from '../app/register.js';
import { json } from '../http/respond.js';
import { httpFunction, type RouteHandler } from '../http/route.js';
import { responseBody } from '../http/streamBody.js';
import { loadSite, serveSite } from '../http/uiSite.js';

// dist/src/functions/ui.js → dist/ui, the Vite build of ui/.
const SITE_DIR = path.join(__dirname, '..', '..', 'ui');

/** The history UI: assets from the package, index.html for every app path. */
function site(): RouteHandler<typeof uiRoute> {
  const built = loadSite(SITE_DIR);
  return ({ params, req, context }) => {
    if (built === null) {
      return Promise.resolve(
        json(503, { error: 'ui_not_built', message: `the UI is not built (no ${SITE_DIR}/index.html)` }),
      );
    }
    const { body, ...rest } = serveSite(built, {
      method: req.method,
      path: params.path ?? '',
      acceptEncoding: req.headers.get('accept-encoding') ?? undefined,
      ifNoneMatch: req.headers.get('if-none-match') ?? undefined,
    });
    return Promise.resolve(
      body === undefined || typeof body === 'string'
        ? { ...rest, body }
        : { ...rest, body: responseBody(body, context.invocationId) },
    );
  };
}

export const uiRoot = httpFunction(uiRootRoute, () => {
  const handler = site();
  return (input) => handler({ ...input, params: {} });
});
export const ui = httpFunction(uiRoute, site);

registerHttp(uiRoot);
registerHttp(ui);

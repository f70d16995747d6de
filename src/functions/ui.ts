import path from 'node:path';
import { app, type HttpRequest, type InvocationContext } from '@azure/functions';
import { http, json } from '../http/respond.js';
import { responseBody } from '../http/streamBody.js';
import { loadSite, serveSite, type Site } from '../http/uiSite.js';

// dist/src/functions/ui.js → dist/ui, the Vite build of ui/.
const SITE_DIR = path.join(__dirname, '..', '..', 'ui');
let site: Site | null | undefined;

/** The history UI: `/` and every `/ui/…` path; assets from the package, index.html for app paths. */
export const uiHandler = http(async (req: HttpRequest, context: InvocationContext) => {
  site ??= loadSite(SITE_DIR);
  if (site === null) {
    return json(503, { error: 'ui_not_built', message: `the UI is not built (no ${SITE_DIR}/index.html)` });
  }
  const answer = serveSite(site, {
    method: req.method,
    path: req.params.path ?? '',
    acceptEncoding: req.headers.get('accept-encoding') ?? undefined,
    ifNoneMatch: req.headers.get('if-none-match') ?? undefined,
  });
  const { body, ...rest } = answer;
  return Promise.resolve(
    body === undefined || typeof body === 'string'
      ? { ...rest, body }
      : { ...rest, body: responseBody(body, context.invocationId) },
  );
});

// The site root only (an optional parameter that must be empty): no catch-all at the root, so the
// UI can never shadow an API route or upstream's root paths, whatever the function names sort to.
app.http('uiRoot', {
  methods: ['GET', 'HEAD'],
  route: '{root:maxlength(0)?}',
  authLevel: 'anonymous',
  handler: uiHandler,
});
app.http('ui', { methods: ['GET', 'HEAD'], route: 'ui/{*path}', authLevel: 'anonymous', handler: uiHandler });

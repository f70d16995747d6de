import { searchRoute } from '../api/search.js';
import { registerHttp } from '../app/register.js';
import { searchNodes } from '../core/logs/fromDashboard.js';
import { locateSession } from '../core/query/locate.js';
import { searchSession as search } from '../core/search/search.js';
import { json } from '../http/respond.js';
import { httpFunction } from '../http/route.js';

/** `GET …/sessions/{session}/search?q=&regex=&ignoreCase=&node=&glob=&limit=&cursor=`. */
export const searchSession = httpFunction(searchRoute, ({ store, settings }) => async ({ params, query }) => {
  const { clusterId, regex, ignoreCase, node: asked, ...rest } = query;
  const session = await locateSession(store, { ...params, clusterId });
  const { node, nodeIds } = await searchNodes(store, session, asked);
  const page = await search(
    store,
    session,
    { ...rest, ...(node !== undefined && { node }), regex: regex === true, ignoreCase: ignoreCase === true },
    { settings: settings.search, nodeIds },
  );
  return json(200, page);
});

registerHttp(searchSession);

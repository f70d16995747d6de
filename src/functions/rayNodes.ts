import { nodeRoute, nodesRoute } from '../api/ray.js';
import { registerHttp } from '../app/register.js';
import { getNode, listNodes } from '../core/dashboard/index.js';
import { HttpError } from '../core/errors.js';
import { rayFunctions } from '../http/rayRoute.js';
import { json } from '../http/respond.js';

/** `nodes?view=summary|hostNameList`. */
export const rayNodes = rayFunctions(
  nodesRoute,
  ({ store }) =>
    async ({ session, query }) =>
      json(200, await listNodes(store, session, { view: query.view })),
);

/** `nodes/{node_id}` by Ray node id or storage name; 404 when unknown. */
export const rayNode = rayFunctions(nodeRoute, ({ store }) => async ({ session, params }) => {
  const node = await getNode(store, session, params.node_id);
  if (node === null) throw new HttpError(404, 'node_not_found', `no node ${params.node_id} in this session`);
  return json(200, node);
});

for (const fn of [...rayNodes, ...rayNode]) registerHttp(fn);

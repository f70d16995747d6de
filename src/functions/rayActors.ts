import { actorRoute, actorsRoute } from '../api/ray.js';
import { registerHttp } from '../app/register.js';
import { getActor, listActors } from '../core/dashboard/index.js';
import { rayFunctions } from '../http/rayRoute.js';
import { json } from '../http/respond.js';

/** `logical/actors`: every actor by id. */
export const rayActors = rayFunctions(
  actorsRoute,
  ({ store }) =>
    async ({ session }) =>
      json(200, await listActors(store, session)),
);

/** `logical/actors/{actor_id}`: one actor; unknown is `result: false` as Ray answers. */
export const rayActor = rayFunctions(
  actorRoute,
  ({ store }) =>
    async ({ session, params }) =>
      json(200, await getActor(store, session, params.actor_id)),
);

for (const fn of [...rayActors, ...rayActor]) registerHttp(fn);

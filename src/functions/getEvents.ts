import { getEventsRoute } from '../api/query.js';
import { registerHttp } from '../app/register.js';
import { queryEvents } from '../core/query/events.js';
import { locateSession } from '../core/query/locate.js';
import { json } from '../http/respond.js';
import { httpFunction } from '../http/route.js';

/** `GET …/sessions/{session}/events?node=&type=&jobId=&since=&until=&limit=&cursor=`. */
export const getEvents = httpFunction(getEventsRoute, ({ store }) => async ({ params, query }) => {
  const { clusterId, type, ...rest } = query;
  const session = await locateSession(store, { ...params, clusterId });
  return json(200, await queryEvents(store, session, { ...rest, types: type }));
});

registerHttp(getEvents);

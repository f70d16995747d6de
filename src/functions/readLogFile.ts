import { readLogFileRoute } from '../api/query.js';
import { registerHttp } from '../app/register.js';
import { readLogFile as read } from '../core/query/fileRead.js';
import { locateSession } from '../core/query/locate.js';
import { httpFunction } from '../http/route.js';
import { responseBody } from '../http/streamBody.js';

/** `GET …/sessions/{session}/logs/{node}/{*file}`: the file, streamed; ranges, tail, ETag, download. */
export const readLogFile = httpFunction(
  readLogFileRoute,
  ({ store }) =>
    async ({ params, query, req, context }) => {
      const { namespace, cluster, session, node, file } = params;
      const { clusterId, download = false, ...select } = query;
      const header = (name: string) => req.headers.get(name) ?? undefined;
      const result = await read(store, {
        session: await locateSession(store, { namespace, cluster, session, clusterId }),
        node,
        file,
        download,
        range: header('range'),
        ifNoneMatch: header('if-none-match'),
        ifRange: header('if-range'),
        ...select,
      });
      // Read from storage only as fast as the client takes it (see src/http/streamBody.ts).
      const { body, ...rest } = result;
      return body === undefined
        ? rest
        : {
            ...rest,
            body: responseBody(body, context.invocationId, (bytes) =>
              context.log(`the client went away after ${bytes} bytes of ${file}; stopped reading it`),
            ),
          };
    },
);

registerHttp(readLogFile);

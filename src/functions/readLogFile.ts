import { app } from '@azure/functions';
import { fileName, nodeName } from '../core/names.js';
import { readLogFile } from '../core/query/fileRead.js';
import { locateSession } from '../core/query/locate.js';
import { intParam, routeParam } from '../http/params.js';
import { flagParam, sessionQuery } from '../http/queryParams.js';
import { http } from '../http/respond.js';
import { responseBody } from '../http/streamBody.js';
import { dataStore } from '../storage/clients.js';
import { queryAuthLevel } from '../storage/config.js';

const header = (req: { headers: { get(n: string): string | null } }, name: string) =>
  req.headers.get(name) ?? undefined;

/** `GET …/sessions/{session}/logs/{node}/{*file}`: the file, streamed; ranges, tail, ETag, download. */
export const readLogFileHandler = http(async (req, context) => {
  const session = sessionQuery(req);
  const node = routeParam(req, 'node', nodeName);
  const file = routeParam(req, 'file', fileName);
  const tail = intParam(req, 'tail', 0, 100_000);
  const offset = intParam(req, 'offset', 0, Number.MAX_SAFE_INTEGER);
  const length = intParam(req, 'length', 1, Number.MAX_SAFE_INTEGER);
  const download = flagParam(req, 'download');
  const store = dataStore();
  const result = await readLogFile(store, {
    session: await locateSession(store, session),
    node,
    file,
    download,
    range: header(req, 'range'),
    ifNoneMatch: header(req, 'if-none-match'),
    ifRange: header(req, 'if-range'),
    ...(tail !== undefined && { tail }),
    ...(offset !== undefined && { offset }),
    ...(length !== undefined && { length }),
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
});

app.http('readLogFile', {
  methods: ['GET'],
  route: 'v1/clusters/{namespace}/{cluster}/sessions/{session}/logs/{node}/{*file}',
  authLevel: queryAuthLevel(),
  handler: readLogFileHandler,
});

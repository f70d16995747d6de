import { logFileRoute, logsRoute } from '../api/ray.js';
import { registerHttp } from '../app/register.js';
import { HttpError } from '../core/errors.js';
import { logSelector, storageNode } from '../core/logs/fromDashboard.js';
import { listNodeLogs } from '../core/logs/listLogs.js';
import { readDashboardLog } from '../core/logs/readLog.js';
import { logListingReply } from '../core/logs/replies.js';
import { rayFunctions } from '../http/rayRoute.js';
import { json } from '../http/respond.js';
import { responseBody } from '../http/streamBody.js';

/** `api/v0/logs?node_id=|node_ip=&glob=`: a node's files in Ray's categories. */
export const rayLogs = rayFunctions(logsRoute, ({ store }) => async ({ session, query }) => {
  const { node_id: nodeId, node_ip: nodeIp, glob, limit, cursor } = query;
  const node = await storageNode(store, session, { nodeId, nodeIp });
  return json(200, logListingReply(await listNodeLogs(store, session, { node, glob, limit, cursor })));
});

/**
 * `api/v0/logs/file`: a log by node + filename, task (+ attempt, suffix; the task's own bytes where
 * the events say), actor or pid; its last `lines`, streamed. With `format=leading_1` (Ray's log
 * viewer) a log that cannot be found is `200` with `0` and the reason, as Ray answers it.
 */
export const rayLogFile = rayFunctions(
  logFileRoute,
  ({ store }) =>
    async ({ session, query, req, context }) => {
      let selector;
      try {
        selector = await logSelector(store, session, query);
      } catch (err) {
        if (query.format === 'leading_1' && err instanceof HttpError && err.status === 404) {
          return {
            status: 200,
            headers: { 'Content-Type': 'text/plain; charset=utf-8' },
            body: `0${err.message}`,
          };
        }
        throw err;
      }
      const header = (name: string) => req.headers.get(name) ?? undefined;
      const result = await readDashboardLog(store, session, selector, {
        lines: query.lines,
        filterAnsi: query.filter_ansi_code === true,
        ...(query.download_filename !== undefined && { downloadFilename: query.download_filename }),
        format: query.format,
        range: header('range'),
        ifNoneMatch: header('if-none-match'),
        ifRange: header('if-range'),
      });
      const { body, ...rest } = result;
      return body === undefined ? rest : { ...rest, body: responseBody(body, context.invocationId) };
    },
);

for (const fn of [...rayLogs, ...rayLogFile]) registerHttp(fn);

import { taskSummaryRoute, tasksRoute, timelineRoute } from '../api/ray.js';
import { registerHttp } from '../app/register.js';
import { listTasks, summarizeTasks, taskTimeline } from '../core/dashboard/index.js';
import { toTaskListQuery, toTaskSummarizeQuery } from '../core/dashboard/query.js';
import { rayFunctions } from '../http/rayRoute.js';
import { json } from '../http/respond.js';
import { responseBody } from '../http/streamBody.js';

/** `api/v0/tasks`: task attempts in Ray's StateApi envelope. */
export const rayTasks = rayFunctions(
  tasksRoute,
  ({ store }) =>
    async ({ session, query }) =>
      json(200, await listTasks(store, session, toTaskListQuery(query))),
);

/** `api/v0/tasks/summarize`: counts by function, or the lineage tree. */
export const rayTaskSummary = rayFunctions(
  taskSummaryRoute,
  ({ store }) =>
    async ({ session, query }) =>
      json(200, await summarizeTasks(store, session, toTaskSummarizeQuery(query))),
);

/**
 * `api/v0/tasks/timeline`: the Chrome trace, streamed as it is read. The first chunk is read before
 * the status is sent, so that an unknown session or a storage error is its own answer, not a cut 200.
 */
export const rayTaskTimeline = rayFunctions(
  timelineRoute,
  ({ store }) =>
    async ({ session, query, context }) => {
      const { job_id: jobId, download } = query;
      const chunks = taskTimeline(store, session, jobId === undefined ? {} : { jobId });
      const first = await chunks.next();
      async function* bytes() {
        if (first.done !== true) yield Buffer.from(first.value, 'utf8');
        for await (const text of chunks) yield Buffer.from(text, 'utf8');
      }
      const attach = download === '1' || download === 'true';
      return {
        status: 200,
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'X-Content-Type-Options': 'nosniff',
          ...(attach && { 'Content-Disposition': 'attachment; filename="timeline.json"' }),
        },
        body: responseBody(bytes(), context.invocationId),
      };
    },
);

for (const fn of [...rayTasks, ...rayTaskSummary, ...rayTaskTimeline]) registerHttp(fn);

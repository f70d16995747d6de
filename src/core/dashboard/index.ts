/**
 * The history dashboard's core: a dead Ray session's jobs, tasks, actors and nodes, rebuilt from
 * its stored Ray export events and materialised under `index/v1/dashboard/` (docs/dashboard.md).
 * Every read takes `(store, sessionRef, typed query, options)` and answers in Ray's own shapes
 * (src/schemas/dashboard.ts); the blob trigger calls `onEventFile` for new event files.
 */
export { cacheFor, DashboardCache } from './cache.js';
export { compactSession, type CompactOptions, type CompactOutcome } from './compact.js';
export { failures } from './failures.js';
export { onEventFile, type EventFileOutcome, type ReadOptions } from './fresh.js';
export { nodesViewFrom, taskListQueryFrom, taskSummarizeQueryFrom } from './query.js';
export { summarizeTasks } from './summarize.js';
export { listTasks } from './tasks.js';
export { taskTimeline } from './timeline.js';
export { getActor, getJob, getNode, listActors, listJobs, listNodes, resolveNode } from './views.js';

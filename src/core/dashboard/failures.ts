/**
 * `failures`: one answer to "why did it fail" — failed jobs with their messages, failed task
 * attempts grouped by error type (count and an example: the attempt with the smallest key), dead
 * actors with their death causes, dead nodes with their death reasons — each with where its log
 * lines are in our storage when the events say. The task groups come from the shards' statistics
 * in the manifest: the only rows read are one example per error type.
 */
import type { BlobStore } from '../../storage/blobStore.js';
import type { FailuresResponse } from '../../schemas/dashboard.js';
import type { SessionRef } from '../layout.js';
import { cacheFor } from './cache.js';
import { tasks } from './collections.js';
import { EMPTY_JOBS, JobsDocSchema, readDoc, readShard } from './docs.js';
import { withManifest, type ReadOptions } from './fresh.js';
import { located, taskLog, workerLog } from './logLocator.js';
import type { Manifest } from './manifest.js';
import { renderJobs } from './renderJob.js';
import { stateMessage } from './renderNode.js';
import { taskJobOf } from './renderTask.js';
import { nodeView, renderedActors, type NodeView } from './views.js';

type TaskGroups = FailuresResponse['tasks'];

/** Error type shown for FAILED attempts that came without error info. */
export const UNKNOWN_ERROR = 'UNKNOWN';

async function taskGroups(
  store: BlobStore,
  ref: ReadOptions,
  m: Manifest,
  view: NodeView,
): Promise<TaskGroups> {
  const cache = ref.cache ?? cacheFor(store);
  const byType = new Map<string, { count: number; key: string; shard: number }>();
  m.tasks.forEach((e, shard) => {
    for (const [type, [count, key]] of Object.entries(e.failures ?? {})) {
      const seen = byType.get(type);
      byType.set(type, {
        count: (seen?.count ?? 0) + count,
        ...(seen === undefined || key < seen.key ? { key, shard } : { key: seen.key, shard: seen.shard }),
      });
    }
  });
  const groups: TaskGroups['groups'] = [];
  for (const [type, g] of byType) {
    const entry = m.tasks[g.shard];
    const rows = entry === undefined ? [] : await readShard(store, cache, tasks, entry, 'FAILED');
    const t = rows.find((r) => tasks.key(r) === g.key);
    if (t === undefined) continue;
    groups.push({
      errorType: type === '' ? UNKNOWN_ERROR : type,
      count: g.count,
      example: {
        taskId: t.taskId,
        attempt: t.attempt,
        jobId: taskJobOf(t),
        funcOrClassName: t.def?.funcName ?? '',
        message: t.error?.[1].message ?? null,
        log: taskLog(t, (id) => view.names.get(id)),
      },
    });
  }
  groups.sort((a, b) => b.count - a.count || (a.errorType < b.errorType ? -1 : 1));
  return { failedAttempts: groups.reduce((a, g) => a + g.count, 0), groups };
}

export async function failures(
  store: BlobStore,
  ref: SessionRef,
  options: ReadOptions = {},
): Promise<FailuresResponse> {
  const cache = options.cache ?? cacheFor(store);
  return withManifest(store, ref, options, async (m) => {
    const view = await nodeView(store, cache, m);
    const head = view.doc.nodes.find((n) => n.def?.labels?.['ray.io/node-group'] === 'headgroup')?.nodeId;
    const jobs = renderJobs(await readDoc(store, cache, m.jobs, JobsDocSchema, EMPTY_JOBS), view.ipOf)
      .filter((j) => j.status === 'FAILED')
      .map((j) => {
        const node = view.names.get(j.driver_node_id ?? head ?? '');
        return {
          job_id: j.job_id,
          submission_id: j.submission_id,
          status: j.status,
          message: j.message,
          error_type: j.error_type,
          driver_exit_code: j.driver_exit_code,
          log: j.submission_id !== null && node ? located(node, `job-driver-${j.submission_id}.log`) : null,
        };
      });
    const dead = await renderedActors(store, cache, m, view, (a) => a.state === 'DEAD');
    const actors = Object.values(dead).map((a) => ({
      actorId: a.actorId,
      jobId: a.jobId,
      className: a.className,
      name: a.name,
      numRestarts: Number(a.numRestarts),
      endTime: a.endTime,
      exitDetail: a.exitDetail,
      deathCause: a.deathCause,
      log: workerLog(
        view.names.get(a.address.nodeId),
        a.address.workerId,
        a.jobId,
        a.pid ?? undefined,
        'err',
      ),
    }));
    const nodes = view.doc.nodes
      .filter((n) => n.transitions?.at(-1)?.state === 'DEAD')
      .map((n) => {
        const last = n.transitions?.at(-1);
        const storageNode = view.names.get(n.nodeId) ?? null;
        return {
          nodeId: n.nodeId,
          storageNode,
          ip: n.def?.ip ?? '',
          reason: last?.deathReason ?? null,
          reasonMessage: last?.deathMessage ?? null,
          stateMessage: stateMessage(last?.deathReason, last?.deathMessage),
          endTimeMs: last === undefined ? null : Number(BigInt(last.t) / 1_000_000n),
          log: storageNode === null ? null : located(storageNode, 'raylet.out'),
        };
      });
    return { jobs, tasks: await taskGroups(store, options, m, view), actors, nodes };
  });
}

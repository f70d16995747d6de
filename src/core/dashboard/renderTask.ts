/**
 * A task attempt's merged state → the row Ray's StateApi answers (python/ray/util/state/common.py
 * TaskState; the dashboard's type/task.ts). Derived times follow Ray: creation = first
 * PENDING_ARGS_AVAIL, start = first RUNNING, end = last FINISHED/FAILED.
 */
import type { TaskRow } from '../../schemas/dashboard.js';
import { actorIdOfCreationTask, jobIdOf } from './ids.js';
import { nsToMs } from './lattice.js';
import type { TaskState } from './model.js';

/** The state of an attempt: its last transition, or NIL when none is known. */
export function taskStateOf(t: TaskState): string {
  return t.transitions?.at(-1)?.[0] ?? 'NIL';
}

/**
 * The task type: from the definition; without one, from the id's layout (id_specification.md):
 * a driver's task id is 20 bytes of 0xff + the job id, an actor creation task's starts with 8 bytes
 * of 0xff, an actor task's embeds a non-nil actor id.
 */
export function taskTypeOf(t: TaskState): string {
  if (t.def?.type !== undefined) return t.def.type;
  const id = t.taskId;
  if (id.length !== 48) return 'NORMAL_TASK';
  if (/^f{40}$/.test(id.slice(0, 40))) return 'DRIVER_TASK';
  if (id.startsWith('ffffffffffffffff')) return 'ACTOR_CREATION_TASK';
  return /^f{24}$/.test(id.slice(16, 40)) ? 'NORMAL_TASK' : 'ACTOR_TASK';
}

export function taskJobOf(t: TaskState): string {
  return t.def?.jobId ?? t.jobId?.[1] ?? jobIdOf(t.taskId) ?? '';
}

export function taskActorOf(t: TaskState): string | null {
  if (t.def?.actorId !== undefined) return t.def.actorId;
  const type = taskTypeOf(t);
  if (type === 'ACTOR_CREATION_TASK') return actorIdOfCreationTask(t.taskId) ?? null;
  if (type === 'ACTOR_TASK' && t.taskId.length === 48) return t.taskId.slice(16);
  return null;
}

/** Milliseconds of the first (or last) transition into one of `states`. */
function timeOf(t: TaskState, states: string[], last = false): number | null {
  const list = (t.transitions ?? []).filter(([s]) => states.includes(s));
  const hit = last ? list.at(-1) : list[0];
  return hit === undefined ? null : nsToMs(hit[1]);
}

function logInfoRow(t: TaskState): Record<string, string | number | null> | null {
  const l = t.logInfo;
  if (l === undefined) return null;
  return {
    stdout_file: l.stdoutFile?.[1] ?? null,
    stderr_file: l.stderrFile?.[1] ?? null,
    stdout_start: l.stdoutStart?.[1] ?? 0,
    stdout_end: l.stdoutEnd?.[1] ?? 0,
    stderr_start: l.stderrStart?.[1] ?? 0,
    stderr_end: l.stderrEnd?.[1] ?? 0,
  };
}

/** Ray's `runtime_env_info` as the frontend expects it: a JSON string. */
function runtimeEnvInfo(serialized: string | undefined): string {
  return JSON.stringify({
    serialized_runtime_env: serialized ?? '{}',
    runtime_env_config: { setup_timeout_seconds: 600, eager_install: true, log_files: [] },
  });
}

/** The row of one attempt; `detail` adds the columns Ray shows with `detail=true`. */
export function renderTask(t: TaskState, detail: boolean): TaskRow {
  const row: TaskRow = {
    task_id: t.taskId,
    attempt_number: t.attempt,
    name: t.def?.name ?? '',
    state: taskStateOf(t),
    job_id: taskJobOf(t),
    actor_id: taskActorOf(t),
    type: taskTypeOf(t),
    func_or_class_name: t.def?.funcName ?? '',
    parent_task_id: t.def?.parentTaskId ?? '',
    node_id: t.nodeId?.[1] ?? null,
    worker_id: t.workerId?.[1] ?? null,
    worker_pid: t.workerPid?.[1] ?? null,
    error_type: t.error?.[1].type ?? null,
  };
  if (!detail) return row;
  return {
    ...row,
    language: t.def?.language ?? '',
    required_resources: t.def?.requiredResources ?? {},
    runtime_env_info: runtimeEnvInfo(t.def?.runtimeEnv),
    placement_group_id: t.def?.placementGroupId ?? null,
    events: (t.transitions ?? []).map(([state, ns]) => ({ state, created_ms: nsToMs(ns) })),
    creation_time_ms: timeOf(t, ['PENDING_ARGS_AVAIL']),
    start_time_ms: timeOf(t, ['RUNNING']),
    end_time_ms: timeOf(t, ['FINISHED', 'FAILED'], true),
    task_log_info: logInfoRow(t),
    error_message: t.error?.[1].message ?? null,
    is_debugger_paused: t.debuggerPaused?.[1] ?? null,
    call_site: t.def?.callSite ?? null,
    label_selector: t.def?.labelSelector ?? {},
  };
}

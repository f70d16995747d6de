/**
 * The three sharded collections (task attempts, their profiles, actors): how each keys, joins,
 * groups and counts its states. Everything a shard's manifest entry and the summary say about it is
 * computed from its rows here, so statistics are exact by construction.
 */
import type { z } from '../../schemas/zod.js';
import { attemptKey } from './fold.js';
import { jobIdOf } from './ids.js';
import { joinActor, joinProfile, joinTask } from './join.js';
import {
  ActorStateSchema,
  ProfileStateSchema,
  TaskStateSchema,
  type ActorState,
  type ProfileState,
  type TaskState,
} from './model.js';
import { taskJobOf, taskStateOf, taskTypeOf } from './renderTask.js';

export interface Collection<S> {
  kind: 'tasks' | 'profiles' | 'actors';
  schema: z.ZodType<S>;
  /** Sort key (unique per state). */
  key: (s: S) => string;
  /** The hex id that routes a state to its shard. */
  hex: (s: S) => string;
  join: (a: S, b: S) => S;
  /** The group a state's row sits in inside its shard file ('' when ungrouped). */
  group: (s: S) => string;
  job: (s: S) => string;
  /** Facets the summary counts (JSON arrays as keys); none for actors. */
  facets: (s: S) => string[];
  /** Tasks: the error type a FAILED attempt counts under in the failures view (undefined: not failed). */
  failure?: (s: S) => string | undefined;
  /** Rows per shard before it splits. */
  maxRows: number;
}

/** The facet a task attempt counts under: [job, state, type, func_or_class_name, error_type]. */
export function taskFacet(t: TaskState): [string, string, string, string, string] {
  return [taskJobOf(t), taskStateOf(t), taskTypeOf(t), t.def?.funcName ?? '', t.error?.[1].type ?? ''];
}

export const tasks: Collection<TaskState> = {
  kind: 'tasks',
  schema: TaskStateSchema,
  key: (t) => attemptKey(t.taskId, t.attempt),
  hex: (t) => t.taskId,
  join: joinTask,
  group: taskStateOf,
  job: taskJobOf,
  facets: (t) => [JSON.stringify(taskFacet(t))],
  failure: (t) => (taskStateOf(t) === 'FAILED' ? (t.error?.[1].type ?? '') : undefined),
  maxRows: 2000,
};

export function profileJob(p: ProfileState): string {
  return p.jobId?.[1] ?? jobIdOf(p.taskId) ?? '';
}

/** The facet a profile counts under: [job, node ip, component type, component id]. */
export function profileFacet(p: ProfileState): [string, string, string, string] {
  return [profileJob(p), p.nodeIp?.[1] ?? '', p.componentType?.[1] ?? '', p.componentId?.[1] ?? ''];
}

export const profiles: Collection<ProfileState> = {
  kind: 'profiles',
  schema: ProfileStateSchema,
  key: (p) => attemptKey(p.taskId, p.attempt),
  hex: (p) => p.taskId,
  join: joinProfile,
  group: () => '',
  job: profileJob,
  facets: (p) => ((p.events ?? []).length === 0 ? [] : [JSON.stringify(profileFacet(p))]),
  maxRows: 2000,
};

export const actors: Collection<ActorState> = {
  kind: 'actors',
  schema: ActorStateSchema,
  key: (a) => a.actorId,
  hex: (a) => a.actorId,
  join: joinActor,
  group: () => '',
  job: (a) => a.def?.jobId ?? jobIdOf(a.actorId) ?? '',
  facets: () => [],
  maxRows: 2000,
};

/**
 * Folding facts into entity states, in memory. Compaction folds one bounded batch of event files at
 * a time into the stored shards; tests and the bench's "upstream way" fold a whole session.
 */
import { factsOf, type Fact } from './facts.js';
import {
  EMPTY_EVIDENCE,
  joinActor,
  joinDriverJob,
  joinEvidence,
  joinNode,
  joinProfile,
  joinSubmissionJob,
  joinTask,
} from './join.js';
import type {
  ActorState,
  DriverJobState,
  NodeEvidence,
  NodeState,
  ProfileState,
  SubmissionJobState,
  TaskState,
} from './model.js';

/** The key of a task attempt: sorts by task id, then attempt (as Ray's list sorts). */
export function attemptKey(taskId: string, attempt: number): string {
  return `${taskId}:${String(attempt).padStart(6, '0')}`;
}

/** Joins `next` into `current` (or normalises it when new: join is idempotent). */
function into<T>(map: Map<string, T>, key: string, next: T, join: (a: T, b: T) => T): void {
  const cur = map.get(key);
  map.set(key, join(cur ?? next, next));
}

export class SessionFold {
  readonly tasks = new Map<string, TaskState>();
  readonly profiles = new Map<string, ProfileState>();
  readonly actors = new Map<string, ActorState>();
  readonly drivers = new Map<string, DriverJobState>();
  readonly submissions = new Map<string, SubmissionJobState>();
  readonly nodes = new Map<string, NodeState>();
  evidence: NodeEvidence = EMPTY_EVIDENCE;
  /** Events that validated and contributed something. */
  events = 0;

  add(fact: Fact): void {
    switch (fact.kind) {
      case 'task':
        return into(this.tasks, attemptKey(fact.state.taskId, fact.state.attempt), fact.state, joinTask);
      case 'profile':
        return into(
          this.profiles,
          attemptKey(fact.state.taskId, fact.state.attempt),
          fact.state,
          joinProfile,
        );
      case 'actor':
        return into(this.actors, fact.state.actorId, fact.state, joinActor);
      case 'driver':
        return into(this.drivers, fact.state.jobId, fact.state, joinDriverJob);
      case 'submission':
        return into(this.submissions, fact.state.submissionId, fact.state, joinSubmissionJob);
      case 'node':
        return into(this.nodes, fact.state.nodeId, fact.state, joinNode);
      case 'evidence':
        this.evidence = joinEvidence(this.evidence, fact.evidence);
    }
  }

  /** Folds one raw event posted under the collector node name `postedBy`. */
  addEvent(raw: unknown, postedBy: string): void {
    const facts = factsOf(raw, postedBy);
    if (facts.length > 0) this.events += 1;
    for (const f of facts) this.add(f);
  }
}

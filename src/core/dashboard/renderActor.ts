/**
 * An actor's merged state → the actor the dashboard shows (type/actor.ts). Derived as upstream does:
 * state = last transition, numRestarts = RESTARTING transitions, start = first ALIVE, end = the
 * death, address = the last ALIVE placement, exitDetail = the death cause's message.
 */
import type { Actor } from '../../schemas/dashboard.js';
import { jobIdOf } from './ids.js';
import { nsToMs } from './lattice.js';
import type { ActorState, ActorTransition } from './model.js';
import { deathCauseMessage } from './taskFacts.js';

function lastWhere(a: ActorState, ok: (t: ActorTransition) => boolean): ActorTransition | undefined {
  return [...(a.transitions ?? [])].reverse().find(ok);
}

export function actorStateOf(a: ActorState): string {
  return a.transitions?.at(-1)?.state ?? 'DEPENDENCIES_UNREADY';
}

/** The death cause of the actor's final death (null unless it is DEAD). */
export function deathCauseOf(a: ActorState): Record<string, unknown> | null {
  const last = a.transitions?.at(-1);
  return last?.state === 'DEAD' ? (last.deathCause ?? null) : null;
}

type DiedContext = { pid?: number; nodeIpAddress?: string } | undefined;

/** `ipOf` gives a node's IP by node id (from the session's nodes). */
export function renderActor(
  a: ActorState,
  ipOf: (nodeId: string) => string | undefined = () => undefined,
): Actor {
  const state = actorStateOf(a);
  const placed = lastWhere(a, (t) => t.state === 'ALIVE' && t.nodeId !== undefined);
  const firstAlive = a.transitions?.find((t) => t.state === 'ALIVE');
  const cause = deathCauseOf(a);
  const died = cause?.actorDiedErrorContext as DiedContext;
  const nodeId = placed?.nodeId ?? '';
  const last = a.transitions?.at(-1);
  return {
    actorId: a.actorId,
    jobId: a.def?.jobId ?? jobIdOf(a.actorId) ?? '',
    placementGroupId: a.def?.placementGroupId ?? null,
    state,
    pid: lastWhere(a, (t) => t.pid !== undefined)?.pid ?? died?.pid ?? null,
    address: {
      nodeId,
      ipAddress: died?.nodeIpAddress || (nodeId === '' ? undefined : ipOf(nodeId)) || '',
      port: 0,
      workerId: placed?.workerId ?? '',
    },
    name: a.def?.name ?? '',
    numRestarts: String((a.transitions ?? []).filter((t) => t.state === 'RESTARTING').length),
    actorClass: a.def?.className ?? '',
    className: a.def?.className ?? '',
    startTime: firstAlive === undefined ? null : nsToMs(firstAlive.t),
    endTime: state === 'DEAD' && last !== undefined ? nsToMs(last.t) : null,
    requiredResources: a.def?.requiredResources ?? {},
    exitDetail: deathCauseMessage(cause ?? undefined) ?? '',
    reprName: lastWhere(a, (t) => t.reprName !== undefined)?.reprName ?? '',
    ...(a.def?.callSite !== undefined && { callSite: a.def.callSite }),
    labelSelector: a.def?.labelSelector ?? {},
    isDetached: a.def?.isDetached ?? false,
    rayNamespace: a.def?.rayNamespace ?? '',
    deathCause: cause,
  };
}

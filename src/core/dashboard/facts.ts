/**
 * One Ray export event → the partial entity states it contributes ("facts"). A fact is a state of
 * the same type as the merged one, so merging is only ever `join`. Events that do not validate, or
 * that name no entity, contribute nothing.
 */
import { RayEventSchema, type ActorDeathCause, type RayEventIn } from '../../schemas/rayEvents.js';
import { hexId, hexIdOrNil, int64, nsOf } from './ids.js';
import { compact, known, type Ns } from './lattice.js';
import { EMPTY_EVIDENCE } from './join.js';
import type {
  ActorState,
  DriverJobState,
  NodeEvidence,
  NodeState,
  ProfileState,
  SubmissionJobState,
  TaskState,
} from './model.js';
import { profileFact, taskDefFact, taskExecutionFact, taskLifecycleFact } from './taskFacts.js';

export { callString, deathCauseMessage, taskError } from './taskFacts.js';

export type Fact =
  | { kind: 'task'; state: TaskState }
  | { kind: 'profile'; state: ProfileState }
  | { kind: 'actor'; state: ActorState }
  | { kind: 'driver'; state: DriverJobState }
  | { kind: 'submission'; state: SubmissionJobState }
  | { kind: 'node'; state: NodeState }
  | { kind: 'evidence'; evidence: NodeEvidence };

/** A death cause with its ids in hex (as everything else the dashboard shows). */
function deathCause(c: ActorDeathCause | undefined): Record<string, unknown> | undefined {
  if (c === undefined || !known(c)) return undefined;
  const ctx = c.actorDiedErrorContext;
  if (ctx === undefined) return c;
  return {
    ...c,
    actorDiedErrorContext: { ...ctx, ownerId: hexId(ctx.ownerId), actorId: hexId(ctx.actorId) },
  };
}

const evidence = (e: Partial<NodeEvidence>): Fact => ({
  kind: 'evidence',
  evidence: { ...EMPTY_EVIDENCE, ...e },
});

function actorFacts(e: RayEventIn, at: Ns): Fact[] {
  const def = e.actorDefinitionEvent;
  if (def !== undefined) {
    const actorId = hexId(def.actorId);
    if (actorId === undefined) return [];
    const fields = compact({
      jobId: hexId(def.jobId),
      isDetached: def.isDetached === true ? true : undefined,
      name: def.name,
      rayNamespace: def.rayNamespace,
      runtimeEnv: def.serializedRuntimeEnv,
      className: def.className,
      requiredResources: def.requiredResources,
      placementGroupId: hexIdOrNil(def.placementGroupId),
      labelSelector: def.labelSelector,
      callSite: def.callSite,
    });
    return [{ kind: 'actor', state: { actorId, ...(fields && { def: fields }) } }];
  }
  const life = e.actorLifecycleEvent;
  const actorId = hexId(life?.actorId);
  if (life === undefined || actorId === undefined) return [];
  const transitions = (life.stateTransitions ?? []).flatMap((tr) => {
    if (!known(tr.state)) return [];
    const details = compact({
      nodeId: hexId(tr.nodeId),
      workerId: hexId(tr.workerId),
      deathCause: deathCause(tr.deathCause),
      reprName: tr.reprName,
      pid: tr.pid,
    });
    return [{ state: tr.state, t: nsOf(tr.timestamp) ?? at, ...details }];
  });
  return transitions.length === 0 ? [] : [{ kind: 'actor', state: { actorId, transitions } }];
}

function jobFacts(e: RayEventIn, at: Ns): Fact[] {
  const dd = e.driverJobDefinitionEvent;
  if (dd !== undefined) {
    const jobId = hexId(dd.jobId);
    if (jobId === undefined) return [];
    const pid = int64(dd.driverPid);
    const def = compact({
      entrypoint: dd.entrypoint,
      runtimeEnv: dd.config?.serializedRuntimeEnv,
      metadata: dd.config?.metadata,
      driverPid: pid === undefined || pid === 0 ? undefined : String(pid),
      driverNodeId: hexIdOrNil(dd.driverNodeId),
    });
    return [{ kind: 'driver', state: { jobId, ...(def && { def }) } }];
  }
  const dl = e.driverJobLifecycleEvent;
  if (dl !== undefined) {
    const jobId = hexId(dl.jobId);
    if (jobId === undefined) return [];
    const transitions = (dl.stateTransitions ?? []).flatMap((tr) =>
      !known(tr.state)
        ? []
        : [
            {
              state: tr.state,
              t: nsOf(tr.timestamp) ?? at,
              ...compact({
                message: tr.message,
                errorType: tr.errorType,
                status: tr.submissionJobStatus?.endsWith('UNSPECIFIED') ? undefined : tr.submissionJobStatus,
              }),
              ...(tr.exitCode !== undefined && { exitCode: tr.exitCode }),
            },
          ],
    );
    return transitions.length === 0 ? [] : [{ kind: 'driver', state: { jobId, transitions } }];
  }
  return submissionFacts(e, at);
}

function submissionFacts(e: RayEventIn, at: Ns): Fact[] {
  const sd = e.submissionJobDefinitionEvent;
  if (sd !== undefined) {
    if (!known(sd.submissionId)) return [];
    const def = compact({
      entrypoint: sd.entrypoint,
      runtimeEnv: sd.config?.serializedRuntimeEnv,
      metadata: sd.config?.metadata,
    });
    return [{ kind: 'submission', state: { submissionId: sd.submissionId, ...(def && { def }) } }];
  }
  const sl = e.submissionJobLifecycleEvent;
  if (sl === undefined || !known(sl.submissionId)) return [];
  const transitions = (sl.stateTransitions ?? []).flatMap((tr) =>
    !known(tr.state)
      ? []
      : [
          {
            state: tr.state,
            t: nsOf(tr.timestamp) ?? at,
            ...compact({
              message: tr.message,
              errorType: tr.errorType,
              driverNodeId: hexIdOrNil(tr.driverNodeId),
              driverAgentHttpAddress: tr.driverAgentHttpAddress,
            }),
            ...(tr.driverExitCode !== undefined && { driverExitCode: tr.driverExitCode }),
          },
        ],
  );
  return transitions.length === 0
    ? []
    : [{ kind: 'submission', state: { submissionId: sl.submissionId, transitions } }];
}

function nodeFacts(e: RayEventIn, at: Ns, postedBy: string): Fact[] {
  const nd = e.nodeDefinitionEvent;
  const nl = e.nodeLifecycleEvent;
  const nodeId = hexId(nd?.nodeId ?? nl?.nodeId);
  if (nodeId === undefined) return [];
  const posted = evidence({ nodePosts: { [postedBy]: [nodeId] } });
  if (nd !== undefined) {
    const def = compact({
      ip: nd.nodeIpAddress,
      labels: nd.labels,
      start: nsOf(nd.startTimestamp),
      hostname: nd.hostname,
      nodeName: nd.nodeName,
      instanceId: nd.instanceId,
      instanceTypeName: nd.instanceTypeName,
    });
    return [{ kind: 'node', state: { nodeId, ...(def && { def }) } }, posted];
  }
  const transitions = (nl?.stateTransitions ?? []).flatMap((tr) =>
    !known(tr.state)
      ? []
      : [
          {
            state: tr.state,
            t: nsOf(tr.timestamp) ?? at,
            ...compact({
              resources: tr.resources,
              deathReason: tr.deathInfo?.reason === 'UNSPECIFIED' ? undefined : tr.deathInfo?.reason,
              deathMessage: tr.deathInfo?.reasonMessage,
            }),
          },
        ],
  );
  return transitions.length === 0 ? [posted] : [{ kind: 'node', state: { nodeId, transitions } }, posted];
}

/** What one event contributes; `postedBy` is the collector node name its file was posted under. */
export function factsOf(raw: unknown, postedBy: string): Fact[] {
  const parsed = RayEventSchema.safeParse(raw);
  if (!parsed.success) return [];
  const e = parsed.data;
  const at = nsOf(e.timestamp);
  if (at === undefined) return [];
  const emitter = hexId(e.nodeId);
  const facts: Fact[] = emitter === undefined ? [] : [evidence({ emitted: { [emitter]: [postedBy] } })];
  const taskDef = e.taskDefinitionEvent ?? e.actorTaskDefinitionEvent;
  if (taskDef !== undefined) facts.push(...taskDefFact(e));
  else if (e.taskLifecycleEvent !== undefined)
    facts.push(...taskLifecycleFact(e.taskLifecycleEvent, at, postedBy));
  else if (e.taskExecutionEvent !== undefined)
    facts.push(...taskExecutionFact(e.taskExecutionEvent, at, postedBy));
  else if (e.taskProfileEvents !== undefined) facts.push(...profileFact(e.taskProfileEvents, at));
  else if (e.actorDefinitionEvent !== undefined || e.actorLifecycleEvent !== undefined)
    facts.push(...actorFacts(e, at));
  else if (e.nodeDefinitionEvent !== undefined || e.nodeLifecycleEvent !== undefined)
    facts.push(...nodeFacts(e, at, postedBy));
  else facts.push(...jobFacts(e, at));
  return facts;
}

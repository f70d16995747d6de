/**
 * A node's merged state → the node summary the dashboard's node head answers (type/node.d.ts, with
 * `raylet` as GcsNodeInfo). Host metrics (cpu, memory, disk, GPUs) are not in the events: a dead
 * session has none, so they are zeros, as in upstream's replay.
 */
import type { Actor, NodeSummary } from '../../schemas/dashboard.js';
import { nsToMs } from './lattice.js';
import type { NodeState } from './model.js';
import { isHeadNode } from './nodeNames.js';

const MESSAGES: Record<string, string> = {
  EXPECTED_TERMINATION: 'Expected termination',
  UNEXPECTED_TERMINATION: 'Unexpected termination',
  AUTOSCALER_DRAIN_PREEMPTED: 'Terminated due to preemption',
  AUTOSCALER_DRAIN_IDLE: 'Terminated due to idle (no Ray activity)',
};

/** The dashboard's state message for a death: the reason in words, then its message. */
export function stateMessage(reason: string | undefined, message: string | undefined): string {
  const words = reason === undefined ? '' : (MESSAGES[reason] ?? '');
  if (message === undefined || message === '') return words;
  return words === '' ? message : `${words}: ${message}`;
}

/** Ray's resource names the dashboard shows otherwise (its camelCase conversion of the raylet's keys). */
const DASHBOARD_NAMES: Record<string, string> = {
  object_store_memory: 'objectStoreMemory',
  'node:__internal_head__': 'node:InternalHead',
};
const RAY_NAMES = Object.fromEntries(Object.entries(DASHBOARD_NAMES).map(([ray, shown]) => [shown, ray]));

const renamed = (resources: Record<string, number>, names: Record<string, string>) =>
  Object.fromEntries(Object.entries(resources).map(([k, v]) => [names[k] ?? k, v]));

/** Ray's resource names as the dashboard shows them. */
function dashboardResources(resources: Record<string, number>): Record<string, number> {
  return renamed(resources, DASHBOARD_NAMES);
}

/** The dashboard's resource names back as Ray names them (what `ray status` prints). */
export function rayResources(resources: Record<string, number>): Record<string, number> {
  return renamed(resources, RAY_NAMES);
}

function bytes(n: number): string {
  const units: [string, number][] = [
    ['TiB', 2 ** 40],
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ];
  for (const [unit, size] of units) if (n >= size) return `${(n / size).toFixed(2)}${unit}`;
  return `${Math.floor(n)}B`;
}

/** `ray status`-style totals ("0.0/8.0 CPU\n0B/25.75GiB memory"); used amounts are unknown after death. */
export function resourceString(resources: Record<string, number>): string {
  return Object.keys(resources)
    .sort()
    .filter((k) => !k.startsWith('node:') && !k.startsWith('accelerator_type:'))
    .map((k) => {
      const v = resources[k] ?? 0;
      return k === 'memory' || k === 'object_store_memory'
        ? `0B/${bytes(v)} ${k}`
        : `0.0/${v.toFixed(1)} ${k}`;
    })
    .join('\n');
}

/** The last known total resources (ALIVE transitions carry them; DEAD ones do not). */
export function lastResources(n: NodeState): Record<string, number> {
  return [...(n.transitions ?? [])].reverse().find((t) => t.resources !== undefined)?.resources ?? {};
}

export function nodeStateOf(n: NodeState): string {
  return n.transitions?.at(-1)?.state ?? 'ALIVE';
}

/** The summary row of one node; `actors` fills in for the node detail. */
export function renderNode(
  n: NodeState,
  storageNode: string | null,
  actors: Record<string, Actor> = {},
): NodeSummary {
  const last = n.transitions?.at(-1);
  const dead = last?.state === 'DEAD';
  const ip = n.def?.ip ?? '';
  const hostname = n.def?.hostname ?? n.def?.nodeName ?? storageNode ?? '';
  const alive = (n.transitions ?? []).find((t) => t.state === 'ALIVE');
  const start = n.def?.start ?? alive?.t;
  const now = last === undefined ? 0 : nsToMs(last.t);
  const state = nodeStateOf(n);
  return {
    now,
    hostname,
    ip,
    cpu: 0,
    cpus: [0, 0],
    mem: [0, 0, 0, 0],
    shm: 0,
    bootTime: 0,
    loadAvg: [
      [0, 0, 0],
      [0, 0, 0],
    ],
    networkSpeed: [0, 0],
    disk: {
      '/': { total: 0, used: 0, free: 0, percent: 0 },
      '/tmp': { total: 0, used: 0, free: 0, percent: 0 },
    },
    gpus: [],
    tpus: [],
    cmdline: [],
    workers: [],
    actors,
    raylet: {
      nodeId: n.nodeId,
      state,
      stateMessage: dead ? stateMessage(last.deathReason, last.deathMessage) : '',
      isHeadNode: isHeadNode(n),
      labels: n.def?.labels ?? {},
      startTimeMs: start === undefined ? 0 : nsToMs(start),
      endTimeMs: dead ? nsToMs(last.t) : 0,
      resourcesTotal: dashboardResources(lastResources(n)),
      nodeManagerAddress: ip,
      nodeManagerHostname: hostname,
      nodeName: n.def?.nodeName ?? ip,
      instanceId: n.def?.instanceId ?? '',
      instanceTypeName: n.def?.instanceTypeName ?? '',
      nodeTypeName: n.def?.labels?.['ray.io/node-group'] ?? '',
    },
    state,
    logicalResources: resourceString(lastResources(n)),
    storageNode,
  };
}

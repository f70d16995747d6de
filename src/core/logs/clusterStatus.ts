/**
 * `api/cluster_status?format=1`: a `ray status`-like text for a dead session. The autoscaler logs
 * that very text every few seconds (`======== Autoscaler status: … ========` in `monitor.log` on the
 * head node); its last block, found by reading the log backwards, is the cluster's own last word
 * and is answered as it is. Without one, the text is rebuilt in Ray's format (autoscaler v2's
 * `format_info_string`) from what the caller knows of the nodes (the dashboard state built from
 * export events) and, per node, the raylet's `debug_state.txt` (idle flag, used resources).
 */
import type { BlobStore } from '../../storage/blobStore.js';
import { findLogFile, readFileRange, type LogFile } from '../query/logFile.js';
import type { LocatedSession } from '../query/locate.js';
import { parseSession } from '../session.js';
import { parseDebugState, type NodeDebugState } from './debugState.js';
import { listLogNodes } from './names.js';

/** A node as last recorded. */
export interface ClusterNodeState {
  /** Ray's node id (hex). */
  nodeId: string;
  /** The node's directory name in storage, where its debug_state.txt and monitor.log are. */
  nodeName?: string;
  ip?: string;
  state: 'ALIVE' | 'DEAD';
  isHead?: boolean;
  /** The `ray.io/node-group` label (default: the node id). */
  nodeGroup?: string;
  resourcesTotal?: Record<string, number>;
  /** Ray's death reason; `EXPECTED_TERMINATION` and `AUTOSCALER_DRAIN_IDLE` are not failures. */
  deathReason?: string;
  /** When it died, ms since the epoch. */
  endTimeMs?: number;
}

/** A task attempt or actor with its last state and what it asked for. */
export interface PendingWork {
  state: string;
  requiredResources?: Record<string, number>;
}

export interface ClusterStatusInput {
  nodes: ClusterNodeState[];
  tasks?: PendingWork[];
  actors?: PendingWork[];
  /** When the cluster was last active, ms since the epoch (default: the session's start). */
  lastActivityMs?: number;
}

export interface ClusterStatus {
  clusterStatus: string;
  /** `autoscaler_log`: the autoscaler's own last status; `reconstructed`: rebuilt from stored data. */
  source: 'autoscaler_log' | 'reconstructed';
}

const MARK = Buffer.from('======== Autoscaler status:');
/** How far back the autoscaler's last status is looked for. */
const STATUS_SCAN_BYTES = 16 * 1024 * 1024;
const STATUS_MAX_BYTES = 64 * 1024;
const BLOCK = 256 * 1024;
const LOG_RECORD = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}[,.]\d+/;
const NOT_FAILURES = new Set(['EXPECTED_TERMINATION', 'AUTOSCALER_DRAIN_IDLE']);
const PENDING_TASK = new Set([
  'PENDING_ARGS_AVAIL',
  'PENDING_NODE_ASSIGNMENT',
  'PENDING_OBJ_STORE_MEM_AVAIL',
  'PENDING_ARGS_FETCH',
]);
const PENDING_ACTOR = new Set(['PENDING_CREATION', 'DEPENDENCIES_UNREADY']);
const MAX_FAILURES = 20;
const DEBUG_STATE_MAX = 1024 * 1024;

/** The last autoscaler status block of a log file, or null. */
export async function lastAutoscalerStatus(store: BlobStore, file: LogFile): Promise<string | null> {
  const floor = Math.max(0, file.size - STATUS_SCAN_BYTES);
  let end = file.size;
  while (end > floor) {
    const start = Math.max(floor, end - BLOCK);
    // Overlap by the marker's length, so that a marker across two blocks is found.
    const bytes = await readFileRange(store, file, start, Math.min(file.size, end + MARK.length - 1));
    const at = bytes.lastIndexOf(MARK);
    if (at >= 0) {
      const from = start + at;
      const text = (
        await readFileRange(store, file, from, Math.min(file.size, from + STATUS_MAX_BYTES))
      ).toString('utf8');
      const lines = text.split('\n');
      const kept = [lines[0] ?? ''];
      for (const l of lines.slice(1)) {
        if (LOG_RECORD.test(l)) break;
        kept.push(l.replace(/\r$/, ''));
      }
      return kept.join('\n').trimEnd();
    }
    end = start;
  }
  return null;
}

async function autoscalerStatus(store: BlobStore, s: LocatedSession, input: ClusterStatusInput) {
  const heads = input.nodes
    .filter((n) => n.isHead === true && n.nodeName !== undefined)
    .map((n) => n.nodeName as string);
  const candidates = heads.length > 0 ? heads : (await listLogNodes(store, s)).slice(0, 16);
  for (const node of candidates) {
    for (const name of ['monitor.log', 'monitor.out']) {
      const file = await findLogFile(store, s, node, name);
      const text = file === null ? null : await lastAutoscalerStatus(store, file);
      if (text !== null) return text;
    }
  }
  return null;
}

async function debugState(store: BlobStore, s: LocatedSession, node: string): Promise<NodeDebugState | null> {
  const file = await findLogFile(store, s, node, 'debug_state.txt');
  if (file === null) return null;
  const head = await readFileRange(store, file, 0, Math.min(file.size, DEBUG_STATE_MAX));
  return parseDebugState(head.toString('utf8'));
}

/** The cluster status text: the autoscaler's last one, else rebuilt. */
export async function clusterStatus(
  store: BlobStore,
  s: LocatedSession,
  input: ClusterStatusInput,
): Promise<ClusterStatus> {
  const logged = await autoscalerStatus(store, s, input);
  if (logged !== null) return { clusterStatus: logged, source: 'autoscaler_log' };
  const alive = input.nodes.filter((n) => n.state === 'ALIVE');
  const states = await Promise.all(
    alive.map((n) => (n.nodeName === undefined ? Promise.resolve(null) : debugState(store, s, n.nodeName))),
  );
  const at = input.lastActivityMs ?? parseSession(s.session).createTimeStamp * 1000;
  return {
    clusterStatus: formatClusterStatus(input, new Map(alive.map((n, i) => [n, states[i] ?? null])), at),
    source: 'reconstructed',
  };
}

const groupOf = (n: ClusterNodeState, d?: NodeDebugState | null) => d?.nodeGroup ?? n.nodeGroup ?? n.nodeId;

function count(into: Map<string, number>, key: string, by = 1): void {
  into.set(key, (into.get(key) ?? 0) + by);
}

/** Python's float repr for the values Ray prints: `1.0`, `0.25`. */
function pyFloat(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

/** Ray's `format_memory`-like bytes: `0B`, `1.86GiB`. */
function memory(bytes: number): string {
  const units: [string, number][] = [
    ['TiB', 2 ** 40],
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ];
  for (const [u, size] of units) if (bytes >= size) return `${(bytes / size).toFixed(2)}${u}`;
  return `${Math.trunc(bytes)}B`;
}

const value = (key: string, v: number) => (key.toLowerCase().includes('memory') ? memory(v) : pyFloat(v));

function stamp(ms: number): string {
  const d = new Date(ms);
  const iso = d.toISOString(); // 2026-01-27T10:52:59.373Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}

function demandKey(r: Record<string, number>): string {
  return Object.keys(r)
    .sort()
    .map((k) => `'${k}': ${pyFloat(r[k] ?? 0)}`)
    .join(', ');
}

/** Ray's status text (autoscaler v2 layout) from nodes, their debug states and pending work. Pure. */
export function formatClusterStatus(
  input: ClusterStatusInput,
  debug: Map<ClusterNodeState, NodeDebugState | null>,
  atMs: number,
): string {
  const header = `======== Autoscaler status: ${stamp(atMs)} ========`;
  const rule = '-'.repeat(header.length);
  const active = new Map<string, number>();
  const idle = new Map<string, number>();
  const dead = new Map<string, number>();
  const total = new Map<string, number>();
  const used = new Map<string, number>();
  for (const n of input.nodes) {
    const d = debug.get(n) ?? null;
    if (n.state === 'DEAD') {
      count(dead, groupOf(n));
      continue;
    }
    count(d?.idle === true ? idle : active, groupOf(n, d));
    const totals = d !== null && Object.keys(d.total).length > 0 ? d.total : (n.resourcesTotal ?? {});
    for (const [k, v] of Object.entries(totals)) {
      if (k.startsWith('node:')) continue;
      count(total, k, v);
      if (d !== null) count(used, k, Math.max(0, v - (d.available[k] ?? 0)));
    }
  }
  const failures = input.nodes
    .filter((n) => n.state === 'DEAD' && !NOT_FAILURES.has(n.deathReason ?? ''))
    .sort((a, b) => (b.endTimeMs ?? 0) - (a.endTimeMs ?? 0))
    .slice(0, MAX_FAILURES);
  const demands = new Map<string, number>();
  for (const w of [
    ...(input.tasks ?? []).filter((t) => PENDING_TASK.has(t.state)),
    ...(input.actors ?? []).filter((a) => PENDING_ACTOR.has(a.state)),
  ]) {
    const r = w.requiredResources ?? {};
    if (Object.keys(r).length > 0) count(demands, demandKey(r));
  }
  const section = (title: string, m: Map<string, number>, none: string) => [
    `${title}:`,
    ...(m.size === 0 ? [` ${none}`] : [...m.keys()].sort().map((k) => ` ${m.get(k)} ${k}`)),
  ];
  const lines = [
    header,
    'Node status',
    rule,
    ...section('Active', active, '(no active nodes)'),
    ...section('Idle', idle, '(no idle nodes)'),
    ...section('Dead', dead, '(no dead nodes)'),
    'Pending:',
    ' (not recorded for a finished session)',
    'Recent failures:',
    ...(failures.length === 0
      ? [' (no failures)']
      : failures.map((n) => ` ${groupOf(n)}: NodeTerminated (ip: ${n.ip ?? 'unknown'})`)),
    '',
    'Resources',
    rule,
    'Total Usage:',
    ...(total.size === 0
      ? [' (no resources)']
      : [...total.keys()]
          .filter((k) => !k.startsWith('accelerator_type:'))
          .sort()
          .map((k) => ` ${value(k, used.get(k) ?? 0)}/${value(k, total.get(k) ?? 0)} ${k}`)),
    '',
    'From request_resources:',
    ' (not recorded for a finished session)',
    'Pending Demands:',
    ...(demands.size === 0
      ? [' (no resource demands)']
      : [...demands.entries()].map(([k, c]) => ` {${k}}: ${c}+ pending tasks/actors`)),
  ];
  return lines.join('\n');
}

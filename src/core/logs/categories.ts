/**
 * Ray's grouping of a node's log files (`LogsManager._categorize_log_files` in Ray's
 * dashboard/modules/log/log_manager.py): the first rule that fits wins, on the path relative to the
 * node's log directory (directories end in `/`). Order matters: `log_monitor` before `monitor`.
 */

export const LOG_CATEGORIES = [
  'worker_out',
  'worker_err',
  'core_worker',
  'driver',
  'raylet',
  'gcs_server',
  'internal',
  'autoscaler',
  'agent',
  'dashboard',
] as const;

export type LogCategory = (typeof LOG_CATEGORIES)[number];

/** The category Ray's dashboard lists a file under. */
export function categoryOf(path: string): LogCategory {
  const has = (s: string) => path.includes(s);
  if (has('worker') && path.endsWith('.out')) return 'worker_out';
  if (has('worker') && path.endsWith('.err')) return 'worker_err';
  if (has('core-worker') && path.endsWith('.log')) return 'core_worker';
  if (has('core-driver') && path.endsWith('.log')) return 'driver';
  if (has('raylet.')) return 'raylet';
  if (has('gcs_server.')) return 'gcs_server';
  if (has('log_monitor')) return 'internal';
  if (has('monitor')) return 'autoscaler';
  if (has('agent.')) return 'agent';
  if (has('dashboard.')) return 'dashboard';
  return 'internal';
}

/** `{category: [paths…]}` with only the categories that have files, each in the order given. */
export type CategorizedLogs = Partial<Record<LogCategory, string[]>>;

/** Adds `paths` to `into` by category (Ray's dict holds only non-empty categories). */
export function categorize(paths: Iterable<string>, into: CategorizedLogs = {}): CategorizedLogs {
  for (const p of paths) (into[categoryOf(p)] ??= []).push(p);
  return into;
}

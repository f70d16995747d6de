/**
 * The raylet's `debug_state.txt`: the line after `cluster_resource_scheduler state:` holds the
 * node's local resources as fixed-point integers (value × 10000), e.g.
 * `Local resources: {"total":{CPU: [20000, 20000], memory: [...]}, "available":{...}} is_idle: 1`,
 * and its labels (`"ray.io/node-group":"headgroup"`). Pure.
 */

export interface NodeDebugState {
  nodeGroup?: string;
  idle: boolean;
  total: Record<string, number>;
  available: Record<string, number>;
}

const SCALE = 10_000;
const MARK = 'cluster_resource_scheduler state:';

function resources(block: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (block === undefined) return out;
  for (const m of block.matchAll(/([A-Za-z0-9_:./-]+):\s*\[([0-9,\s]*)\]/g)) {
    const key = m[1] ?? '';
    if (key.startsWith('node:')) continue;
    const sum = (m[2] ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '')
      .reduce((a, x) => a + Number(x), 0);
    if (Number.isFinite(sum)) out[key] = sum / SCALE;
  }
  return out;
}

/** Parses the text of a debug_state.txt; null when it holds no resource line. */
export function parseDebugState(text: string): NodeDebugState | null {
  const at = text.indexOf(MARK);
  if (at < 0) return null;
  const afterMark = text.indexOf('\n', at);
  if (afterMark < 0) return null;
  const end = text.indexOf('\n', afterMark + 1);
  const line = text.slice(afterMark + 1, end < 0 ? undefined : end);
  const group = /"ray\.io\/node-group"\s*:\s*"([^"]+)"/.exec(line)?.[1];
  return {
    ...(group !== undefined && { nodeGroup: group }),
    idle: /is_idle:\s*1/.test(line),
    total: resources(/"total"\s*:\s*\{([^}]*)\}/.exec(line)?.[1]),
    available: resources(/"available"\s*:\s*\{([^}]*)\}/.exec(line)?.[1]),
  };
}

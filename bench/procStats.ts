/** CPU use of processes from /proc (Linux): by pid, and the pid listening on a local TCP port. */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** The process listening on 127.0.0.1:`port` (or any address), found through its socket's inode. */
export function pidListening(port: number): number {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[1]?.endsWith(`:${hex}`) && f[3] === '0A' && f[9] !== undefined) inodes.add(f[9]);
    }
  }
  for (const dir of readdirSync('/proc')) {
    if (!/^\d+$/.test(dir)) continue;
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${dir}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${dir}/fd/${fd}`));
        if (m !== null && inodes.has(m[1] ?? '')) return Number(dir);
      } catch {
        // a descriptor that closed meanwhile
      }
    }
  }
  throw new Error(`no process listens on port ${port}`);
}

/** The ports of the blob and queue endpoints in an Azurite connection string. */
export function azuritePorts(connectionString: string): number[] {
  return [...connectionString.matchAll(/Endpoint=http:\/\/[^:]+:(\d+)\//g)].map((m) => Number(m[1]));
}

/** Share of one core (percent) that `pids` used together during `ms`. */
export async function cpuShare(pids: number[], ms: number): Promise<number> {
  return (await cpuShares(pids, ms)).reduce((a, b) => a + b, 0);
}

/** Each process's share of a core (%) over `ms`, in the order of `pids`. */
export async function cpuShares(pids: number[], ms: number): Promise<number[]> {
  const before = pids.map((p) => cpuSeconds(p));
  const started = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const seconds = (performance.now() - started) / 1000;
  return pids.map((p, i) => (100 * (cpuSeconds(p) - (before[i] ?? 0))) / seconds);
}

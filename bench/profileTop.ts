/**
 * `node dist/bench/profileTop.js <file.cpuprofile> [n]`: the top `n` (default 15) functions by self
 * time of a V8 CPU profile (`node --cpu-prof`), for the "Profiles" notes in docs/benchmarks.md.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function (ms), highest first, and the profile's total (ms). */
export function selfTimes(profile: Profile): { total: number; rows: { name: string; ms: number }[] } {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    const f = byNode.get(id)?.callFrame;
    if (f === undefined) return;
    const where = f.url === '' ? '' : ` ${shortUrl(f.url)}:${f.lineNumber + 1}`;
    const name = `${f.functionName === '' ? '(anonymous)' : f.functionName}${where}`;
    self.set(name, (self.get(name) ?? 0) + us);
  });
  const rows = [...self.entries()].map(([name, us]) => ({ name, ms: us / 1000 })).sort((a, b) => b.ms - a.ms);
  return { total: total / 1000, rows };
}

function shortUrl(url: string): string {
  const p = url.replace(/^file:\/\//, '');
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0) return p.slice(nm + 'node_modules/'.length);
  const dist = p.indexOf('/dist/');
  return dist >= 0 ? p.slice(dist + '/dist/'.length) : path.basename(p);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === __filename) {
  const file = process.argv[2];
  if (file === undefined) throw new Error('usage: profileTop <file.cpuprofile> [n]');
  const n = Number(process.argv[3] ?? 15);
  const { total, rows } = selfTimes(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  process.stdout.write(`${path.basename(file)}: ${total.toFixed(0)} ms sampled\n`);
  for (const r of rows.slice(0, n))
    process.stdout.write(
      `${((100 * r.ms) / total).toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(6)} ms  ${r.name}\n`,
    );
}

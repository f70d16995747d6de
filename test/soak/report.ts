/** The soak's figures as the markdown of docs/reliability-run.md. */
import os from 'node:os';
import type { CaseResult } from '../hostile/run.js';
import type { Figures } from './scenarios.js';
import { SETTLE_MS } from './verify.js';

const n = (v: number) => v.toLocaleString('en-US');
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

function faults(f: Figures): string {
  const entries = Object.entries(f.faults).filter(([, v]) => v > 0);
  return entries.length === 0 ? '–' : entries.map(([k, v]) => `${k} ${n(v)}`).join(', ');
}

/** One table row per scenario, then the details that only some scenarios have. */
export function reportMarkdown(results: Figures[], seed: number, hostile: CaseResult[] = []): string {
  const rows = results.map((f) =>
    [
      f.scenario,
      `${n(f.seconds)} s`,
      n(f.requests),
      n(f.answered503),
      n(f.kills),
      faults(f),
      `${mib(f.bytesSent)} / ${mib(f.bytesAcked)} / ${mib(f.bytesStored)}`,
      `${n(f.eventsAcked)} / ${n(f.eventsStored)}`,
      `${n(f.lostBytes)} B, ${n(f.lostEvents)} events`,
      `${n(f.duplicatesAnswered)} (${n(f.duplicatesStored)} stored)`,
      f.failures.length === 0 ? 'all hold' : f.failures.join('; '),
    ].join(' | '),
  );
  const lines = [
    '# Soak run',
    '',
    `Written by \`npm run soak\` (seed ${seed}; replay with \`TEST_SEED=${seed} npm run soak\`) on ` +
      `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${os.cpus().length} cores, load average ` +
      `${os.loadavg()[0]?.toFixed(1)} at the end. What the columns mean: [reliability.md](reliability.md).`,
    '',
    '| scenario | time | requests | 503s | kills | faults injected | bytes sent / acknowledged / stored | events acknowledged / stored | acknowledged but lost | duplicates answered (stored) | after the scenario |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r} |`),
    '',
  ];
  for (const f of results) {
    const details: string[] = [];
    if (f.longestDuringHang !== undefined)
      details.push(
        `longest answer while storage hung (${n(f.hangMs ?? 0)} ms): ${n(f.longestDuringHang.ms)} ms ` +
          `(${f.longestDuringHang.what}, ${f.longestDuringHang.status}; deadline ${n(f.hangLimitMs ?? 0)} ms)`,
      );
    if (f.recoveryMs !== undefined)
      details.push(`first write answered 200 after storage returned: ${n(f.recoveryMs)} ms`);
    if (f.latencyMs !== undefined)
      details.push(
        `answers (200): p50 ${n(f.latencyMs.p50)} ms, p99 ${n(f.latencyMs.p99)} ms, max ${n(f.latencyMs.max)} ms`,
      );
    if (f.rssMiB !== undefined)
      details.push(
        `host RSS: ${f.rssMiB.first} MiB at the start, ${f.rssMiB.max} MiB at most, ${f.rssMiB.last} MiB at the end ` +
          `(samples every 2 s: ${f.rssMiB.samples.join(' ')})`,
      );
    if (f.minutes !== undefined)
      details.push(
        `per minute, median RSS / V8 heap live after full GC (most) / V8 heap committed after it (most) / full GCs: ` +
          f.minutes
            .map((m) => `${m.minute}: ${m.rssMiB} / ${m.liveMiB} / ${m.committedMiB} / ${m.fullGcs}`)
            .join(', '),
      );
    details.push(
      `statuses: ${Object.entries(f.statuses)
        .map(([k, v]) => `${k === '0' ? 'no answer' : k} ${n(v)}`)
        .join(', ')}`,
    );
    details.push(
      f.indexSettledMs >= 0
        ? `index equal to a reconcile ${n(f.indexSettledMs)} ms after the writes stopped`
        : `index not yet equal to a reconcile ${n(SETTLE_MS / 1000)} s after the writes stopped (its exact fields checked as above)`,
    );
    if (f.scratchSwept > 0) details.push(`scratch blobs of killed requests swept: ${f.scratchSwept}`);
    lines.push(`**${f.scenario}** (seed ${f.seed}): ${details.join('; ')}.`, '');
  }
  if (hostile.length > 0) {
    const groups = new Map<string, number>();
    for (const r of hostile) {
      const e = r.expect;
      const key = `${e.status}${e.error === undefined ? '' : ` ${e.error}`}${e.itemError === undefined ? '' : ` (item: ${e.itemError})`}`;
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
    const wrong = hostile.filter((r) => r.problems.length > 0);
    lines.push(
      `**Hostile corpus** (test/hostile/corpus.json): ${hostile.length} cases, ${hostile.length - wrong.length} answered as documented` +
        `${wrong.length === 0 ? '' : ` (not: ${wrong.map((r) => `${r.id}: ${r.problems.join(', ')}`).join('; ')})`}. Answers: ` +
        [...groups]
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${k === '0' ? 'connection closed' : k} × ${v}`)
          .join(', ') +
        '.',
      '',
    );
  }
  return lines.join('\n');
}

/** Runs the compiled collector CLI (dist/src/collector/cli.js) as a child process, as a sidecar would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/host.js';

export const COLLECTOR_CLI = path.join(REPO_ROOT, 'dist', 'src', 'collector', 'cli.js');

export interface CollectorRun {
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/** Starts the collector with `args`; `env` adds to a clean environment (no RAY_HISTORY_* leaks in). */
export function startCollector(
  args: string[],
  env: Record<string, string>,
  opts: { uid?: number; gid?: number } = {},
): CollectorRun {
  if (!existsSync(COLLECTOR_CLI))
    throw new Error(`${COLLECTOR_CLI} is missing: build first (npx tsc -p tsconfig.json)`);
  const base: Record<string, string> = { PATH: process.env.PATH ?? '', HOSTNAME: 'test-pod' };
  const child = spawn(process.execPath, [COLLECTOR_CLI, ...args], {
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...opts,
  });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Runs the collector to completion (e.g. `--once`), killing it after `timeoutMs`. */
export async function runCollector(
  args: string[],
  env: Record<string, string>,
  opts: { uid?: number; gid?: number; timeoutMs?: number } = {},
): Promise<{ code: number | null; output: string }> {
  const run = startCollector(args, env, opts);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const code = await run.exited;
  clearTimeout(timer);
  return { code, output: run.output() };
}

/** The JSON log lines the collector printed (non-TTY output). */
export function jsonLines(output: string): Array<Record<string, unknown>> {
  return output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

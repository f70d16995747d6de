/**
 * Runs the local host as a child process and waits until it listens. Used by the e2e test helper
 * (test/helpers/host.ts) and usable by benchmarks; the host must be built (dist/).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface SpawnHostOptions {
  /** The compiled repository root holding dist/ (default: the current directory). */
  repoRoot?: string;
  /** The function app; default repoRoot. */
  appDir?: string;
  /** The whole environment of the child. */
  env: Record<string, string | undefined>;
  /** Port; default 0 (any free one). */
  port?: number;
  /** A local.settings.json to apply, or none (default). */
  settingsFile?: string;
  /** Extra CLI arguments (e.g. --enableAuth). */
  args?: string[];
  /** Options for node itself, before the script (e.g. `--cpu-prof`, which NODE_OPTIONS does not take). */
  nodeArgs?: string[];
  /** How long to wait for "Host listening on"; default 30 s. */
  startTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL; default 20 s (the host closes in ≤ 10 s, then stops its Azurite). */
  stopTimeoutMs?: number;
  /**
   * Run the host in its own process group (default false), as a terminal runs a foreground job:
   * `process.kill(-pid, 'SIGINT')` is then what Ctrl-C does.
   */
  processGroup?: boolean;
}

export interface SpawnedHost {
  baseUrl: string;
  pid: number;
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after `stopTimeoutMs`; resolves once the process exited. */
  stop: () => Promise<void>;
  /** Everything the host printed so far (stdout and stderr). */
  output: () => string;
  /** Resolves when the process has exited. */
  exited: Promise<HostExit>;
}

export interface HostExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Node options the local host runs with, here and in `npm start` (package.json; a unit test keeps
 * them equal). A 1,024-MiB old-generation limit: V8 sizes its heap by the limit, and with the
 * default one of a large machine (4 GiB here, from 24 GiB of memory) it lets the heap grow to four
 * times what was live at the last full GC before collecting again, so under load the host's RSS
 * swings between about 1.5 and 4 times its live heap (docs/reliability.md "Memory under load"). Below
 * 2 GiB it grows by at most 1.3–2 times. The live heap under the soak's load stays under 100 MiB.
 */
export const HOST_NODE_ARGS = ['--max-old-space-size=1024'];

/** The host CLI's path under a built repository. */
export function hostCli(repoRoot = process.cwd()): string {
  return path.join(repoRoot, 'dist', 'src', 'host', 'cli.js');
}

/** Spawns the host and resolves with its URL; rejects with its output if it exits or times out first. */
export async function spawnHost(opts: SpawnHostOptions): Promise<SpawnedHost> {
  const root = opts.repoRoot ?? process.cwd();
  const cli = hostCli(root);
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (npx tsc -p tsconfig.json)`);
  const args = [
    ...HOST_NODE_ARGS,
    ...(opts.nodeArgs ?? []),
    cli,
    '--app-dir',
    opts.appDir ?? root,
    '--port',
    String(opts.port ?? 0),
    '--settings',
    opts.settingsFile ?? 'none',
    ...(opts.args ?? []),
  ];
  const child = spawn(process.execPath, args, {
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.processGroup === true,
  });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<HostExit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    // A SIGKILLed host leaves its Azurite to close by itself (it saves its data; see azurite.ts).
    const kill = setTimeout(() => child.kill('SIGKILL'), opts.stopTimeoutMs ?? 20_000);
    child.kill('SIGTERM');
    await exited;
    clearTimeout(kill);
  };
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`host did not start in time; output:\n${out}`));
    }, opts.startTimeoutMs ?? 30_000);
    const check = () => {
      const m = /Host listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited with code ${code} before listening; output:\n${out}`));
    });
  });
  return { baseUrl, pid: child.pid ?? 0, child, stop, output: () => out, exited };
}

/**
 * Starts Azurite's blob and queue services from this package's node_modules, waits until both
 * answer, and stops them. Used by the test run, the bench and `npm start`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const DEV_ACCOUNT = 'devstoreaccount1';
export const DEV_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteOptions {
  /** Blob port; 0 (default) picks a free one. */
  blobPort?: number;
  /** Queue port; 0 (default) picks a free one. */
  queuePort?: number;
  /** Keep data under this folder; in memory when absent. */
  location?: string;
  /** Where Azurite's output goes (default: discarded). */
  logFile?: string;
  /** How long to wait for both services to answer (default 30 s). */
  startTimeoutMs?: number;
  /** How long `stop()` waits for a clean close before it kills (default 60 s). */
  stopTimeoutMs?: number;
  /**
   * Keep the blob service's metadata in MySQL/MariaDB (Azurite's `AZURITE_DB`, e.g.
   * `mysql://user:pass@127.0.0.1:3306/azurite_blob`) instead of its in-memory store, whose every
   * write scans all blobs of the account (linear in what it holds). Without `location`, the contents
   * go to a temporary folder that `stop()` removes. For the 100,000-blob runs
   * (test/scale/with-mariadb.sh, docs/indexer.md "Tests").
   */
  sqlMetadata?: string;
}

export interface Azurite {
  blobPort: number;
  queuePort: number;
  blobEndpoint: string;
  queueEndpoint: string;
  connectionString: string;
  /** The blob and queue processes' ids. */
  pids: { blob: number; queue: number };
  /** Stops both services cleanly (one SIGTERM each, awaited); resolves once both exited. */
  stop(): Promise<void>;
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** True when something accepts TCP connections on the port. */
export function portAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ port, host });
    sock.setTimeout(1_000);
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('timeout', () => {
      sock.destroy();
      resolve(false);
    });
    sock.once('error', () => resolve(false));
  });
}

/** The well-known Azurite connection string for the given ports. */
export function azuriteConnectionString(blobPort: number, queuePort: number): string {
  return (
    `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};` +
    `BlobEndpoint=http://127.0.0.1:${blobPort}/${DEV_ACCOUNT};QueueEndpoint=http://127.0.0.1:${queuePort}/${DEV_ACCOUNT};`
  );
}

/**
 * Loaded into each Azurite process before Azurite's own entry point. Azurite saves its metadata
 * (which blobs exist, how long they are) only every 5 s and on a clean close, and its entry point
 * closes on the first SIGINT and again on the first SIGTERM: two signals (a terminal's Ctrl-C plus
 * the host's SIGTERM) close it twice and it crashes unsaved. This supervisor makes every way of
 * stopping one clean close:
 * - the first SIGINT or SIGTERM closes Azurite; Azurite's handlers for the other signal are removed
 *   and any later signal is ignored (a listener is always installed, so no signal kills by default);
 * - when the parent is gone (killed with SIGKILL, crashed), Azurite signals itself and closes the
 *   same way, instead of exiting with its last seconds of metadata unsaved;
 * - a signal that arrives before Azurite installed its handlers (still starting, nothing served)
 *   is retried until it has, or Azurite exits.
 */
const SUPERVISOR = [
  'const parent = process.ppid;',
  'let stopping = false;',
  'const own = {};',
  'for (const sig of ["SIGINT", "SIGTERM"]) {',
  '  own[sig] = () => {',
  '    if (stopping) return;',
  '    if (process.listenerCount(sig) === 1) {',
  '      setTimeout(() => process.kill(process.pid, sig), 200);',
  '      return;',
  '    }',
  '    stopping = true;',
  '    for (const other of ["SIGINT", "SIGTERM"])',
  '      if (other !== sig) for (const l of process.listeners(other)) if (l !== own[other]) process.off(other, l);',
  '  };',
  '  process.on(sig, own[sig]);',
  '}',
  'setInterval(() => {',
  '  if (!stopping && process.ppid !== parent) process.kill(process.pid, "SIGTERM");',
  '}, 250).unref();',
].join('\n');
const SUPERVISOR_URL = 'data:text/javascript,' + encodeURIComponent(SUPERVISOR);

function pidFile(location: string, service: 'blob' | 'queue'): string {
  return path.join(location, `azurite-${service}.pid`);
}

/** True while `pid` runs and (where /proc tells) is an Azurite process. */
function azuriteRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('azurite');
  } catch {
    return true; // no /proc: trust the signal check
  }
}

/**
 * Waits until no Azurite started earlier on `location` still runs. One whose parent was killed is
 * closing by itself (saving its metadata); starting another on the same data before it is done would
 * load the old metadata and later overwrite the saved one.
 */
export async function waitForPreviousAzurite(location: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const service of ['blob', 'queue'] as const) {
    let pid: number;
    try {
      pid = Number(readFileSync(pidFile(location, service), 'utf8').trim());
    } catch {
      continue;
    }
    if (!Number.isSafeInteger(pid) || pid <= 0) continue;
    while (azuriteRuns(pid)) {
      if (Date.now() > deadline)
        throw new Error(`an earlier Azurite (pid ${pid}) still runs on ${location}; stop it first`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function binary(name: string): string {
  return path.join(path.dirname(require.resolve('azurite/package.json')), 'dist', 'src', name);
}

/**
 * In memory only (the tests' Azurite): Azurite's blob service runs a mark-sweep of every extent 10
 * minutes after it starts, and with what a whole test run has written it stopped answering for
 * minutes, past the app's storage deadlines. In-memory data dies with the process, so the sweep
 * buys nothing there: it is put off for the longest timer Node takes (24.8 days). Persistent
 * storage (`npm start`) keeps Azurite's own schedule.
 */
function noSweepUrl(): string {
  const constants = path.join(path.dirname(binary('blob/main.js')), 'utils', 'constants.js');
  const code =
    `import { createRequire } from 'node:module';` +
    `createRequire(${JSON.stringify(constants)})(${JSON.stringify(constants)}).DEFAULT_GC_INTERVAL_MS = 2 ** 31 - 1;`;
  return 'data:text/javascript,' + encodeURIComponent(code);
}

function launch(service: 'blob' | 'queue', port: number, opts: AzuriteOptions): ChildProcess {
  const args = [
    '--import',
    SUPERVISOR_URL,
    ...(service === 'blob' && (opts.location === undefined || opts.sqlMetadata !== undefined)
      ? ['--import', noSweepUrl()]
      : []),
    binary(service === 'blob' ? 'blob/main.js' : 'queue/main.js'),
    `--${service}Host`,
    '127.0.0.1',
    `--${service}Port`,
    String(port),
    '--skipApiVersionCheck',
    '--disableTelemetry',
    '--silent',
  ];
  if (opts.location === undefined) {
    args.push('--inMemoryPersistence');
  } else {
    mkdirSync(opts.location, { recursive: true });
    args.push('--location', opts.location);
  }
  // Its own process group: a terminal's Ctrl-C reaches the host, which stops Azurite with one signal.
  // AZURITE_DB only when asked for: one left in the environment would switch the store silently.
  const { AZURITE_DB: _ignored, ...env } = process.env;
  if (service === 'blob' && opts.sqlMetadata !== undefined) env.AZURITE_DB = opts.sqlMetadata;
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true, env });
  child.stderr?.setEncoding('utf8');
  let errText = '';
  child.stderr?.on('data', (d: string) => {
    errText = (errText + d).slice(-4_000);
  });
  if (opts.location !== undefined && child.pid !== undefined)
    writeFileSync(pidFile(opts.location, service), `${child.pid}\n`);
  child.once('exit', (code) => {
    if (code !== 0 && code !== null)
      process.stderr.write(`azurite ${service} exited with ${code}: ${errText}\n`);
  });
  return child;
}

async function waitFor(port: number, child: ChildProcess, deadline: number, service: string): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`Azurite ${service} exited (code ${child.exitCode}) before answering on port ${port}`);
    if (await portAnswers(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Azurite ${service} did not answer on port ${port} in time`);
}

/**
 * One SIGTERM, then waits for Azurite to close (it saves its metadata and exits, usually in well
 * under a second). SIGKILL only after `timeoutMs`, with a warning: that loses up to 5 s of metadata.
 */
function stopChild(child: ChildProcess, service: string, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => {
      process.stderr.write(
        `azurite ${service} did not stop within ${timeoutMs} ms of SIGTERM; killing it (its latest metadata may be lost)\n`,
      );
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts Azurite's blob and queue services and resolves once both accept connections. */
export async function startAzurite(given: AzuriteOptions = {}): Promise<Azurite> {
  // SQL metadata cannot go with in-memory contents (Azurite refuses): a folder of our own then.
  const temporary =
    given.sqlMetadata !== undefined && given.location === undefined
      ? mkdtempSync(path.join(tmpdir(), 'azurite-sql-'))
      : undefined;
  const opts = temporary === undefined ? given : { ...given, location: temporary };
  if (opts.location !== undefined) await waitForPreviousAzurite(opts.location);
  const blobPort = opts.blobPort || (await freePort());
  const queuePort = opts.queuePort || (await freePort());
  const blob = launch('blob', blobPort, opts);
  const queue = launch('queue', queuePort, opts);
  const stopMs = opts.stopTimeoutMs ?? 60_000;
  const stop = async () => {
    await Promise.all([stopChild(blob, 'blob', stopMs), stopChild(queue, 'queue', stopMs)]);
    if (temporary !== undefined) rmSync(temporary, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
    await waitFor(blobPort, blob, deadline, 'blob');
    await waitFor(queuePort, queue, deadline, 'queue');
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    blobPort,
    queuePort,
    blobEndpoint: `http://127.0.0.1:${blobPort}/${DEV_ACCOUNT}`,
    queueEndpoint: `http://127.0.0.1:${queuePort}/${DEV_ACCOUNT}`,
    connectionString: azuriteConnectionString(blobPort, queuePort),
    pids: { blob: blob.pid ?? 0, queue: queue.pid ?? 0 },
    stop,
  };
}

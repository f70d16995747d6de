/**
 * Starts Azurite's blob and queue services from this package's node_modules, waits until both
 * answer, and stops them. Used by the test run, the bench and `npm start`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { mkdirSync } from 'node:fs';
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
}

export interface Azurite {
  blobPort: number;
  queuePort: number;
  blobEndpoint: string;
  queueEndpoint: string;
  connectionString: string;
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
 * Loaded into each Azurite process: it exits once its parent is gone, so an Azurite started for a
 * test run, a bench or `npm start` never outlives a parent that was killed without cleaning up.
 */
const ORPHAN_WATCHDOG =
  'data:text/javascript,' +
  encodeURIComponent(
    'const parent = process.ppid; setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 500).unref();',
  );

function binary(name: string): string {
  return path.join(path.dirname(require.resolve('azurite/package.json')), 'dist', 'src', name);
}

function launch(service: 'blob' | 'queue', port: number, opts: AzuriteOptions): ChildProcess {
  const args = [
    '--import',
    ORPHAN_WATCHDOG,
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
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.setEncoding('utf8');
  let errText = '';
  child.stderr?.on('data', (d: string) => {
    errText = (errText + d).slice(-4_000);
  });
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

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts Azurite's blob and queue services and resolves once both accept connections. */
export async function startAzurite(opts: AzuriteOptions = {}): Promise<Azurite> {
  const blobPort = opts.blobPort || (await freePort());
  const queuePort = opts.queuePort || (await freePort());
  const blob = launch('blob', blobPort, opts);
  const queue = launch('queue', queuePort, opts);
  const stop = async () => {
    await Promise.all([stopChild(blob), stopChild(queue)]);
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
    stop,
  };
}

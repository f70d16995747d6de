/**
 * The world a soak scenario runs in: its own Azurite, the fault proxy between the app and Azurite's
 * blob endpoint, and the app in the local host (a child process that scenarios kill and restart).
 * The host's own storage (receipts, poison queue) goes to Azurite directly; the app's data and the
 * blob trigger's reads go through the proxy.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { azuriteConnectionString, freePort, startAzurite, type Azurite } from '../../src/host/azurite.js';
import { spawnHost, type SpawnedHost } from '../../src/host/spawn.js';
import { AzureBlobStore } from '../../src/storage/azureBlobStore.js';
import { startFaultProxy, throughProxy, type FaultProxy } from '../helpers/faultProxy.js';
import { REPO_ROOT } from '../helpers/host.js';
import { mulberry32 } from '../helpers/random.js';

export interface WorldOptions {
  seed: number;
  /** Extra environment for the host. */
  env?: Record<string, string>;
  /**
   * As `npm start` runs: the host starts its own Azurite (data on disk) in its own process group, with
   * no proxy; scenarios stop it with Ctrl-C. Default: the soak's Azurite behind the fault proxy.
   */
  hostOwnsStorage?: boolean;
}

/** Storage the host starts itself (`--azurite`): where and on which ports. */
interface OwnStorage {
  location: string;
  blob: number;
  queue: number;
}

export interface Rng {
  (): number;
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
}

export function rng(seed: number): Rng {
  const next = mulberry32(seed);
  const r = (() => next()) as Rng;
  r.int = (n) => Math.floor(next() * n);
  r.pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T;
  return r;
}

export class World {
  readonly container = `soak-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  /** The container read directly (no proxy, no faults): what verification sees. */
  readonly direct: AzureBlobStore;
  readonly random: Rng;
  host: SpawnedHost | undefined;
  /** Hosts started so far (restarts included). */
  hosts = 0;
  /** What every host printed, for a failure's report. */
  private outputs: string[] = [];

  private constructor(
    readonly opts: WorldOptions,
    readonly azurite: Azurite | undefined,
    private readonly faults: FaultProxy | undefined,
    private readonly own: OwnStorage | undefined,
  ) {
    this.random = rng(opts.seed);
    const cs = azurite?.connectionString ?? azuriteConnectionString(own?.blob ?? 0, own?.queue ?? 0);
    this.direct = new AzureBlobStore(BlobServiceClient.fromConnectionString(cs), this.container);
  }

  static async create(opts: WorldOptions): Promise<World> {
    if (opts.hostOwnsStorage === true) {
      const own = {
        location: mkdtempSync(path.join(tmpdir(), 'soak-azurite-')),
        blob: await freePort(),
        queue: await freePort(),
      };
      return new World(opts, undefined, undefined, own);
    }
    const azurite = await startAzurite();
    const proxy = await startFaultProxy(`http://127.0.0.1:${azurite.blobPort}`);
    return new World(opts, azurite, proxy, undefined);
  }

  /** The fault proxy (absent when the host owns its storage). */
  get proxy(): FaultProxy {
    if (this.faults === undefined) throw new Error('this world has no fault proxy');
    return this.faults;
  }

  /** The host's environment: app data and trigger reads through the proxy, host storage direct. */
  env(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env))
      if (v !== undefined && !k.startsWith('VITEST') && !k.startsWith('LOCAL_HOST_')) out[k] = v;
    const direct =
      this.azurite?.connectionString ?? azuriteConnectionString(this.own?.blob ?? 0, this.own?.queue ?? 0);
    const data = this.faults === undefined ? direct : throughProxy(direct, this.faults);
    return {
      ...out,
      AZURE_STORAGE_CONNECTION_STRING: data,
      HistoryStorage: data,
      AzureWebJobsStorage: direct,
      AZURE_STORAGE_CONTAINER: this.container,
      'AzureWebJobs.reconcileIndex.Disabled': 'true',
      ...this.opts.env,
    };
  }

  async startHost(nodeArgs: string[] = []): Promise<SpawnedHost> {
    this.host = await spawnHost({
      repoRoot: REPO_ROOT,
      env: this.env(),
      nodeArgs,
      startTimeoutMs: 120_000,
      ...(this.own !== undefined && {
        args: ['--azurite', '--azurite-location', this.own.location],
        processGroup: true,
      }),
    });
    this.hosts += 1;
    return this.host;
  }

  /** Ctrl-C in the host's terminal: SIGINT to its process group; resolves once it exited (with its code). */
  async ctrlC(): Promise<number | null> {
    const host = this.host;
    if (host === undefined) return null;
    this.host = undefined;
    this.outputs.push(host.output());
    process.kill(-host.pid, 'SIGINT');
    return (await host.exited).code;
  }

  /** The running host's URL; while it is down, the last one (requests then fail to connect). */
  get baseUrl(): string {
    if (this.host !== undefined) this.lastUrl = this.host.baseUrl;
    return this.lastUrl;
  }
  private lastUrl = 'http://127.0.0.1:9';

  /** SIGKILL of the host, no warning; resolves once it is gone. */
  async killHost(): Promise<void> {
    const host = this.host;
    if (host === undefined) return;
    this.host = undefined;
    this.outputs.push(host.output());
    host.child.kill('SIGKILL');
    await host.exited;
  }

  /** True while the host process runs. */
  hostUp(): boolean {
    return (
      this.host !== undefined && this.host.child.exitCode === null && this.host.child.signalCode === null
    );
  }

  /** Pauses (SIGSTOP) or resumes Azurite's blob service: storage hangs, connections are still accepted. */
  pauseStorage(on: boolean): void {
    if (this.azurite !== undefined) process.kill(this.azurite.pids.blob, on ? 'SIGSTOP' : 'SIGCONT');
  }

  /** Host RSS in bytes (Linux /proc), or undefined. */
  async hostRss(): Promise<number | undefined> {
    const pid = this.host?.pid;
    if (pid === undefined) return undefined;
    try {
      const { readFile } = await import('node:fs/promises');
      const m = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
      return m?.[1] === undefined ? undefined : Number(m[1]) * 1024;
    } catch {
      return undefined;
    }
  }

  /** Everything the hosts printed (for a failure). */
  output(): string {
    return [...this.outputs, this.host?.output() ?? ''].join('\n----- host restarted -----\n');
  }

  async close(): Promise<void> {
    try {
      this.pauseStorage(false);
    } catch {
      /* already gone */
    }
    await this.host?.stop();
    await this.faults?.close();
    await this.azurite?.stop();
    if (this.own !== undefined) rmSync(this.own.location, { recursive: true, force: true });
  }
}

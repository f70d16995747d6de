/** The local host for bench scenarios: the compiled app against the bench's Azurite, in its own container. */
import { spawnHost, type SpawnedHost } from '../src/host/spawn.js';
import { profileArgs, type BenchContext } from './harness.js';

export interface BenchHost extends SpawnedHost {
  /** The data container the app writes to (AZURE_STORAGE_CONTAINER). */
  container: string;
}

/** Starts the host on a free port; `container` defaults to a fresh one named after `tag`. */
export async function benchHost(
  ctx: BenchContext,
  opts: { tag?: string; container?: string; env?: Record<string, string> } = {},
): Promise<BenchHost> {
  const container = opts.container ?? ctx.container(opts.tag ?? 'host');
  const cs = ctx.connectionString;
  const env = {
    ...process.env,
    AZURE_STORAGE_CONNECTION_STRING: cs,
    HistoryStorage: cs,
    AzureWebJobsStorage: cs,
    AZURE_STORAGE_CONTAINER: container,
    // No hourly reconcile in the middle of a measurement: the platform's switch turns the timer off
    // (the schedule itself must be valid, or every route answers 503 naming it).
    INDEX_RECONCILE_SCHEDULE: '0 0 * * * *',
    'AzureWebJobs.reconcileIndex.Disabled': 'true',
    ...opts.env,
  };
  return { ...(await spawnHost({ env, startTimeoutMs: 60_000, nodeArgs: profileArgs('host') })), container };
}

/** `npm run reindex`'s program (compiled): rebuilds the index of the configured container and prints the report. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubeRayClusters } from '../../src/core/index/read.js';
import type { ReconcileReport } from '../../src/core/index/reconcile.js';
import { AzureBlobStore } from '../../src/storage/azureBlobStore.js';
import { REPO_ROOT } from '../helpers/host.js';
import { azuriteConnectionString, azuriteService, uniqueContainer } from '../helpers/storage.js';
import { Recorder } from '../integration/indexFixtures.js';

const CLI = path.join(REPO_ROOT, 'dist', 'src', 'core', 'index', 'cli.js');
const S = 'session_2026-01-27_10-52-59_373533_1';

function reindex(container: string, ...args: string[]) {
  const env = {
    ...process.env,
    AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(),
    AZURE_STORAGE_CONTAINER: container,
  };
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env,
    cwd: path.join(REPO_ROOT, 'test'),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return {
    code: r.status,
    report: r.status === 0 ? (JSON.parse(r.stdout) as ReconcileReport) : null,
    stderr: r.stderr,
  };
}

describe('npm run reindex', () => {
  it('rebuilds the index from a listing, reports it, and a dry run changes nothing', async () => {
    const container = uniqueContainer('ixcli');
    const store = new AzureBlobStore(azuriteService(), container);
    const rec = new Recorder(store);
    await rec.log('default', { cluster: 'rc', clusterId: 'default', session: S }, 'head', 'raylet.out', [
      'a\n',
      'b\n',
    ]);
    await store.put(`log/rc_default/${S}/oops/what`, 'x', 'text/plain');

    const dry = reindex(container, '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.report).toMatchObject({ dryRun: true, added: [`default/rc/${S}`], skippedCount: 1 });
    expect(await kubeRayClusters(store)).toEqual([]);

    const real = reindex(container);
    expect(real.code, real.stderr).toBe(0);
    // One fix (the session's log source), applied by the compactor, which also writes the summary
    // and the newest sessions: reconcile has nothing left to write itself.
    expect(real.report).toMatchObject({
      dryRun: false,
      done: true,
      sessions: 1,
      added: [`default/rc/${S}`],
      corrections: 1,
      written: 0,
    });
    expect(real.report?.skipped.map((s) => s.name)).toEqual([`log/rc_default/${S}/oops/what`]);
    expect((await kubeRayClusters(store)).map((r) => r.sessionName)).toEqual([S]);
    expect(reindex(container).report).toMatchObject({
      added: [],
      changed: [],
      removed: [],
      corrections: 0,
      written: 0,
    });
  });

  it('fails with a message naming the setting when storage is not configured', () => {
    const r = spawnSync(process.execPath, [CLI], {
      env: { PATH: process.env.PATH ?? '' },
      cwd: path.join(REPO_ROOT, 'test'),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/AZURE_STORAGE_ACCOUNT_URL|AZURE_STORAGE_CONNECTION_STRING/);
  });
});

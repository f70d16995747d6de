/**
 * Regression (issue 12, defect 1): acknowledged writes were lost when `npm start` was stopped with
 * Ctrl-C (Azurite got SIGINT from the terminal and SIGTERM from the host and crashed unsaved) or the
 * host was killed with SIGKILL (the orphan watchdog exited without saving). Azurite saves its
 * metadata every 5 s and on a clean close, so a PUT acknowledged just before the stop was gone.
 * Here the host runs as `npm start` runs it (--azurite, persistent data), in its own process group
 * as a terminal's foreground job, and is restarted on the same data after each kind of stop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { azuriteConnectionString, freePort, portAnswers } from '../../../src/host/azurite.js';
import { spawnHost, type SpawnedHost } from '../../../src/host/spawn.js';
import { REPO_ROOT } from '../../helpers/host.js';
import { request } from '../../helpers/http.js';
import { eventually } from '../../helpers/storage.js';

const SESSION = 'session_2026-01-27_10-52-59_373533_1';
const PUT_PATH = `/api/v1/logs/ns/cl/${SESSION}/head-1/raylet.out`;
const GET_PATH = `/api/v1/clusters/ns/cl/sessions/${SESSION}/logs/head-1/raylet.out`;
const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A host started as `npm start` starts it, with its own Azurite on free ports and data in `location`. */
async function npmStartHost(location: string, ports: { blob: number; queue: number }): Promise<SpawnedHost> {
  const cs = azuriteConnectionString(ports.blob, ports.queue);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('VITEST') && !k.startsWith('LOCAL_HOST_')) env[k] = v;
  Object.assign(env, {
    AzureWebJobsStorage: cs,
    AZURE_STORAGE_CONNECTION_STRING: cs,
    HistoryStorage: cs,
    AZURE_STORAGE_CONTAINER: 'shutdown-test',
    'AzureWebJobs.reconcileIndex.Disabled': 'true',
  });
  return spawnHost({
    repoRoot: REPO_ROOT,
    env,
    args: ['--azurite', '--azurite-location', location],
    processGroup: true,
    startTimeoutMs: 60_000,
  });
}

async function storageGone(ports: { blob: number; queue: number }): Promise<void> {
  await eventually(
    async () => (!(await portAnswers(ports.blob)) && !(await portAnswers(ports.queue)) ? true : undefined),
    60_000,
    'Azurite to exit',
  );
}

describe('local storage survives stopping the host (defect 1)', () => {
  for (const how of ['Ctrl-C (SIGINT to the process group)', 'SIGKILL of the host'] as const) {
    it(`keeps an acknowledged 1 MiB PUT after ${how} and a restart`, async () => {
      const location = mkdtempSync(path.join(tmpdir(), 'azurite-data-'));
      dirs.push(location);
      const ports = { blob: await freePort(), queue: await freePort() };
      const body = Buffer.alloc(1 << 20, 'ray log line\n');
      let host = await npmStartHost(location, ports);
      try {
        expect(host.output()).toContain(`Started Azurite (blob ${ports.blob}, queue ${ports.queue})`);
        const put = await request(host.baseUrl, `${PUT_PATH}?offset=0`, {
          method: 'PUT',
          headers: { 'Content-Type': 'text/plain' },
          body,
        });
        expect(put.status, put.text).toBe(200);
        if (how === 'SIGKILL of the host') {
          process.kill(host.pid, 'SIGKILL');
          expect((await host.exited).signal).toBe('SIGKILL');
        } else {
          process.kill(-host.pid, 'SIGINT');
          expect((await host.exited).code).toBe(0);
          // The host waited for its Azurite: nothing is left answering.
          expect(await portAnswers(ports.blob)).toBe(false);
        }
        // Restart at once on the same data: the new host waits for an Azurite still closing.
        host = await npmStartHost(location, ports);
        const got = await request(host.baseUrl, GET_PATH);
        expect(got.status).toBe(200);
        expect(got.bytes.length).toBe(body.length);
        expect(got.bytes.equals(body)).toBe(true);
        const next = await request(host.baseUrl, `${PUT_PATH}?offset=${body.length}`, {
          method: 'PUT',
          headers: { 'Content-Type': 'text/plain' },
          body: 'one more line\n',
        });
        expect(next.status).toBe(200);
        expect(next.json()).toMatchObject({ status: 'appended', nextOffset: body.length + 14 });
      } finally {
        await host.stop();
        await storageGone(ports);
      }
    });
  }
});

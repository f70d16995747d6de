/**
 * AzureWebJobs.<name>.Disabled in the local host, end to end: a disabled HTTP function answers 404
 * (and its URL does not fall through to another route), a disabled timer or blob trigger never fires
 * while its enabled twin does, and the admin API still runs a disabled function, as Azure does for
 * the master key.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  listFunctions,
  postBlobCreated,
  REPO_ROOT,
  startHost,
  type RunningHost,
} from '../../helpers/host.js';
import { request } from '../../helpers/http.js';
import {
  azuriteConnectionString,
  azuriteService,
  eventually,
  uniqueContainer,
} from '../../helpers/storage.js';

const APP = path.join(REPO_ROOT, 'test', 'fixtures', 'disabled-app');
const count = (text: string, re: RegExp) => text.match(new RegExp(re.source, 'g'))?.length ?? 0;

describe('AzureWebJobs.<name>.Disabled (fixture app through the local host)', () => {
  const watch = uniqueContainer('watch');
  const results = uniqueContainer('results');
  const service = azuriteService();
  let host: RunningHost;

  const put = async (name: string) => {
    const c = service.getContainerClient(watch);
    await c.createIfNotExists();
    await c.getBlockBlobClient(name).upload(name, name.length);
  };
  const recorded = async (kind: string): Promise<string[]> => {
    const c = service.getContainerClient(results);
    if (!(await c.exists())) return [];
    const names: string[] = [];
    for await (const b of c.listBlobsFlat({ prefix: `${kind}/` })) {
      const body = await c.getBlobClient(b.name).downloadToBuffer();
      names.push((JSON.parse(body.toString('utf8')) as { name: string }).name);
    }
    return names.sort();
  };

  beforeAll(async () => {
    host = await startHost({
      appDir: APP,
      env: {
        DataStorage: azuriteConnectionString(),
        WATCH_CONTAINER: watch,
        RESULTS_CONTAINER: results,
        LOCAL_HOST_BLOB_POLL_MS: '100',
        'AzureWebJobs.alpha.Disabled': 'true',
        'AzureWebJobs.tickOff.Disabled': 'True',
        'AzureWebJobs.watchOff.Disabled': '1',
        'azurewebjobs.GRIDOFF.disabled': 'true',
        'AzureWebJobs.gamma.Disabled': 'false',
      },
    });
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('answers a disabled HTTP function 404, with no fall-through to a later matching route', async () => {
    expect((await request(host.baseUrl, '/api/items/7')).status).toBe(404);
    const beta = await request(host.baseUrl, '/api/items/7/8');
    expect([beta.status, beta.json()]).toEqual([200, { from: 'beta' }]);
    const gamma = await request(host.baseUrl, '/api/other');
    expect([gamma.status, gamma.json()]).toEqual([200, { from: 'gamma' }]);
  });

  it('never fires a disabled timer while its twin on the same schedule runs', async () => {
    await eventually(
      () => Promise.resolve(count(host.output(), /\[tickOn\] tickOn ran/) >= 3 ? true : undefined),
      20_000,
      'three runs of tickOn',
    );
    expect(host.output()).not.toMatch(/tickOff ran|Executing 'Functions\.tickOff'/);
    expect(host.output()).toMatch(/Function 'tickOff' is disabled \(AzureWebJobs\.tickOff\.Disabled\)/);
    expect(host.output()).toMatch(/Timer trigger 'tickOn' runs on/);
  });

  it('never fires a disabled blob trigger while its twin on the same path does', async () => {
    // Two rounds, each waited for, so the disabled listener would have had several scans to fire.
    for (const round of ['a', 'b']) {
      await put(`${round}1.txt`);
      await put(`${round}2.txt`);
      await eventually(
        async () =>
          (await recorded('watchOn')).filter((n) => n.startsWith(round)).length === 2 ? true : undefined,
        20_000,
        `watchOn on round ${round}`,
      );
    }
    expect(await recorded('watchOn')).toEqual(['a1.txt', 'a2.txt', 'b1.txt', 'b2.txt']);
    expect(await recorded('watchOff')).toEqual([]);
    expect(await recorded('gridOff')).toEqual([]);
  });

  it('refuses Event Grid events for a disabled function', async () => {
    const url = service.getContainerClient(watch).getBlobClient('a1.txt').url;
    expect(await postBlobCreated(host, 'gridOff', [url])).toBe(404);
  });

  it('still runs a disabled function through the admin API', async () => {
    const r = await request(host.baseUrl, '/admin/functions/watchOff', {
      method: 'POST',
      body: JSON.stringify({ input: `${watch}/b2.txt` }),
    });
    expect(r.status).toBe(202);
    await eventually(
      async () => ((await recorded('watchOff')).length === 1 ? true : undefined),
      20_000,
      'the manual run of watchOff',
    );
    expect(await recorded('watchOff')).toEqual(['b2.txt']);
  });

  it('lists which functions are disabled', () => {
    const fns = listFunctions(APP, {
      DataStorage: azuriteConnectionString(),
      WATCH_CONTAINER: watch,
      'AzureWebJobs.alpha.Disabled': 'true',
    });
    const flags = Object.fromEntries(fns.map((f) => [f.name, f.disabled]));
    expect(flags).toMatchObject({ alpha: true, beta: false, tickOff: false, watchOff: false });
  });
});

describe('AzureWebJobs.<name>.Disabled on the real app', () => {
  let host: RunningHost;
  beforeAll(async () => {
    host = await startHost({
      env: {
        'AzureWebJobs.health.Disabled': 'true',
        'AzureWebJobs.reconcileIndex.Disabled': 'true',
        INDEX_RECONCILE_SCHEDULE: '* * * * * *',
      },
    });
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('answers the disabled health route 404 and keeps serving the others', async () => {
    expect((await request(host.baseUrl, '/api/v1/health')).status).toBe(404);
    expect((await request(host.baseUrl, '/api/v1/clusters')).status).toBe(200);
  });

  it('registers the reconcile timer on its schedule but does not start it', () => {
    expect(host.output()).toMatch(
      /Function 'reconcileIndex' is disabled \(AzureWebJobs\.reconcileIndex\.Disabled\)/,
    );
    expect(host.output()).not.toMatch(/Timer trigger 'reconcileIndex' runs on/);
    expect(host.output()).toMatch(/reconcileIndex: timerTrigger \(disabled\)/);
  });
});

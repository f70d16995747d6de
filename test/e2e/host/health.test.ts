import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFunctions, REPO_ROOT, startHost, type RunningHost } from '../../helpers/host.js';

describe('local host running the real app', () => {
  let host: RunningHost;
  beforeAll(async () => {
    host = await startHost();
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('serves GET /api/v1/health with 200 from Azurite', async () => {
    const res = await fetch(`${host.baseUrl}/api/v1/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('loads every function of the app: no shadowed route, no trigger disabled by an error, no load error', () => {
    // Printed before "Host listening on", on the same stream. ("Function 'reconcileIndex' is disabled
    // (AzureWebJobs.reconcileIndex.Disabled)" is the test environment's own switch, not an error.)
    expect(host.output()).not.toMatch(/is shadowed by|is disabled:|unable to load|warning:|error:/);
    expect(host.output()).toMatch(
      /Function 'reconcileIndex' is disabled \(AzureWebJobs\.reconcileIndex\.Disabled\)/,
    );
  });

  it('answers an unknown route and a wrong method with 404', async () => {
    expect((await fetch(`${host.baseUrl}/api/v1/nope`)).status).toBe(404);
    expect((await fetch(`${host.baseUrl}/api/v1/health`, { method: 'DELETE' })).status).toBe(404);
  });

  it('binds the reconcile timer to the setting INDEX_RECONCILE_SCHEDULE (%SETTING%), whatever its value', () => {
    const schedule = (fns: ReturnType<typeof listFunctions>) =>
      Object.values(fns.find((f) => f.name === 'reconcileIndex')?.bindings ?? {}).find(
        (b) => b.type === 'timerTrigger',
      )?.schedule;
    expect(schedule(listFunctions(REPO_ROOT, { INDEX_RECONCILE_SCHEDULE: '' }))).toBe(
      '%INDEX_RECONCILE_SCHEDULE%',
    );
    // A malformed value no longer stops the app from registering: health names it (test/e2e/host/startup.test.ts).
    expect(schedule(listFunctions(REPO_ROOT, { INDEX_RECONCILE_SCHEDULE: 'hourly' }))).toBe(
      '%INDEX_RECONCILE_SCHEDULE%',
    );
  });

  it('lists the registered functions with their routes', () => {
    const fns = listFunctions();
    expect(fns.find((f) => f.name === 'health')).toMatchObject({
      triggerType: 'httpTrigger',
      route: 'api/v1/health',
      methods: ['GET'],
      authLevel: 'anonymous',
    });
  });
});

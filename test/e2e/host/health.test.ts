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

  it('loads every function of the app: no shadowed route, no disabled trigger, no load error', () => {
    // Printed before "Host listening on", on the same stream.
    expect(host.output()).not.toMatch(/is shadowed by|is disabled|unable to load|warning:|error:/);
  });

  it('answers an unknown route and a wrong method with 404', async () => {
    expect((await fetch(`${host.baseUrl}/api/v1/nope`)).status).toBe(404);
    expect((await fetch(`${host.baseUrl}/api/v1/health`, { method: 'DELETE' })).status).toBe(404);
  });

  it('registers the reconcile timer hourly by default, on INDEX_RECONCILE_SCHEDULE, or not at all', () => {
    const byDefault = listFunctions(REPO_ROOT, { INDEX_RECONCILE_SCHEDULE: '' });
    expect(byDefault.find((f) => f.name === 'reconcileIndex')).toMatchObject({
      triggerType: 'timerTrigger',
    });
    const schedule = (fns: ReturnType<typeof listFunctions>) =>
      Object.values(fns.find((f) => f.name === 'reconcileIndex')?.bindings ?? {}).find(
        (b) => b.type === 'timerTrigger',
      )?.schedule;
    expect(schedule(byDefault)).toBe('0 0 * * * *');
    expect(schedule(listFunctions(REPO_ROOT, { INDEX_RECONCILE_SCHEDULE: '00:15:00' }))).toBe('00:15:00');
    expect(listFunctions(REPO_ROOT, { INDEX_RECONCILE_SCHEDULE: 'off' }).map((f) => f.name)).not.toContain(
      'reconcileIndex',
    );
    expect(() => listFunctions(REPO_ROOT, { INDEX_RECONCILE_SCHEDULE: 'hourly' })).toThrow(
      /INDEX_RECONCILE_SCHEDULE: must be six NCRONTAB fields/,
    );
  });

  it('lists the registered functions with their routes', () => {
    const fns = listFunctions();
    expect(fns.find((f) => f.name === 'health')).toMatchObject({
      triggerType: 'httpTrigger',
      route: 'v1/health',
      methods: ['GET'],
      authLevel: 'anonymous',
    });
  });
});

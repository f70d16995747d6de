import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startHost, type RunningHost } from '../../helpers/host.js';
import { request } from '../../helpers/http.js';
import { eventually } from '../../helpers/storage.js';

const APP = path.join(REPO_ROOT, 'test', 'fixtures', 'timer-app');

const count = (text: string, re: RegExp) => text.match(new RegExp(re.source, 'g'))?.length ?? 0;

describe('timer triggers (fixture app through the local host)', () => {
  let host: RunningHost;
  const seen = (re: RegExp, times = 1) =>
    eventually(
      () => Promise.resolve(count(host.output(), re) >= times ? true : undefined),
      15_000,
      `${times} × ${re.source}`,
    );

  beforeAll(async () => {
    host = await startHost({ appDir: APP, env: { SLOW_SCHEDULE: '00:01:00' } });
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('runs a function at its schedule, with the timer object the host sends', async () => {
    await seen(/\[tick\] tick isPastDue=false next=\d{4}-\d\d-\d\dT/, 3);
    expect(host.output()).toMatch(/Timer trigger 'tick' runs on "\* \* \* \* \* \*" \(UTC\); next at /);
  });

  it('resolves %SETTING% in the schedule, runs at start-up, and runs on demand', async () => {
    expect(host.output()).toMatch(/Timer trigger 'fromSetting' runs on "00:01:00"/);
    await seen(/\[fromSetting\] fromSetting ran/, 1);
    const r = await request(host.baseUrl, '/admin/functions/fromSetting', { method: 'POST', body: '{}' });
    expect(r.status).toBe(202);
    await seen(/\[fromSetting\] fromSetting ran/, 2);
    expect(host.output()).toMatch(/Executing 'Functions\.fromSetting' \(Reason='manual'/);
  });

  it('never starts a run while the previous one is still going', async () => {
    // The first run of 'slow' lasts until released: the occurrences meanwhile are skipped.
    await seen(/Timer 'slow' is still running: this occurrence is skipped/, 2);
    expect(count(host.output(), /\[slow\] slow started/)).toBe(1);
    const r = await request(host.baseUrl, '/api/release-slow', { method: 'POST' });
    expect(r.status).toBe(204);
    await seen(/\[slow\] slow finished/, 1);
    await seen(/\[slow\] slow started/, 2); // the schedule goes on after it
    expect(host.output()).not.toMatch(/slow started, 2 running/);
  });

  it('logs a failing run and keeps the schedule; a bad schedule disables only its function', async () => {
    await seen(/Executed 'Functions\.fails' \(Failed, .*timer failure on purpose/, 2);
    expect(host.output()).toMatch(
      /Function 'broken' is disabled: schedule "\* \* \* \* \*": .*has 5 fields; a schedule needs six/,
    );
    const status = await request(host.baseUrl, '/admin/host/status');
    expect(status.status).toBe(200);
  });

  it('survives a run that fails with something that cannot be printed as JSON (issue 12)', async () => {
    await seen(/Executed 'Functions\.failsOddly' \(Failed, .*\[object Object\]/, 2);
    expect((await request(host.baseUrl, '/admin/host/status')).status).toBe(200);
  });
});

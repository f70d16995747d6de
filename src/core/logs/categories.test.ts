import { describe, expect, it } from 'vitest';
import { categorize, categoryOf } from './categories.js';

describe("Ray's log categories", () => {
  it('puts each kind of Ray log file where the dashboard lists it', () => {
    const cases: [string, string][] = [
      ['worker-6a2c9e0f-01000000-4521.out', 'worker_out'],
      ['worker-6a2c9e0f-01000000-4521.err', 'worker_err'],
      ['python-core-worker-6a2c9e0f_4521.log', 'core_worker'],
      ['python-core-driver-01000000_4410.log', 'driver'],
      ['raylet.out', 'raylet'],
      ['raylet.err', 'raylet'],
      ['gcs_server.out', 'gcs_server'],
      ['log_monitor.log', 'internal'],
      ['monitor.log', 'autoscaler'],
      ['monitor.out', 'autoscaler'],
      ['dashboard_agent.log', 'agent'],
      ['runtime_env_agent.out', 'agent'],
      ['dashboard.log', 'dashboard'],
      ['events/', 'internal'],
      ['debug_state.txt', 'internal'],
      // The first rule wins: a worker's .log is not worker_out, and "core-worker" beats nothing else.
      ['old/worker-1-2-3.out', 'worker_out'],
      ['java-worker-1.log', 'internal'],
    ];
    for (const [file, category] of cases) expect(categoryOf(file), file).toBe(category);
  });

  it('holds only categories that have files, each file in the order given', () => {
    expect(categorize(['raylet.out', 'events/', 'raylet.err'])).toEqual({
      raylet: ['raylet.out', 'raylet.err'],
      internal: ['events/'],
    });
  });
});

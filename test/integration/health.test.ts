import { describe, expect, it } from 'vitest';
import { health } from '../../src/functions/health.js';
import { call, testDeps } from '../helpers/app.js';
import { unreachableStore } from '../helpers/storage.js';

describe('health (the registered handler against Azurite)', () => {
  it('answers 200 when storage answers', async () => {
    const r = await call(health.make(testDeps()));
    expect({ status: r.status, body: r.json() }).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('answers 503 with a reason, quickly, when storage is unreachable', async () => {
    const started = Date.now();
    const r = await call(health.make(testDeps({ store: unreachableStore() })));
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('5');
    expect(r.json().error).toBe('storage_unavailable');
    expect(String(r.json().message)).toMatch(/unreachable|did not answer/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

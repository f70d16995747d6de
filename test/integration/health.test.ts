import { HttpRequest, InvocationContext } from '@azure/functions';
import { afterEach, describe, expect, it } from 'vitest';
import { healthHandler } from '../../src/functions/health.js';
import { resetClients } from '../../src/storage/clients.js';
import { resetConfig } from '../../src/storage/config.js';
import { azuriteConnectionString, uniqueContainer } from '../helpers/storage.js';

const saved = { ...process.env };

function useEnv(env: Record<string, string>): void {
  process.env = { ...saved, ...env };
  resetConfig();
  resetClients();
}

async function callHealth() {
  const req = new HttpRequest({ method: 'GET', url: 'http://localhost/api/v1/health' });
  const res = await healthHandler(req, new InvocationContext({ functionName: 'health' }));
  return { status: res.status, body: JSON.parse(res.body as string) as Record<string, unknown> };
}

afterEach(() => useEnv({}));

describe('health (handler against Azurite)', () => {
  it('answers 200 when storage answers', async () => {
    useEnv({
      AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(),
      AZURE_STORAGE_CONTAINER: uniqueContainer('h'),
    });
    expect(await callHealth()).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('answers 503 with a reason, quickly, when storage is unreachable', async () => {
    useEnv({
      AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString().replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:9'),
    });
    const started = Date.now();
    const res = await callHealth();
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('storage_unavailable');
    expect(String(res.body.message)).toMatch(/unreachable|did not answer/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

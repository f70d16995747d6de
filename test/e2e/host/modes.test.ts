import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startHost, type RunningHost } from '../../helpers/host.js';
import { eventually } from '../../helpers/storage.js';
import { request as rawRequest } from '../../helpers/http.js';

const fixture = (name: string) => path.join(REPO_ROOT, 'test', 'fixtures', name);

describe('local host in buffered (non-streaming) mode', () => {
  let host: RunningHost;
  beforeAll(async () => {
    host = await startHost({
      appDir: fixture('buffered-app'),
      env: { FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '1024' },
    });
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('delivers body, params and query, and maps status, headers and cookies back', async () => {
    const r = await rawRequest(host.baseUrl, '/api/echo/n1/a/b%20c?x=1&x=2', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'hello body',
    });
    expect(r.status).toBe(201);
    expect(r.headers['x-echo']).toBe('yes');
    expect(r.headers['set-cookie']?.[0]).toMatch(/^c=v; Path=\/; Max-Age=60; SameSite=Strict$/);
    expect(JSON.parse(r.text)).toEqual({
      params: { name: 'n1', rest: 'a/b c' },
      query: { x: '1,2' },
      body: 'hello body',
      contentType: 'text/plain',
    });
  });

  it('answers 204 for an undefined result, 500 for a throw, 413 over the limit', async () => {
    expect((await rawRequest(host.baseUrl, '/api/nothing')).status).toBe(204);
    expect(await rawRequest(host.baseUrl, '/api/throws')).toMatchObject({ status: 500, text: '' });
    const big = await rawRequest(host.baseUrl, '/api/echo/n/x', {
      method: 'POST',
      headers: { 'Transfer-Encoding': 'chunked' },
      body: 'y'.repeat(2048),
    });
    expect(big.status).toBe(413);
    await eventually(() => Promise.resolve(host.output().includes('buffered boom') || undefined));
  });
});

describe('host.json functionTimeout', () => {
  let host: RunningHost;
  beforeAll(async () => {
    host = await startHost({ appDir: fixture('timeout-app') });
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('fails an invocation that runs past the timeout with 500 and keeps serving', async () => {
    const started = Date.now();
    const r = await rawRequest(host.baseUrl, '/api/hang');
    expect(r.status).toBe(500);
    expect(Date.now() - started).toBeLessThan(5_000);
    await eventually(() =>
      Promise.resolve(
        /Timeout value of 1000 ms exceeded by function 'hang'/.test(host.output()) || undefined,
      ),
    );
    expect((await rawRequest(host.baseUrl, '/api/quick')).text).toBe('ok');
  });
});

describe('keys (auth on)', () => {
  let host: RunningHost;
  const status = async (p: string, headers: Record<string, string> = {}) =>
    (await rawRequest(host.baseUrl, p, { headers })).status;
  beforeAll(async () => {
    host = await startHost({
      appDir: fixture('routes-app'),
      auth: true,
      keys: { master: 'mk', function: ['fk1', 'fk2'] },
    });
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('lets anonymous functions through without a key, even with a wrong one', async () => {
    expect(await status('/api/auth/anonymous')).toBe(200);
    expect(await status('/api/auth/anonymous?code=wrong')).toBe(200);
  });

  it('requires a function or master key for function level, in the header or ?code=', async () => {
    const r = await rawRequest(host.baseUrl, '/api/auth/function');
    expect(r).toMatchObject({ status: 401, text: '' });
    expect(await status('/api/auth/function', { 'x-functions-key': 'fk1' })).toBe(200);
    expect(await status('/api/auth/function?code=fk2')).toBe(200);
    expect(await status('/api/auth/function?code=mk')).toBe(200);
    expect(await status('/api/auth/function?code=nope')).toBe(401);
    // The header wins over ?code=.
    expect(await status('/api/auth/function?code=fk1', { 'x-functions-key': 'nope' })).toBe(401);
  });

  it('accepts only the master key for admin level and the admin API', async () => {
    expect(await status('/api/auth/admin?code=fk1')).toBe(401);
    expect(await status('/api/auth/admin?code=mk')).toBe(200);
    expect(await status('/admin/host/status')).toBe(401);
    expect(await status('/admin/host/status', { 'x-functions-key': 'mk' })).toBe(200);
  });
});

describe('keys (auth off, the default like func start)', () => {
  it('lets every level through without a key', async () => {
    const host = await startHost({ appDir: fixture('routes-app') });
    try {
      for (const level of ['anonymous', 'function', 'admin']) {
        expect((await rawRequest(host.baseUrl, `/api/auth/${level}`)).status, level).toBe(200);
      }
    } finally {
      await host.stop();
    }
  });
});

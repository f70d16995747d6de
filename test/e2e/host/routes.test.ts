import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startHost, type RunningHost } from '../../helpers/host.js';
import { eventually } from '../../helpers/storage.js';
import { request as rawRequest } from '../../helpers/http.js';

const APP = path.join(REPO_ROOT, 'test', 'fixtures', 'routes-app');

// Both ways a streamed request reaches the library's proxy must behave the same.
describe.each(['inprocess', 'loopback'])(
  'local host routing (fixture app, real HTTP, %s transport)',
  (transport) => {
    let host: RunningHost;
    const get = async (p: string) => {
      const r = await rawRequest(host.baseUrl, p);
      return {
        status: r.status,
        json: r.text === '' ? undefined : (JSON.parse(r.text) as Record<string, unknown>),
      };
    };

    beforeAll(async () => {
      host = await startHost({ appDir: APP, env: { LOCAL_HOST_HTTP_TRANSPORT: transport } });
    });

    it('says which transport it uses', () => {
      expect(host.output()).toContain(`LOCAL_HOST_HTTP_TRANSPORT=${transport}`);
    });
    afterAll(async () => {
      await host?.stop();
    });

    it('routes parameters to the right function', async () => {
      expect(await get('/api/items/42?x=1')).toEqual({
        status: 200,
        json: { fn: 'a_items', params: { id: '42' }, query: { x: '1' } },
      });
    });

    it('matches literals case-insensitively and tolerates one trailing slash', async () => {
      expect((await get('/API/Items/7/')).json).toMatchObject({ fn: 'a_items', params: { id: '7' } });
    });

    it('gives a catch-all the rest of the path, decoded once, with %2F kept encoded', async () => {
      expect((await get('/api/files/ns1/a/b%20c/d.txt')).json).toMatchObject({
        fn: 'files',
        params: { ns: 'ns1', path: 'a/b c/d.txt' },
      });
      expect((await get('/api/files/ns%2Fx/a%2Fb')).json).toMatchObject({
        params: { ns: 'ns%2Fx', path: 'a%2Fb' },
      });
      expect((await get('/api/files/ns/%252e%252e')).json).toMatchObject({ params: { path: '%2e%2e' } });
    });

    it('honours constraints and optional parameters, falling through to the next route', async () => {
      expect((await get('/api/typed/5')).json).toMatchObject({ fn: 'typed', params: { n: '5' } });
      expect((await get('/api/typed/5/true')).json).toMatchObject({
        fn: 'typed',
        params: { n: '5', flag: 'true' },
      });
      expect((await get('/api/typed/abc')).json).toMatchObject({
        fn: 'typedFallback',
        params: { word: 'abc' },
      });
      expect((await get('/api/typed/5/notbool')).status).toBe(404);
      expect((await get('/api/typed/99999999999')).status).toBe(404);
    });

    it('uses the function name when the route is empty', async () => {
      expect((await get('/api/defaultName')).json).toMatchObject({ fn: 'defaultName' });
    });

    it('answers an unknown route and a wrong method with 404 and an empty body', async () => {
      expect(await get('/api/does/not/exist')).toEqual({ status: 404, json: undefined });
      expect(await get('/api/post-only')).toEqual({ status: 404, json: undefined });
      expect((await rawRequest(host.baseUrl, '/api/post-only', { method: 'POST' })).status).toBe(200);
      expect((await get('/items/42')).status).toBe(404);
    });

    it('matches first by function name, so a shadowed route is unreachable, and warns about it', async () => {
      expect((await get('/api/items/recent')).json).toMatchObject({
        fn: 'a_items',
        params: { id: 'recent' },
      });
      expect(host.output()).toMatch(
        /Route "api\/items\/recent" of function 'b_recent' is shadowed by "api\/items\/\{id\}" of function 'a_items'/,
      );
    });

    it('rejects raw dot segments with 400 before routing', async () => {
      for (const p of ['/api/files/ns/../../etc/passwd', '/api/files/ns/./x', '/api/../api/items/1']) {
        const r = await rawRequest(host.baseUrl, p);
        expect(r.status, p).toBe(400);
        expect(JSON.parse(r.text)).toMatchObject({ error: 'invalid_path' });
      }
    });

    it('answers 500 with an empty body when a handler throws, and keeps serving', async () => {
      const r = await rawRequest(host.baseUrl, '/api/throws');
      expect(r).toMatchObject({ status: 500, text: '' });
      await eventually(() => Promise.resolve(host.output().includes('boom from the handler') || undefined));
      expect((await get('/api/items/1')).status).toBe(200);
    });

    it('answers 204 when a handler returns nothing', async () => {
      expect(await rawRequest(host.baseUrl, '/api/nothing')).toMatchObject({ status: 204, text: '' });
    });

    it('passes request headers in and status, headers, cookies and logs out', async () => {
      const r = await rawRequest(host.baseUrl, '/api/headers', { headers: { 'X-Test-Header': 'hello' } });
      expect(r.status).toBe(201);
      expect(r.headers['x-custom']).toBe('yes');
      expect(r.headers['x-ms-invocation-id']).toBeUndefined();
      expect(r.headers['set-cookie']?.[0]).toMatch(/^session=abc;.*HttpOnly/i);
      expect(JSON.parse(r.text)).toMatchObject({ seen: 'hello' });
      expect(String((JSON.parse(r.text) as { url: string }).url)).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/api\/headers$/,
      );
      await eventually(() =>
        Promise.resolve(host.output().includes('user log line from headers') || undefined),
      );
      // The app's log hook rewrote this user log line.
      await eventually(() =>
        Promise.resolve(host.output().includes('SHOUT: REWRITTEN BY THE LOG HOOK') || undefined),
      );
    });

    it('runs appStart, preInvocation and postInvocation hooks', async () => {
      expect((await get('/api/hooked')).json).toEqual({ replacedByHook: true, started: true });
    });
  },
);

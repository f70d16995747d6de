/** QUERY_AUTH_LEVEL over real HTTP with the host enforcing keys: anonymous by default, `function` on demand. */
import { describe, expect, it } from 'vitest';
import { startHost } from '../helpers/host.js';
import { request } from '../helpers/http.js';

const FILES =
  '/api/v1/clusters/default/raycluster-kuberay/sessions/session_2026-01-27_10-52-59_373533_1/files';

describe('query auth level', () => {
  it('lets anyone query by default while ingest still needs a key', async () => {
    const host = await startHost({ auth: true });
    try {
      expect((await request(host.baseUrl, FILES)).status).toBe(404); // reached the function: no such session
      expect((await request(host.baseUrl, '/api/v1/openapi.json')).status).toBe(200);
      const ingest = await request(host.baseUrl, '/api/v1/events?namespace=default&cluster=c&node=n', {
        method: 'POST',
        body: '[]',
        headers: { 'Content-Type': 'application/json' },
      });
      expect(ingest.status).toBe(401);
    } finally {
      await host.stop();
    }
  });

  it('requires a function key for every query route with QUERY_AUTH_LEVEL=function', async () => {
    const host = await startHost({ auth: true, env: { QUERY_AUTH_LEVEL: 'function' } });
    try {
      const session = FILES.slice(0, -'/files'.length);
      for (const path of [
        FILES,
        `${session}/events`,
        `${session}/metadata`,
        `${session}/logs/head-1/raylet.out`,
      ]) {
        expect((await request(host.baseUrl, path)).status, path).toBe(401);
        const keyed = await request(host.baseUrl, path, {
          headers: { 'x-functions-key': host.keys.function[0] ?? '' },
        });
        expect(keyed.status, path).toBe(404);
      }
      const doc = (await request(host.baseUrl, '/api/v1/openapi.json')).json() as {
        paths: Record<string, { get?: { security?: unknown[] } }>;
      };
      const files = doc.paths['/api/v1/clusters/{namespace}/{cluster}/sessions/{session}/files'];
      expect(files?.get?.security).not.toEqual([]);
    } finally {
      await host.stop();
    }
  });
});

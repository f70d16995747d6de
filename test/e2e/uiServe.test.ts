/**
 * The UI served by the app itself through the local host: the site root and every /ui/ path answer
 * the app's page, assets come with long-lived caching and compression, and no API route or root path
 * of upstream's history server is answered by the UI (its routes cannot shadow them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../helpers/host.js';
import { request } from '../helpers/http.js';

let host: RunningHost;
beforeAll(async () => {
  host = await startHost({ auth: true, env: { QUERY_AUTH_LEVEL: 'function' } });
});
afterAll(async () => host?.stop());

describe('the UI, served by the app', () => {
  it('answers its page at / and at every /ui/ path, with no key, revalidated by ETag', async () => {
    for (const p of ['/', '/ui', '/ui/', '/ui/clusters/default/c/sessions/s/logs/head-1/a/b.log']) {
      const r = await request(host.baseUrl, p);
      expect(r.status, p).toBe(200);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.headers['cache-control']).toBe('no-cache');
      expect(r.text).toContain('<div id="app"></div>');
    }
    const first = await request(host.baseUrl, '/');
    const again = await request(host.baseUrl, '/ui/x', {
      headers: { 'If-None-Match': String(first.headers.etag) },
    });
    expect(again.status).toBe(304);
  });

  it('serves the hashed assets the page names, immutable, compressed when accepted', async () => {
    const page = (await request(host.baseUrl, '/')).text;
    const assets = [...page.matchAll(/(?:src|href)="(\/ui\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const a of assets) {
      const r = await request(host.baseUrl, a, { headers: { 'Accept-Encoding': 'gzip, br' } });
      expect(r.status, a).toBe(200);
      expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(a).toMatch(/-[A-Za-z0-9_-]{8}\.(js|css|svg)$/);
      if (!a.endsWith('.svg')) expect(r.headers['content-encoding']).toBe('br');
    }
    expect((await request(host.baseUrl, '/ui/assets/gone-12345678.js')).status).toBe(404);
  });

  it('leaves every API route and upstream root path to their own functions', async () => {
    // Keys are on: an API route answers 401, never the UI's page.
    expect((await request(host.baseUrl, '/api/v1/clusters')).status).toBe(401);
    expect((await request(host.baseUrl, '/api/v1/health')).status).toBeOneOf([200, 503]);
    for (const p of [
      '/clusters',
      '/nodes',
      '/events',
      '/enter_cluster/default/raycluster/x',
      '/logical/actors',
      '/timezone',
      '/readz',
      '/livez',
      '/api/unknown',
      '/uix',
    ]) {
      const r = await request(host.baseUrl, p);
      expect(r.headers['content-type'] ?? '', p).not.toMatch(/text\/html/);
    }
  });
});

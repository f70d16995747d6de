import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadSite, serveSite, type SiteResponse } from './uiSite.js';

function builtSite(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ui-site-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>x</title>');
  const js = 'console.log("app");'.repeat(50);
  writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), js);
  writeFileSync(path.join(dir, 'assets', 'index-abc123.js.gz'), gzipSync(js));
  writeFileSync(path.join(dir, 'assets', 'index-abc123.css'), 'body{}');
  return dir;
}

async function text(r: SiteResponse): Promise<string> {
  if (r.body === undefined || typeof r.body === 'string') return r.body ?? '';
  const parts: Buffer[] = [];
  for await (const c of r.body) parts.push(Buffer.from(c));
  return Buffer.concat(parts).toString('utf8');
}

describe('serving the built UI', () => {
  const site = loadSite(builtSite())!;

  it('answers index.html, revalidated, for the root and every app path', async () => {
    for (const p of ['', 'clusters/default/x', 'clusters/default/x/sessions/s/logs/n/a.log']) {
      const r = serveSite(site, { method: 'GET', path: p });
      expect(r.status).toBe(200);
      expect(r.headers['Content-Type']).toBe('text/html; charset=utf-8');
      expect(r.headers['Cache-Control']).toBe('no-cache');
      expect(r.headers['Content-Security-Policy']).toContain("script-src 'self'");
      expect(await text(r)).toBe('<!doctype html><title>x</title>');
    }
    const etag = serveSite(site, { method: 'GET', path: '' }).headers.ETag;
    expect(serveSite(site, { method: 'GET', path: 'x', ifNoneMatch: etag })).toMatchObject({ status: 304 });
  });

  it('serves hashed assets as immutable, with their type, gzip when accepted', async () => {
    const plain = serveSite(site, { method: 'GET', path: 'assets/index-abc123.js' });
    expect(plain.headers).toMatchObject({
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=31536000, immutable',
      Vary: 'Accept-Encoding',
    });
    expect(plain.headers['Content-Encoding']).toBeUndefined();
    const gz = serveSite(site, {
      method: 'GET',
      path: 'assets/index-abc123.js',
      acceptEncoding: 'br;q=0, gzip',
    });
    expect(gz.headers['Content-Encoding']).toBe('gzip');
    expect(Number(gz.headers['Content-Length'])).toBeLessThan(Number(plain.headers['Content-Length']));
    expect(gz.headers.ETag).not.toBe(plain.headers.ETag);
    expect(serveSite(site, { method: 'GET', path: 'assets/index-abc123.css' }).headers['Content-Type']).toBe(
      'text/css; charset=utf-8',
    );
    expect(await text(serveSite(site, { method: 'HEAD', path: 'assets/index-abc123.css' }))).toBe('');
  });

  it('answers 404, not the app, for a missing asset (a stale page must not run HTML as a script)', () => {
    const r = serveSite(site, { method: 'GET', path: 'assets/index-old999.js' });
    expect(r.status).toBe(404);
    expect(r.headers['Content-Type']).toMatch(/^application\/json/);
  });

  it('knows when there is no build', () => {
    expect(loadSite(mkdtempSync(path.join(os.tmpdir(), 'ui-none-')))).toBeNull();
  });
});

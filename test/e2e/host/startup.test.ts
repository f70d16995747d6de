import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { portAnswers } from '../../../src/host/azurite.js';
import { hostEnv, REPO_ROOT, runHostCli, startHost } from '../../helpers/host.js';
import { eventually, uniqueContainer } from '../../helpers/storage.js';
import { request as rawRequest } from '../../helpers/http.js';

const fixture = (name: string) => path.join(REPO_ROOT, 'test', 'fixtures', name);
// Under node_modules so that the copied app still resolves '@azure/functions' from the repo.
const SCRATCH = path.join(REPO_ROOT, 'node_modules', '.cache', 'host-e2e', randomBytes(4).toString('hex'));

/** A copy of the routes fixture app with the given local.settings files. */
function scratchApp(files: Record<string, string>): string {
  const dir = path.join(SCRATCH, randomBytes(4).toString('hex'));
  mkdirSync(dir, { recursive: true });
  cpSync(fixture('routes-app'), dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

describe('local host start-up: bad input', () => {
  const env = () => hostEnv(uniqueContainer('st'));

  it('refuses malformed local.settings.json with a message naming the file', () => {
    const dir = scratchApp({ 'local.settings.json': '{ "Values": { "A": "1", } ' });
    const r = runHostCli(['--app-dir', dir, '--port', '0'], env());
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/local\.settings\.json is not valid JSON/);
  });

  it('refuses IsEncrypted: true and non-string values', () => {
    const enc = scratchApp({ 'local.settings.json': '{ "IsEncrypted": true, "Values": {} }' });
    expect(runHostCli(['--app-dir', enc, '--port', '0'], env()).output).toMatch(/"IsEncrypted": true/);
    const num = scratchApp({ 'local.settings.json': '{ "Values": { "N": 5 } }' });
    expect(runHostCli(['--app-dir', num, '--port', '0'], env()).output).toMatch(/Values\.N must be a string/);
  });

  it('exits with a clear message when package.json "main" matches no files', () => {
    const r = runHostCli(['--app-dir', fixture('nomain-app'), '--port', '0', '--settings', 'none'], env());
    expect(r.code).toBe(1);
    expect(r.output).toMatch(
      /"main" \("dist\/\{index\.js,functions\/\*\.js\}"\) matches no files.*npm run build/,
    );
  });

  it('stays up when a function file throws at load, reporting it and answering 503', async () => {
    const host = await startHost({ appDir: fixture('broken-app') });
    try {
      await eventually(() =>
        Promise.resolve(
          /unable to load entry point "bad\.js".*bad\.js exploded at load time/s.test(host.output()) ||
            undefined,
        ),
      );
      const r = await rawRequest(host.baseUrl, '/api/ok');
      expect(r.status).toBe(503);
      const body = JSON.parse(r.text) as { error: string; message: string };
      expect(body.error).toBe('app_load_failed');
      // Issue 12: the reason, not the stack (which stays in the host's log, above).
      expect(body.message).toMatch(/unable to load entry point "bad\.js".*bad\.js exploded at load time/);
      expect(body.message).not.toMatch(/\n|\bat .*\(.*:\d+:\d+\)/);
      expect(host.output()).toMatch(/bad\.js exploded at load time\n\s+at /);
      const status = await rawRequest(host.baseUrl, '/admin/host/status');
      expect(JSON.parse(status.text)).toMatchObject({ state: 'Error' });
    } finally {
      await host.stop();
    }
  });
});

describe('local.settings.json is applied like Core Tools', () => {
  it('sets Values as env vars unless already set, and uses Host.CORS', async () => {
    const dir = scratchApp({
      'local.settings.json': JSON.stringify({
        IsEncrypted: false,
        Values: { AZURE_STORAGE_CONTAINER: 'from-settings', FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '10' },
        Host: { CORS: 'http://ui.example', CORSCredentials: false },
      }),
    });
    const host = await startHost({ appDir: dir, settingsFile: path.join(dir, 'local.settings.json') });
    try {
      expect(host.output()).toContain("Skipping 'AZURE_STORAGE_CONTAINER' from local settings");
      const big = await rawRequest(host.baseUrl, '/api/count', { method: 'POST', body: 'x'.repeat(11) });
      expect(big.status).toBe(413);
      const pre = await rawRequest(host.baseUrl, '/api/items/1', {
        method: 'OPTIONS',
        headers: { Origin: 'http://ui.example', 'Access-Control-Request-Method': 'GET' },
      });
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe('http://ui.example');
      const other = await rawRequest(host.baseUrl, '/api/items/1', {
        headers: { Origin: 'http://evil.example' },
      });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await host.stop();
    }
  });
});

describe('npm start mode (--azurite)', () => {
  it('creates local.settings.json from the example, starts Azurite on 10000/10001, serves, and stops on SIGINT', async () => {
    const preexisting = await portAnswers(10000);
    const dir = scratchApp({
      'local.settings.example.json': JSON.stringify({
        IsEncrypted: false,
        Values: { AzureWebJobsStorage: 'UseDevelopmentStorage=true', MY_SETTING: 'x' },
        Host: { LocalHttpPort: 0 },
      }),
    });
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env))
      if (v !== undefined && !k.startsWith('VITEST')) env[k] = v;
    delete env.AzureWebJobsStorage;
    const child = spawn(
      process.execPath,
      [path.join(REPO_ROOT, 'dist/src/host/cli.js'), '--app-dir', dir, '--azurite'],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await eventually(
        () => Promise.resolve(/Host listening on (\S+)/.exec(out)?.[1]),
        60_000,
        'the host',
      );
      expect(existsSync(path.join(dir, 'local.settings.json'))).toBe(true);
      expect(JSON.parse(readFileSync(path.join(dir, 'local.settings.json'), 'utf8'))).toMatchObject({
        Values: { MY_SETTING: 'x' },
      });
      expect(out).toMatch(
        preexisting ? /already answers on 127\.0\.0\.1:10000/ : /Started Azurite \(blob 10000, queue 10001\)/,
      );
      expect(out).toContain(`curl ${url}/api/v1/health`);
      expect(await portAnswers(10000)).toBe(true);
      expect((await rawRequest(url, '/api/items/5')).status).toBe(200);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      if (!preexisting) expect(await portAnswers(10000)).toBe(false);
      if (!preexisting) expect(existsSync(path.join(dir, '.azurite'))).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

/**
 * The deployable package, built for real (the compiled packager on this checkout's dist/) and read
 * back from the zip: exactly the app's compiled files and the production dependencies, nothing of
 * the tests, the local host, the collector or Core Tools, and it runs: unpacked, the local host loads
 * it and answers health.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import picomatch from 'picomatch';
import { globSync } from 'tinyglobby';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZIP_NAME } from '../../src/deploy/package.js';
import { listFunctions, REPO_ROOT, startHost } from '../helpers/host.js';
import { extractZip, readZip } from './zip.js';

const CLI = path.join(REPO_ROOT, 'dist', 'src', 'deploy', 'packageCli.js');

function pack(outDir: string): string {
  const r = spawnSync(process.execPath, [CLI, '--out-dir', outDir], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`packager failed (${r.status}):\n${r.stdout}${r.stderr}`);
  return path.join(outDir, ZIP_NAME);
}

/** What npm itself says a production install holds: `npm ls --omit=dev --omit=optional`. */
function npmProductionTree(): string[] {
  const r = spawnSync('npm', ['ls', '--omit=dev', '--omit=optional', '--all', '--parseable'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    shell: process.platform === 'win32',
  });
  return r.stdout
    .split('\n')
    .map((l) => path.relative(REPO_ROOT, l.trim()).split(path.sep).join('/'))
    .filter((l) => l.startsWith('node_modules/'))
    .sort();
}

describe('npm run package', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'package-test-'));
  let zip: string;
  let names: string[];
  let deployedPackageJson: { main: string; dependencies: Record<string, string>; scripts?: unknown };

  beforeAll(async () => {
    zip = pack(path.join(work, 'out'));
    const read = await readZip(zip, (n) => n === 'package.json');
    names = read.names;
    deployedPackageJson = JSON.parse(read.texts.get('package.json') ?? '{}') as typeof deployedPackageJson;
  });
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('holds the compiled entry points: index.js and every function file', () => {
    const functions = globSync('dist/src/functions/*.js', { cwd: REPO_ROOT }).sort();
    expect(functions.length).toBeGreaterThan(10);
    expect(names).toContain('dist/src/index.js');
    expect(names).toContain('host.json');
    for (const f of functions) expect(names).toContain(f);
  });

  it('holds the built UI the app serves from disk', () => {
    const ui = globSync('dist/ui/**', { cwd: REPO_ROOT, onlyFiles: true }).sort();
    expect(ui).toContain('dist/ui/index.html');
    expect(names.filter((n) => n.startsWith('dist/ui/')).sort()).toEqual(ui);
  });

  it('holds no tests, local settings, source, maps, local host, collector or packager', () => {
    const offenders = names.filter(
      (n) =>
        /\.test\.|(^|\/)local\.settings(\.example)?\.json$|\.map$|\.ts$/.test(n) ||
        /^(src|test|bench|docs|infra)\//.test(n) ||
        /^dist\/(test|bench|deploy|src\/(host|collector|deploy))\//.test(n),
    );
    expect(offenders).toEqual([]);
    expect(names.filter((n) => n.startsWith('dist/') && !/^dist\/(src|ui)\//.test(n))).toEqual([]);
  });

  it('holds exactly the production dependencies npm would install with --omit=dev --omit=optional', () => {
    const packaged = [
      ...new Set(
        names
          .filter((n) => n.endsWith('/package.json') && n.startsWith('node_modules/'))
          .map((n) => n.slice(0, -'/package.json'.length))
          // A package's own package.json, not one inside its subfolders (e.g. dist/esm/package.json).
          .filter((dir) =>
            /^node_modules\/(@[^/]+\/)?[^/@][^/]*(\/node_modules\/(@[^/]+\/)?[^/]+)*$/.test(dir),
          ),
      ),
    ].sort();
    expect(packaged).toEqual(npmProductionTree());
    for (const dev of ['vitest', 'typescript', 'azurite', 'eslint', 'azure-functions-core-tools', 'yazl']) {
      expect(
        names.some((n) => n.startsWith(`node_modules/${dev}/`)),
        dev,
      ).toBe(false);
    }
    for (const dep of Object.keys(deployedPackageJson.dependencies)) {
      expect(names, dep).toContain(`node_modules/${dep}/package.json`);
    }
  });

  it("has a package.json whose main resolves inside the package, to the app's entry points", () => {
    const repoMain = (
      JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { main: string }
    ).main;
    expect(deployedPackageJson.main).toBe(repoMain);
    expect(deployedPackageJson.scripts).toBeUndefined();
    const isMain = picomatch(deployedPackageJson.main);
    const matches = names.filter((n) => isMain(n)).sort();
    expect(matches).toEqual(
      ['dist/src/index.js', ...globSync('dist/src/functions/*.js', { cwd: REPO_ROOT })].sort(),
    );
  });

  it('is byte-for-byte the same when built again', () => {
    const again = pack(path.join(work, 'again'));
    expect(readFileSync(again).equals(readFileSync(zip))).toBe(true);
  });

  it('runs: unpacked, the local host loads every function from it, answers health and serves the UI', async () => {
    const app = path.join(work, 'unpacked');
    await extractZip(zip, app);
    expect(listFunctions(app).map((f) => f.name)).toEqual(listFunctions(REPO_ROOT).map((f) => f.name));
    const host = await startHost({ appDir: app });
    try {
      const res = await fetch(`${host.baseUrl}/api/v1/health`);
      expect(res.status).toBe(200);
      const page = await fetch(`${host.baseUrl}/`);
      expect([page.status, page.headers.get('content-type')]).toEqual([
        200,
        expect.stringMatching(/^text\/html/),
      ]);
      expect(await page.text()).toBe(readFileSync(path.join(REPO_ROOT, 'dist', 'ui', 'index.html'), 'utf8'));
    } finally {
      await host.stop();
    }
  });
});

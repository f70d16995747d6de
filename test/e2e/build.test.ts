/**
 * `npm run build` starts from an empty dist/: package.json "main" loads dist/src/functions/*.js, so
 * the output of a deleted function must not survive a build and register again. Runs the project's own
 * build scripts and tsconfig over a one-function app in a scratch directory.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listFunctions, REPO_ROOT } from '../helpers/host.js';

const dir = mkdtempSync(path.join(tmpdir(), 'build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
}

const httpFunction = (name: string) =>
  `app.http('${name}', { methods: ['GET'], route: '${name}', authLevel: 'anonymous', handler: async () => ({ body: '${name}' }) });\n`;

describe('npm run build', () => {
  it("removes a deleted function's stale output, so it no longer registers", () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      main: string;
      scripts: Record<string, string>;
    };
    write(
      'package.json',
      JSON.stringify({ name: 'build-check', private: true, main: pkg.main, scripts: pkg.scripts }),
    );
    write('tsconfig.json', readFileSync(path.join(REPO_ROOT, 'tsconfig.json'), 'utf8'));
    // The build also bundles the history UI (vite build of ui/).
    cpSync(path.join(REPO_ROOT, 'ui'), path.join(dir, 'ui'), { recursive: true });
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    write('src/functions/kept.ts', `import { app } from '@azure/functions';\n${httpFunction('kept')}`);
    // What an earlier build left of a function whose source has since been deleted.
    write(
      'dist/src/functions/stale.js',
      `const { app } = require('@azure/functions');\n${httpFunction('stale')}`,
    );
    expect(listFunctions(dir).map((f) => f.name)).toEqual(['stale']);

    const build = spawnSync('npm', ['run', 'build'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    expect(build.status, `${build.stdout}${build.stderr}`).toBe(0);

    expect(existsSync(path.join(dir, 'dist/src/functions/stale.js'))).toBe(false);
    expect(existsSync(path.join(dir, 'dist/src/functions/kept.js'))).toBe(true);
    expect(listFunctions(dir).map((f) => f.name)).toEqual(['kept']);
  }, 180_000);
});

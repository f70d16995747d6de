import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appFileClosure, PackageError, productionPackages } from './closure.js';

let dirs: string[] = [];
function project(files: Record<string, string | object>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'closure-'));
  dirs.push(root);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

describe('appFileClosure', () => {
  it('follows relative requires and imports from the main entries, and nothing else', () => {
    const root = project({
      'package.json': { main: 'dist/{index.js,functions/*.js}', dependencies: { zod: '^4' } },
      'dist/index.js': 'const a = require("./lib/a.js");',
      'dist/functions/f.js':
        'import { b } from "../lib/b.js"; import z from "zod"; import fs from "node:fs";',
      'dist/lib/a.js': 'require("path"); require("@azure/functions-core");',
      'dist/lib/b.js': 'const c = await import("./c.js");',
      'dist/lib/c.js': '',
      'dist/lib/unused.js': 'require("vitest");',
      'dist/host/cli.js': 'require("../lib/a.js");',
    });
    expect(appFileClosure(root)).toEqual([
      'dist/functions/f.js',
      'dist/index.js',
      'dist/lib/a.js',
      'dist/lib/b.js',
      'dist/lib/c.js',
    ]);
  });

  it('fails naming the file when the app imports a package that is not a production dependency', () => {
    const root = project({
      'package.json': { main: 'index.js', dependencies: {}, devDependencies: { croner: '^11' } },
      'index.js': 'require("./deep.js");',
      'deep.js': 'const { Cron } = require("croner");',
    });
    expect(() => appFileClosure(root)).toThrow(PackageError);
    expect(() => appFileClosure(root)).toThrow(
      /deep\.js imports "croner", which is not in package\.json "dependencies"/,
    );
  });

  it('fails when main matches nothing (not built) or a relative import is missing', () => {
    expect(() => appFileClosure(project({ 'package.json': { main: 'dist/index.js' } }))).toThrow(
      /build first/,
    );
    const root = project({ 'package.json': { main: 'index.js' }, 'index.js': 'require("./gone.js")' });
    expect(() => appFileClosure(root)).toThrow(/imports "\.\/gone\.js", which is not a file/);
  });
});

describe('productionPackages', () => {
  const lock = {
    packages: {
      '': { name: 'x' },
      'node_modules/a': { version: '1.0.0' },
      'node_modules/a/node_modules/b': { version: '2.0.0' },
      'node_modules/dev': { version: '1.0.0', dev: true },
      'node_modules/opt': { version: '1.0.0', optional: true },
      'node_modules/both': { version: '1.0.0', devOptional: true },
    },
  };

  it('keeps what npm ci --omit=dev --omit=optional installs, nested ones included', () => {
    const root = project({
      'package-lock.json': lock,
      'node_modules/a/package.json': { version: '1.0.0' },
      'node_modules/a/node_modules/b/package.json': { version: '2.0.0' },
    });
    expect(productionPackages(root)).toEqual(['node_modules/a', 'node_modules/a/node_modules/b']);
  });

  it('fails when node_modules does not hold what the lockfile says', () => {
    const missing = project({
      'package-lock.json': lock,
      'node_modules/a/package.json': { version: '1.0.0' },
    });
    expect(() => productionPackages(missing)).toThrow(
      /node_modules\/a\/node_modules\/b is not installed: run npm ci/,
    );
    const stale = project({
      'package-lock.json': lock,
      'node_modules/a/package.json': { version: '0.9.0' },
      'node_modules/a/node_modules/b/package.json': { version: '2.0.0' },
    });
    expect(() => productionPackages(stale)).toThrow(/node_modules\/a is 0\.9\.0 on disk but 1\.0\.0/);
  });
});

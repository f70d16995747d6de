import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { entryFiles } from './loader.js';

function app(main: string, files: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'loader-'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ main }));
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), '');
  }
  return dir;
}

const rel = (dir: string) =>
  entryFiles(dir).files.map((f) => path.relative(dir, f).split(path.sep).join('/'));

describe('entry files, in the worker’s load order', () => {
  // Regression: the local host sorted by full path, loading functions/*.js before index.js, while the
  // worker's globby yields dist/src/index.js before the files of dist/src/functions/.
  it('loads index.js before functions/*.js, as package.json "main" of this project names them', () => {
    const dir = app('dist/src/{index.js,functions/*.js}', [
      'dist/src/functions/appendLog.js',
      'dist/src/functions/zeta.js',
      'dist/src/index.js',
      'dist/src/core/layout.js',
    ]);
    expect(rel(dir)).toEqual([
      'dist/src/index.js',
      'dist/src/functions/appendLog.js',
      'dist/src/functions/zeta.js',
    ]);
  });

  it('loads a setup file beside functions/ first, whatever its name', () => {
    const dir = app('{setup.js,functions/*.js}', ['functions/a.js', 'setup.js']);
    expect(rel(dir)).toEqual(['setup.js', 'functions/a.js']);
  });
});

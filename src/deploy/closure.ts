/**
 * What the deployable package must hold: the compiled files the app's entry points import, and the
 * production dependencies of package-lock.json. Both are read from the build and the lockfile, never
 * listed by hand, so the package follows the code.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import ts from 'typescript';

/** A module the Functions worker provides to the app at run time (never installed). */
const PROVIDED_BY_HOST = new Set(['@azure/functions-core']);

export class PackageError extends Error {}

interface PackageJson {
  name?: string;
  version?: string;
  main?: string;
  type?: string;
  dependencies?: Record<string, string>;
}

/** The project's package.json. */
export function readPackageJson(root: string): PackageJson {
  return JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as PackageJson;
}

/** The files package.json `main` matches (brace globs included, as the worker expands it), relative to root. */
export function entryFiles(root: string): string[] {
  const main = readPackageJson(root).main ?? 'index.js';
  const files = globSync(main, { cwd: root, onlyFiles: true }).sort();
  if (files.length === 0) {
    throw new PackageError(`package.json "main" ("${main}") matches no file: build first (npm run build)`);
  }
  return files;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

function resolveRelative(from: string, specifier: string): string {
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [base, `${base}.js`, path.join(base, 'index.js')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new PackageError(`${from} imports "${specifier}", which is not a file of the build`);
}

/**
 * The entry files and every compiled file they import, transitively (relative paths, sorted). A bare
 * import must name a Node built-in, a module the host provides, or a production dependency: anything
 * else (a devDependency) would be missing on Azure, so it fails here, naming the importing file.
 */
export function appFileClosure(root: string): string[] {
  const dependencies = new Set(Object.keys(readPackageJson(root).dependencies ?? {}));
  const builtins = new Set(builtinModules);
  const seen = new Set<string>();
  const queue = entryFiles(root).map((f) => path.resolve(root, f));
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const imports = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles;
    for (const { fileName: specifier } of imports) {
      if (specifier.startsWith('.')) {
        queue.push(resolveRelative(file, specifier));
        continue;
      }
      const name = packageName(specifier.replace(/^node:/, ''));
      if (specifier.startsWith('node:') || builtins.has(name) || PROVIDED_BY_HOST.has(name)) continue;
      if (!dependencies.has(name)) {
        throw new PackageError(
          `${path.relative(root, file)} imports "${specifier}", which is not in package.json "dependencies": ` +
            'it would be missing on Azure',
        );
      }
    }
  }
  return [...seen].map((f) => path.relative(root, f).split(path.sep).join('/')).sort();
}

interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  link?: boolean;
}

/**
 * The install paths (`node_modules/…`, nested ones included) that `npm ci --omit=dev --omit=optional`
 * installs from package-lock.json, each checked against what node_modules holds.
 */
export function productionPackages(root: string): string[] {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
    packages?: Record<string, LockEntry>;
  };
  const out: string[] = [];
  for (const [key, entry] of Object.entries(lock.packages ?? {})) {
    if (!key.startsWith('node_modules/') || entry.dev || entry.optional || entry.devOptional) continue;
    if (entry.link) throw new PackageError(`${key} is a link: the package cannot carry it`);
    const manifest = path.join(root, key, 'package.json');
    if (!existsSync(manifest)) throw new PackageError(`${key} is not installed: run npm ci first`);
    const installed = (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
    if (installed !== entry.version) {
      throw new PackageError(
        `${key} is ${installed} on disk but ${entry.version} in package-lock.json: run npm ci first`,
      );
    }
    out.push(key);
  }
  return out.sort();
}

/**
 * The deployable package (`npm run package`): host.json, a package.json with the app's `main` and
 * dependencies, the compiled files the app imports, the built UI it serves, and the production
 * dependencies — nothing else
 * (no tests, no local host, no collector, no Core Tools, no local settings, no source maps). Written as
 * a directory (what `azd deploy` and `func azure functionapp publish --no-build` upload) and as a zip
 * (for `az functionapp deployment source config-zip`). `.funcignore` is applied on top as a guard.
 */
import {
  copyFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import ignore from 'ignore';
import { ZipFile } from 'yazl';
import { appFileClosure, PackageError, productionPackages, readPackageJson } from './closure.js';

/** The zip's file name in the output directory. */
export const ZIP_NAME = 'ray-history-functions.zip';

/** One file of the package: where it comes from, and its path inside the package (with `/`). */
export interface PackageEntry {
  source: string;
  path: string;
}

export interface PackagePlan {
  /** Files copied as they are, sorted by path. */
  entries: PackageEntry[];
  /** The package.json written into the package. */
  packageJson: string;
  /** How many app files and dependency packages went in. */
  appFiles: number;
  dependencies: number;
}

/**
 * Directories the app reads from disk at run time, which no import reaches: the built UI, which
 * src/functions/ui.ts serves from dist/ui (`npm run build` builds it).
 */
export const RUNTIME_ASSET_DIRS = ['dist/ui'];

/** Every file under `dir` except its `node_modules` (nested packages are planned on their own). */
function packageFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const d of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${d.name}`;
    if (d.isDirectory()) {
      if (d.name !== 'node_modules') out.push(...packageFiles(root, rel));
    } else if (d.isFile()) {
      out.push(rel);
    }
  }
  return out;
}

/** The package.json the app runs with on Azure: its `main` and dependencies, no scripts or bins. */
function deployedPackageJson(root: string): string {
  const pkg = readPackageJson(root) as Record<string, unknown>;
  const keep = [
    'name',
    'version',
    'description',
    'license',
    'private',
    'type',
    'main',
    'engines',
    'dependencies',
  ];
  const out = Object.fromEntries(keep.filter((k) => pkg[k] !== undefined).map((k) => [k, pkg[k]]));
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** Plans the package of the app in `root` (built, with node_modules installed by npm ci). */
export function planPackage(root: string): PackagePlan {
  const guard = ignore().add(readFileSync(path.join(root, '.funcignore'), 'utf8'));
  const app = appFileClosure(root);
  const dependencies = productionPackages(root);
  const assets = RUNTIME_ASSET_DIRS.flatMap((dir) => {
    if (!existsSync(path.join(root, dir)))
      throw new PackageError(`${dir} is missing: build first (npm run build)`);
    return packageFiles(root, dir);
  });
  const paths = ['host.json', ...app, ...assets, ...dependencies.flatMap((dir) => packageFiles(root, dir))];
  const entries = paths
    .filter((p) => !guard.ignores(p))
    .sort()
    .map((p) => ({ source: path.join(root, p), path: p }));
  const dropped = app.filter((p) => guard.ignores(p));
  if (dropped.length > 0) {
    throw new Error(`.funcignore excludes files the app imports: ${dropped.join(', ')}`);
  }
  return {
    entries,
    packageJson: deployedPackageJson(root),
    appFiles: app.length,
    dependencies: dependencies.length,
  };
}

/** Writes the package as a directory (replacing what was there). */
export function writePackageDir(plan: PackagePlan, dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const e of plan.entries) {
    const target = path.join(dir, e.path);
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(e.source, target);
  }
  writeFileSync(path.join(dir, 'package.json'), plan.packageJson);
}

/** A fixed timestamp for every entry, so the same inputs give the same zip bytes. */
const ZIP_TIME = new Date('2000-01-01T00:00:00Z');

/** Writes the package as a zip, file by file from disk (memory does not grow with the package). */
export async function writePackageZip(plan: PackagePlan, file: string): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const zip = new ZipFile();
  const done = pipeline(zip.outputStream, createWriteStream(file));
  const json = Buffer.from(plan.packageJson);
  const all = [...plan.entries, { source: '', path: 'package.json' }].sort((a, b) =>
    a.path < b.path ? -1 : 1,
  );
  for (const e of all) {
    if (e.path === 'package.json') {
      zip.addBuffer(json, e.path, { mtime: ZIP_TIME, mode: 0o100644 });
    } else {
      zip.addFile(e.source, e.path, { mtime: ZIP_TIME, mode: statSync(e.source).mode });
    }
  }
  zip.end();
  await done;
}

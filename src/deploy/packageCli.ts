#!/usr/bin/env node
/**
 * `npm run package` (after `npm run build`): writes the deployable package of the function app as
 * dist/deploy/app/ and dist/deploy/ray-history-functions.zip. `--out-dir <dir>` writes elsewhere.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { planPackage, writePackageDir, writePackageZip, ZIP_NAME } from './package.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'out-dir': { type: 'string' }, root: { type: 'string' } } });
  const root = path.resolve(values.root ?? process.cwd());
  const outDir = path.resolve(values['out-dir'] ?? path.join(root, 'dist', 'deploy'));
  const plan = planPackage(root);
  const dir = path.join(outDir, 'app');
  const zip = path.join(outDir, ZIP_NAME);
  writePackageDir(plan, dir);
  await writePackageZip(plan, zip);
  const mib = (statSync(zip).size / 1024 / 1024).toFixed(1);
  process.stdout.write(
    `package: ${plan.appFiles} app files, ${plan.dependencies} production dependencies, ` +
      `${plan.entries.length + 1} files\n  ${path.relative(process.cwd(), dir) || '.'}/\n  ` +
      `${path.relative(process.cwd(), zip)} (${mib} MiB)\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`package failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

/**
 * `npm run reindex [-- --dry-run]`: rebuilds the session index from a full listing of the container
 * named by the usual settings (environment, else `Values` of local.settings.json), prints the report
 * as JSON, and exits 1 when storage fails.
 */
import { existsSync, readFileSync } from 'node:fs';
import { depsFromEnv } from '../../app/deps.js';
import { reconcile } from './reconcile.js';

/** Copies `Values` of local.settings.json into the environment, as `func start` does (env wins). */
function loadLocalSettings(file = 'local.settings.json'): void {
  if (!existsSync(file)) return;
  const values =
    (JSON.parse(readFileSync(file, 'utf8')) as { Values?: Record<string, unknown> }).Values ?? {};
  for (const [k, v] of Object.entries(values))
    if (process.env[k] === undefined && typeof v === 'string') process.env[k] = v;
}

async function main(): Promise<void> {
  loadLocalSettings();
  const dryRun = process.argv.includes('--dry-run');
  const report = await reconcile(depsFromEnv(process.env).store, { dryRun });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  const fixed = report.added.length + report.removed.length + report.changed.length;
  process.stderr.write(
    `reindex${dryRun ? ' (dry run)' : ''}: ${report.sessions} sessions in ${report.clusters} clusters from ${report.blobs} blobs; ` +
      `${fixed} sessions differed, ${report.corrections} fixes ${dryRun ? 'to make' : 'made'}, ` +
      `${report.written} index documents ${dryRun ? 'to write' : 'written'}, ` +
      `${report.deleted} ${dryRun ? 'to delete' : 'deleted'}, ${report.skippedCount} blobs skipped\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`reindex failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});

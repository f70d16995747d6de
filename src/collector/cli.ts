#!/usr/bin/env node
/**
 * `ray-history-collector`: parses the options, runs the collector until SIGTERM/SIGINT (or, with
 * `--once`, until everything is shipped) and maps the outcome to an exit code: 0 shipped, 1 failed,
 * 2 bad options or not a Ray temp dir.
 */
import { Collector } from './collector.js';
import { NotRayDirError } from './discovery.js';
import { helpText, parseOptions, UsageError } from './options.js';
import { makeReporter } from './progress.js';

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`ray-history-collector: ${err.message}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${helpText()}\n`);
    return 0;
  }
  const report = makeReporter(options.logFormat);
  const stop = new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  try {
    report.log('info', 'starting', {
      endpoint: options.endpoint,
      namespace: options.namespace,
      cluster: options.cluster,
      clusterId: options.clusterId,
      node: options.node,
      rayDir: options.rayDir,
      concurrency: options.concurrency,
      once: options.once,
    });
    return await new Collector(options, report).run(stop);
  } catch (err) {
    if (err instanceof NotRayDirError) {
      report.log('error', err.message);
      return 2;
    }
    report.log('error', err instanceof Error ? err.message : String(err));
    return 1;
  } finally {
    report.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
    // Let pending writes flush, then leave even if a timer is still armed.
    setImmediate(() => process.exit(code));
  },
  (err: unknown) => {
    process.stderr.write(`ray-history-collector: ${String(err)}\n`);
    process.exit(1);
  },
);

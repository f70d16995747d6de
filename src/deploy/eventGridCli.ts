#!/usr/bin/env node
/**
 * azd's postdeploy hook (azure.yaml): creates the Event Grid subscriptions of the indexer's blob
 * triggers once the code runs. Reads the azd environment (the outputs of infra/main.bicep) from the
 * process environment and drives the Azure CLI (`az login` first). Does nothing for the polling
 * source. Idempotent: `event-subscription create` replaces a subscription of the same name.
 * `--retry-delay-ms` (default 15000) spaces the retries while the host starts.
 */
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { HOOK_SETTINGS, indexerSubscriptions, type SubscriptionSpec } from './eventGrid.js';

class HookError extends Error {}

function required(name: (typeof HOOK_SETTINGS)[number]): string {
  const v = process.env[name]?.trim();
  if (v === undefined || v === '') {
    throw new HookError(
      `${name} is not set: run this through azd (azure.yaml postdeploy) after azd provision`,
    );
  }
  return v;
}

/** Runs `az` and returns its trimmed stdout; the error names the command, never the arguments' secrets. */
function az(args: string[], what: string): string {
  const windows = process.platform === 'win32';
  // az is az.cmd on Windows, which only a shell runs; quote every argument for it (the webhook URL has &).
  const r = spawnSync('az', windows ? args.map((a) => `"${a}"`) : args, {
    encoding: 'utf8',
    shell: windows,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.error !== undefined)
    throw new HookError(`${what}: cannot run az (${r.error.message}): install the Azure CLI`);
  if (r.status !== 0) throw new HookError(`${what} failed (az exit ${r.status}): ${redact(r.stderr.trim())}`);
  return r.stdout.trim();
}

/** Hides a key in a URL that az may echo in an error. */
function redact(text: string): string {
  return text.replace(/code=[^&\s"']+/g, 'code=***');
}

function withSubscription(args: string[]): string[] {
  const sub = process.env.AZURE_SUBSCRIPTION_ID?.trim();
  return sub === undefined || sub === '' ? args : [...args, '--subscription', sub];
}

async function retry<T>(
  what: string,
  attempts: number,
  delayMs: number,
  work: () => T | undefined,
): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      const v = work();
      if (v !== undefined) return v;
      if (i >= attempts) throw new HookError(`${what}: still not available after ${attempts} attempts`);
    } catch (err) {
      if (i >= attempts) throw err;
      process.stdout.write(`${what}: ${err instanceof Error ? err.message : String(err)}; retrying\n`);
    }
    await sleep(delayMs);
  }
}

function createSubscription(spec: SubscriptionSpec, topicGroup: string, topic: string): void {
  az(
    withSubscription([
      'eventgrid',
      'system-topic',
      'event-subscription',
      'create',
      '--resource-group',
      topicGroup,
      '--system-topic-name',
      topic,
      '--name',
      spec.name,
      '--endpoint-type',
      'webhook',
      '--endpoint',
      spec.endpoint,
      '--included-event-types',
      ...spec.includedEventTypes,
      '--subject-begins-with',
      spec.subjectBeginsWith,
      '--output',
      'none',
    ]),
    `creating the Event Grid subscription ${spec.name}`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'retry-delay-ms': { type: 'string' } } });
  const delayMs = Number(values['retry-delay-ms'] ?? 15_000);
  if (required('INDEXER_TRIGGER_SOURCE').toLowerCase() !== 'eventgrid') {
    process.stdout.write(
      'INDEXER_TRIGGER_SOURCE is not EventGrid: the triggers poll, no Event Grid subscription\n',
    );
    return;
  }
  const group = required('AZURE_RESOURCE_GROUP');
  const app = required('AZURE_FUNCTION_APP_NAME');
  const container = required('HISTORY_CONTAINER');
  const topic = required('EVENT_GRID_SYSTEM_TOPIC');
  const topicGroup = required('EVENT_GRID_SYSTEM_TOPIC_RESOURCE_GROUP');
  const appArgs = ['--resource-group', group, '--name', app];
  // The real host name: apps may get <app>-<hash>.<region>.azurewebsites.net, not <app>.azurewebsites.net.
  const hostName = az(
    withSubscription(['functionapp', 'show', ...appArgs, '--query', 'defaultHostName', '--output', 'tsv']),
    `reading the host name of ${app}`,
  );
  // The host creates this key when it starts with the blob triggers, shortly after the deployment.
  const key = await retry('the blobs_extension system key', 20, delayMs, () => {
    const k = az(
      withSubscription([
        'functionapp',
        'keys',
        'list',
        ...appArgs,
        '--query',
        'systemKeys.blobs_extension',
        '--output',
        'tsv',
      ]),
      `reading the system keys of ${app}`,
    );
    return k === '' ? undefined : k;
  });
  for (const spec of indexerSubscriptions(container, hostName, key)) {
    // Event Grid validates the webhook at creation: retried while the app warms up.
    await retry(`subscription ${spec.name}`, 5, delayMs, () => {
      createSubscription(spec, topicGroup, topic);
      return true;
    });
    process.stdout.write(
      `Event Grid subscription ${spec.name}: BlobCreated under ${spec.subjectBeginsWith} -> ` +
        `https://${hostName}/runtime/webhooks/blobs?functionName=Host.Functions.${spec.name}&code=***\n`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`postdeploy failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

/**
 * The Event Grid side of the indexer: the subscriptions the postdeploy hook creates match the blob
 * triggers the app registers (paths, source), their subject filters take the blobs the app writes
 * under log/ and metadir/ and nothing else, and the hook drives the Azure CLI as intended (here a
 * stand-in `az` on PATH that records its calls): the real host name, the blobs_extension key waited
 * for, BlobCreated only, never the key in its output.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  eventStamp,
  logBlob,
  metadataBlob,
  nodeEventsBlob,
  summaryIndexBlob,
} from '../../src/core/layout.js';
import { INDEXER_TRIGGERS, subjectPrefix } from '../../src/deploy/eventGrid.js';
import { listFunctions, REPO_ROOT } from '../helpers/host.js';

const HOOK = path.join(REPO_ROOT, 'dist', 'src', 'deploy', 'eventGridCli.js');

describe('Event Grid subscriptions and the blob triggers', () => {
  it('cover exactly the blob triggers the app registers with the EventGrid source, folder by folder', () => {
    const fns = listFunctions(REPO_ROOT, {
      INDEXER_TRIGGER_SOURCE: 'EventGrid',
      AZURE_STORAGE_CONTAINER: 'ray-historyserver',
    });
    const triggers = fns.flatMap((f) =>
      Object.values(f.bindings)
        .filter((b) => b.type === 'blobTrigger')
        .map((b) => ({ functionName: f.name, path: b.path, source: b.source })),
    );
    expect(triggers.map((t) => t.source)).toEqual(triggers.map(() => 'EventGrid'));
    expect(
      triggers
        .map((t) => ({ functionName: t.functionName, path: t.path }))
        .sort((a, b) => (a.functionName < b.functionName ? -1 : 1)),
    ).toEqual(
      INDEXER_TRIGGERS.map((t) => ({
        functionName: t.functionName,
        path: `ray-historyserver/${t.folder}{name}`,
      })),
    );
  });

  it('filter on the subjects of the blobs the app writes under log/ and metadir/, and not the index', () => {
    const container = 'ray-historyserver';
    const subject = (blob: string) => `/blobServices/default/containers/${container}/blobs/${blob}`;
    const matching = (blob: string) =>
      INDEXER_TRIGGERS.filter((t) => subject(blob).startsWith(subjectPrefix(container, t.folder))).map(
        (t) => t.functionName,
      );
    const ref = {
      cluster: 'raycluster',
      clusterId: 'default',
      session: 'session_2026-01-27_10-52-59_373533_1',
    };
    expect(matching(logBlob(ref, 'head-1', 'raylet.out'))).toEqual(['indexLogBlob']);
    expect(matching(logBlob(ref, 'head-1', 'raylet.out', 1))).toEqual(['indexLogBlob']);
    expect(matching(nodeEventsBlob(ref, 'head-1', eventStamp(new Date(0), 'abc123')))).toEqual([
      'indexLogBlob',
    ]);
    expect(matching(metadataBlob('default', 'raycluster', ref.session))).toEqual(['indexMetadataBlob']);
    expect(matching(summaryIndexBlob())).toEqual([]);
    expect(subjectPrefix(container, 'log/')).toBe(
      '/blobServices/default/containers/ray-historyserver/blobs/log/',
    );
  });
});

describe('the postdeploy hook (eventGridCli) with a stand-in az', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fake-az-'));
  const calls = path.join(dir, 'calls.jsonl');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Answers like az: the host name of an app with a unique default host name; no key on the first
  // ask (the host has not started yet), then one; every event-subscription create succeeds.
  writeFileSync(
    path.join(dir, 'az'),
    `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(calls)}, JSON.stringify(args) + '\\n');
const asked = fs.readFileSync(${JSON.stringify(calls)}, 'utf8').split('\\n').filter((l) => l.includes('"keys"')).length;
if (args[0] === 'functionapp' && args[1] === 'show') console.log('func-abc-d7e8f9.westeurope-01.azurewebsites.net');
else if (args[0] === 'functionapp' && args[1] === 'keys') console.log(asked < 2 ? '' : 'sekr3t-blobs-key');
else if (args[0] !== 'eventgrid') { console.error('unexpected ' + args.join(' ')); process.exit(2); }
`,
  );
  chmodSync(path.join(dir, 'az'), 0o755);

  const env = {
    PATH: `${dir}${path.delimiter}${process.env.PATH ?? ''}`,
    AZURE_SUBSCRIPTION_ID: 'sub-1',
    AZURE_RESOURCE_GROUP: 'rg-dev',
    AZURE_FUNCTION_APP_NAME: 'func-abc',
    HISTORY_CONTAINER: 'ray-historyserver',
    INDEXER_TRIGGER_SOURCE: 'EventGrid',
    EVENT_GRID_SYSTEM_TOPIC: 'evgt-abc',
    EVENT_GRID_SYSTEM_TOPIC_RESOURCE_GROUP: 'rg-data',
  };
  const run = (extra: Record<string, string | undefined>) => {
    rmSync(calls, { force: true });
    const r = spawnSync(process.execPath, [HOOK, '--retry-delay-ms', '10'], {
      env: Object.fromEntries(Object.entries({ ...env, ...extra }).filter(([, v]) => v !== undefined)),
      encoding: 'utf8',
      timeout: 60_000,
    });
    let recorded: string[][] = [];
    try {
      recorded = readFileSync(calls, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as string[]);
    } catch {
      // no call at all
    }
    return { code: r.status, output: `${r.stdout}${r.stderr}`, recorded };
  };

  it('subscribes each trigger to BlobCreated under its folder, on the real host name, once the key exists', () => {
    const { code, output, recorded } = run({});
    expect(code, output).toBe(0);
    expect(recorded.map((c) => c.slice(0, 4).join(' '))).toEqual([
      'functionapp show --resource-group rg-dev',
      'functionapp keys list --resource-group',
      'functionapp keys list --resource-group',
      'eventgrid system-topic event-subscription create',
      'eventgrid system-topic event-subscription create',
    ]);
    const creates = recorded.filter((c) => c[0] === 'eventgrid');
    const opt = (c: string[], name: string) => c[c.indexOf(name) + 1];
    for (const [i, t] of INDEXER_TRIGGERS.entries()) {
      const c = creates[i] as string[];
      expect(opt(c, '--name')).toBe(t.functionName);
      expect(opt(c, '--resource-group')).toBe('rg-data');
      expect(opt(c, '--system-topic-name')).toBe('evgt-abc');
      expect(opt(c, '--endpoint-type')).toBe('webhook');
      expect(opt(c, '--endpoint')).toBe(
        `https://func-abc-d7e8f9.westeurope-01.azurewebsites.net/runtime/webhooks/blobs?functionName=Host.Functions.${t.functionName}&code=sekr3t-blobs-key`,
      );
      expect(opt(c, '--included-event-types')).toBe('Microsoft.Storage.BlobCreated');
      expect(opt(c, '--subject-begins-with')).toBe(
        `/blobServices/default/containers/ray-historyserver/blobs/${t.folder}`,
      );
      expect(opt(c, '--subscription')).toBe('sub-1');
    }
    expect(output).not.toContain('sekr3t');
    expect(output).toContain('func-abc-d7e8f9.westeurope-01.azurewebsites.net');
  });

  it('does nothing with the polling source', () => {
    const { code, output, recorded } = run({ INDEXER_TRIGGER_SOURCE: 'LogsAndContainerScan' });
    expect(code).toBe(0);
    expect(recorded).toEqual([]);
    expect(output).toMatch(/no Event Grid subscription/);
  });

  it('fails naming a missing azd value before calling az', () => {
    const { code, output, recorded } = run({ EVENT_GRID_SYSTEM_TOPIC: undefined });
    expect(code).toBe(1);
    expect(output).toMatch(/EVENT_GRID_SYSTEM_TOPIC is not set/);
    expect(recorded).toEqual([]);
  });
});

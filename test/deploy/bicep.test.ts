/**
 * The Bicep files, checked without Azure and without the Bicep compiler (none installs offline):
 * parsed by the tree-sitter Bicep grammar, then linked by hand — every parameter used, every module
 * path and parameter matching its file, every module output it reads declared there, one known GA API
 * version per resource type — and tied to azure.yaml and main.parameters.json.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { HOOK_SETTINGS } from '../../src/deploy/eventGrid.js';
import { REPO_ROOT } from '../helpers/host.js';
import { evaluate, loadBicep, props, usedIdentifiers, type BicepFile, type Node } from './bicep.js';

const INFRA = path.join(REPO_ROOT, 'infra');

/**
 * The API version of each resource type, one per type across the files: GA versions that have every
 * property the files set (Microsoft.Web/sites has `functionAppConfig`, Flex Consumption, from 2023-12-01).
 */
const API_VERSIONS: Record<string, string> = {
  'Microsoft.Resources/resourceGroups': '2024-03-01',
  'Microsoft.ManagedIdentity/userAssignedIdentities': '2023-01-31',
  'Microsoft.Storage/storageAccounts': '2023-05-01',
  'Microsoft.Storage/storageAccounts/blobServices/containers': '2023-05-01',
  'Microsoft.OperationalInsights/workspaces': '2023-09-01',
  'Microsoft.Insights/components': '2020-02-02',
  'Microsoft.Authorization/roleAssignments': '2022-04-01',
  'Microsoft.Web/serverfarms': '2024-04-01',
  'Microsoft.Web/sites': '2024-04-01',
  'Microsoft.EventGrid/systemTopics': '2022-06-15',
};

function bicepFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? bicepFiles(path.join(dir, d.name))
      : d.name.endsWith('.bicep')
        ? [path.join(dir, d.name)]
        : [],
  );
}

/** `symbol.outputs.name` expressions anywhere under a node. */
function outputReads(n: Node, out: { symbol: string; output: string }[] = []): typeof out {
  if (n.type === 'member_expression') {
    const m = /^(\w+)\.outputs\.(\w+)$/.exec(n.text);
    if (m !== null) out.push({ symbol: m[1] as string, output: m[2] as string });
  }
  for (const c of n.namedChildren) if (c !== null) outputReads(c, out);
  return out;
}

describe('infra/*.bicep', () => {
  const files = new Map<string, BicepFile>();
  beforeAll(async () => {
    for (const f of bicepFiles(INFRA)) files.set(path.relative(INFRA, f), await loadBicep(f));
  });
  const main = () => files.get('main.bicep') as BicepFile;

  it('parses every file without a syntax error (tree-sitter Bicep grammar)', () => {
    expect([...files.keys()].sort()).toEqual([
      'app/functionapp.bicep',
      'app/history.bicep',
      'app/identity.bicep',
      'app/monitoring.bicep',
      'app/storage.bicep',
      'app/storageRoles.bicep',
      'main.bicep',
    ]);
  });

  it('uses every parameter it declares', () => {
    for (const [name, file] of files) {
      const used = usedIdentifiers(file);
      const unused = [...file.params.keys()].filter((p) => !used.has(p));
      expect(unused, name).toEqual([]);
    }
  });

  it('gives every resource type one known GA API version', () => {
    const seen: string[] = [];
    for (const [name, file] of files) {
      for (const r of file.resources) {
        if (r.apiVersion === undefined) {
          expect(r.type.split('/').length, `${name}: ${r.symbol} has no API version`).toBeGreaterThan(2);
          continue;
        }
        expect(r.apiVersion, `${name}: ${r.type}`).toBe(API_VERSIONS[r.type]);
        seen.push(r.type);
      }
    }
    expect(new Set(seen)).toEqual(new Set(Object.keys(API_VERSIONS)));
  });

  it('calls every module with parameters its file declares, all the required ones, and reads only its outputs', () => {
    for (const [name, file] of files) {
      for (const m of file.modules) {
        const target = files.get(path.normalize(path.join(path.dirname(name), m.path)));
        expect(target, `${name}: module ${m.symbol} -> ${m.path}`).toBeDefined();
        if (target === undefined) continue;
        const given = [...props(props(m.body).get('params') as Node).keys()];
        const declared = [...target.params.keys()];
        expect(
          given.filter((p) => !declared.includes(p)),
          `${name}: ${m.symbol} unknown params`,
        ).toEqual([]);
        const required = [...target.params.values()]
          .filter((p) => p.default === undefined)
          .map((p) => p.name);
        expect(
          required.filter((p) => !given.includes(p)),
          `${name}: ${m.symbol} missing params`,
        ).toEqual([]);
      }
      for (const read of outputReads(file.root)) {
        const m = file.modules.find((x) => x.symbol === read.symbol);
        expect(m, `${name}: ${read.symbol}.outputs`).toBeDefined();
        const target = files.get(path.normalize(path.join(path.dirname(name), m?.path ?? '')));
        expect(
          [...(target?.outputs.keys() ?? [])],
          `${name}: ${read.symbol}.outputs.${read.output}`,
        ).toContain(read.output);
      }
    }
  });

  it('declares every output the postdeploy hook reads', () => {
    expect([...main().outputs.keys()]).toEqual(expect.arrayContaining([...HOOK_SETTINGS]));
  });

  it('keeps shared keys off and the storage and telemetry locked down', () => {
    const storage = files.get('app/storage.bicep') as BicepFile;
    const account = storage.resources.find((r) => r.type === 'Microsoft.Storage/storageAccounts');
    const p = evaluate(props(account?.body as Node).get('properties') as Node, storage, {}) as Record<
      string,
      unknown
    >;
    expect(p).toMatchObject({
      allowSharedKeyAccess: false,
      allowBlobPublicAccess: false,
      minimumTlsVersion: 'TLS1_2',
      supportsHttpsTrafficOnly: true,
    });
    const monitoring = files.get('app/monitoring.bicep') as BicepFile;
    const appi = monitoring.resources.find((r) => r.type === 'Microsoft.Insights/components');
    expect(
      evaluate(props(appi?.body as Node).get('properties') as Node, monitoring, { workspace: {} }),
    ).toMatchObject({
      DisableLocalAuth: true,
    });
  });

  it('runs Flex Consumption on Node 22 with its package in the deployment container, as the user-assigned identity', () => {
    const app = files.get('app/functionapp.bicep') as BicepFile;
    const site = app.resources.find((r) => r.type === 'Microsoft.Web/sites') as { body: Node };
    const values = {
      hostingPlan: 'FlexConsumption',
      nodeVersion: evaluate(main().params.get('nodeVersion')?.default as Node, main(), {}),
      deploymentContainerUrl: 'https://st.blob.core.windows.net/app-package',
      identityId: '/id',
      maximumInstanceCount: 40,
      instanceMemoryMB: 2048,
      plan: { id: '/plan' },
    };
    const p = evaluate(props(site.body).get('properties') as Node, app, values) as Record<string, unknown>;
    expect(p.functionAppConfig).toMatchObject({
      runtime: { name: 'node', version: '22' },
      deployment: {
        storage: {
          type: 'blobContainer',
          value: values.deploymentContainerUrl,
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: '/id' },
        },
      },
    });
    expect(p).toMatchObject({ httpsOnly: true, siteConfig: { linuxFxVersion: null } });
    expect(evaluate(props(site.body).get('identity') as Node, app, values)).toEqual({
      type: 'UserAssigned',
      userAssignedIdentities: { '/id': {} },
    });
    const premium = evaluate(props(site.body).get('properties') as Node, app, {
      ...values,
      hostingPlan: 'ElasticPremium',
    }) as Record<string, unknown>;
    expect(premium).toMatchObject({ functionAppConfig: null, siteConfig: { linuxFxVersion: 'Node|22' } });
  });

  it('forces the Event Grid source on Flex Consumption, whatever the parameter says', () => {
    const source = main().vars.get('triggerSource') as Node;
    const at = (hostingPlan: string, indexerTriggerSource: string) =>
      evaluate(source, main(), { hostingPlan, indexerTriggerSource });
    expect(at('FlexConsumption', 'LogsAndContainerScan')).toBe('EventGrid');
    expect(at('ElasticPremium', 'LogsAndContainerScan')).toBe('LogsAndContainerScan');
    expect(at('Dedicated', 'EventGrid')).toBe('EventGrid');
  });
});

describe('azure.yaml and main.parameters.json', () => {
  const azure = YAML.parse(readFileSync(path.join(REPO_ROOT, 'azure.yaml'), 'utf8')) as {
    infra: { path: string; module: string };
    services: Record<
      string,
      {
        project: string;
        host: string;
        language: string;
        dist: string;
        remoteBuild: boolean;
        hooks: Record<string, Record<string, { run: string }>>;
      }
    >;
    hooks: Record<string, Record<string, { run: string }>>;
  };
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };

  it('deploys the package npm run package writes, built here, to the app tagged for the service', async () => {
    expect(Object.keys(azure.services)).toEqual(['api']);
    const api = azure.services.api;
    expect(api).toMatchObject({
      project: '.',
      host: 'function',
      language: 'ts',
      dist: 'dist/deploy/app',
      remoteBuild: false,
    });
    for (const shell of ['posix', 'windows'])
      expect(api?.hooks.prepackage?.[shell]?.run).toBe('npm run package');
    expect(pkg.scripts.package).toMatch(/node dist\/src\/deploy\/packageCli\.js$/);
    // azd refuses remoteBuild: false when .funcignore drops node_modules.
    expect(readFileSync(path.join(REPO_ROOT, '.funcignore'), 'utf8')).not.toMatch(/^\/?node_modules/m);
    const app = await loadBicep(path.join(INFRA, 'app', 'functionapp.bicep'));
    const site = app.resources.find((r) => r.type === 'Microsoft.Web/sites');
    expect(evaluate(props(site?.body as Node).get('tags') as Node, app, { tags: {} })).toEqual({
      'azd-service-name': 'api',
    });
    expect(azure.infra).toEqual({ provider: 'bicep', path: 'infra', module: 'main' });
  });

  it('runs the Event Grid hook after deployment from the build', () => {
    for (const shell of ['posix', 'windows']) {
      const run = azure.hooks.postdeploy?.[shell]?.run ?? '';
      expect(run).toBe('node dist/src/deploy/eventGridCli.js');
      expect(existsSync(path.join(REPO_ROOT, run.split(' ')[1] as string))).toBe(true);
    }
  });

  it('passes only parameters main.bicep declares, with the same defaults', async () => {
    const main = await loadBicep(path.join(INFRA, 'main.bicep'));
    const file = JSON.parse(readFileSync(path.join(INFRA, 'main.parameters.json'), 'utf8')) as {
      parameters: Record<string, { value: string }>;
    };
    for (const [name, { value }] of Object.entries(file.parameters)) {
      const param = main.params.get(name);
      expect(param, name).toBeDefined();
      const m = /^\$\{(\w+)(?:=(.*))?\}$/.exec(value);
      expect(m, `${name}: ${value}`).not.toBeNull();
      if (param?.default === undefined) {
        expect(m?.[2], `${name} has no default in main.bicep`).toBeUndefined();
      } else {
        expect(m?.[2], name).toBe(String(evaluate(param.default, main, {})));
      }
    }
    const required = [...main.params.values()].filter((p) => p.default === undefined).map((p) => p.name);
    expect(required.filter((p) => file.parameters[p] === undefined)).toEqual([]);
  });

  it('offers the container, trigger source, schedule and query auth under the names the app reads', () => {
    const file = readFileSync(path.join(INFRA, 'main.parameters.json'), 'utf8');
    for (const name of [
      'AZURE_STORAGE_CONTAINER',
      'INDEXER_TRIGGER_SOURCE',
      'INDEX_RECONCILE_SCHEDULE',
      'QUERY_AUTH_LEVEL',
    ]) {
      expect(file).toContain(`\${${name}=`);
    }
  });
});

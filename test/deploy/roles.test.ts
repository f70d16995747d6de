/**
 * Role assignments: what infra/ assigns in each configuration, read from the Bicep and named by the
 * built-in role ids, is exactly the role table of docs/deploy.md — nothing assigned that is not
 * documented with its reason, nothing documented that is not assigned.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/host.js';
import { evaluate, loadBicep, props, type BicepFile, type Node } from './bicep.js';

/** Azure's built-in role definition ids (they are the same in every tenant). */
const BUILT_IN_ROLES: Record<string, string> = {
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b': 'Storage Blob Data Owner',
  'ba92f5b4-2d11-453d-a403-e96b0029c9fe': 'Storage Blob Data Contributor',
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88': 'Storage Queue Data Contributor',
  '17d1049b-9a84-46fb-8f53-869881c3d3ab': 'Storage Account Contributor',
  '3913510d-42f4-4e42-8a64-420c390055eb': 'Monitoring Metrics Publisher',
};

const INFRA = path.join(REPO_ROOT, 'infra');

/** The role names a file assigns with `values` (loops expanded, conditions applied). */
function assigned(file: BicepFile, values: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const r of file.resources) {
    if (r.type !== 'Microsoft.Authorization/roleAssignments' || r.existing) continue;
    if (r.condition !== undefined && evaluate(r.condition, file, values) !== true) continue;
    const items = r.loop === undefined ? [undefined] : (evaluate(r.loop.source, file, values) as unknown[]);
    for (const item of items) {
      const scope = r.loop === undefined ? values : { ...values, [r.loop.item]: item };
      const properties = props(r.body).get('properties') as Node;
      const id = String(evaluate(props(properties).get('roleDefinitionId') as Node, file, scope));
      const role = BUILT_IN_ROLES[id.split('/').pop() ?? ''];
      expect(role, `${file.file}: ${id}`).toBeDefined();
      out.push(role as string);
    }
  }
  return out;
}

describe('role assignments', () => {
  let storageRoles: BicepFile;
  let history: BicepFile;
  let monitoring: BicepFile;
  beforeAll(async () => {
    storageRoles = await loadBicep(path.join(INFRA, 'app', 'storageRoles.bicep'));
    history = await loadBicep(path.join(INFRA, 'app', 'history.bicep'));
    monitoring = await loadBicep(path.join(INFRA, 'app', 'monitoring.bicep'));
  });

  const docRoles = () => {
    const doc = readFileSync(path.join(REPO_ROOT, 'docs', 'deploy.md'), 'utf8');
    const table = doc.slice(doc.indexOf('| role '));
    const rows = table.slice(0, table.indexOf('\n\n')).split('\n').slice(2);
    return rows.map((r) => (r.split('|')[1] ?? '').trim().replace(/\*/g, ''));
  };

  it('gives the identity exactly blob owner and queue contributor with Event Grid, plus account contributor when polling', () => {
    const byAccount = (pollingSource: boolean) =>
      assigned(storageRoles, { pollingSource, principalId: 'p', account: { id: '/acct' } }).sort();
    expect(byAccount(false)).toEqual(['Storage Blob Data Owner', 'Storage Queue Data Contributor']);
    expect(byAccount(true)).toEqual([
      'Storage Account Contributor',
      'Storage Blob Data Owner',
      'Storage Queue Data Contributor',
    ]);
    expect(assigned(monitoring, { principalId: 'p', appInsights: { id: '/appi' } })).toEqual([
      'Monitoring Metrics Publisher',
    ]);
    const operator = (operatorPrincipalId: string) =>
      assigned(history, { operatorPrincipalId, container: { id: '/c' } });
    expect(operator('')).toEqual([]);
    expect(operator('someone')).toEqual(['Storage Blob Data Contributor']);
  });

  it('assigns every role docs/deploy.md lists, and lists every role it assigns', () => {
    const everywhere = new Set([
      ...assigned(storageRoles, { pollingSource: true, principalId: 'p', account: { id: '/a' } }),
      ...assigned(monitoring, { principalId: 'p', appInsights: { id: '/appi' } }),
      ...assigned(history, { operatorPrincipalId: 'o', container: { id: '/c' } }),
    ]);
    expect(new Set(docRoles())).toEqual(everywhere);
  });

  it('has the README name the trigger identity roles Azure documents for identity-based blob triggers', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toMatch(/Storage Blob Data Owner/);
    expect(readme).toMatch(/Storage Queue Data Contributor/);
  });
});

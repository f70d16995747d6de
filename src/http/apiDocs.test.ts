import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../api/routes.js';
import { routeTable, withTable } from './apiDocs.js';

/** The text with table padding removed (prettier aligns the columns of the generated table). */
const unpadded = (text: string) => text.replace(/ {2,}/g, ' ').replace(/-{3,}/g, '---');

describe('docs/api.md', () => {
  it('lists exactly the declared routes (run `npm run docs:api` after changing one)', () => {
    const text = readFileSync('docs/api.md', 'utf8');
    expect(unpadded(text)).toBe(unpadded(withTable(text, routeTable(ROUTES))));
  });

  it('names each route once, with its method, auth and every declared query parameter', () => {
    const table = routeTable(ROUTES);
    for (const r of ROUTES) {
      expect(table.split(`\`${r.method} ${r.path}\``)).toHaveLength(2);
      for (const name of Object.keys(r.query?.shape ?? {})) expect(table).toContain(`\`${name}`);
    }
    expect(table).toContain(
      '| `PUT /api/v1/logs/{namespace}/{cluster}/{session}/{node}/{*file}` | function | `offset` `clusterId?` |',
    );
  });
});

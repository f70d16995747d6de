/** `npm run docs:api`: rewrites the generated route table of docs/api.md from the route declarations. */
import { readFileSync, writeFileSync } from 'node:fs';
import { ROUTES } from '../api/routes.js';
import { routeTable, withTable } from './apiDocs.js';

const file = 'docs/api.md';
writeFileSync(file, withTable(readFileSync(file, 'utf8'), routeTable(ROUTES)));
process.stdout.write(`${file}: ${ROUTES.length} routes\n`);

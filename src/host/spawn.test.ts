import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HOST_NODE_ARGS } from './spawn.js';

describe('the local host’s node options', () => {
  it('are the same in `npm start` as in the hosts the tests, the soak and the bench spawn', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.start).toBe(`node ${HOST_NODE_ARGS.join(' ')} dist/src/host/cli.js --azurite`);
  });
});

/**
 * The hostile corpus (issue 12): malformed chunked bodies, request smuggling, header floods, NUL,
 * control characters and overlong UTF-8 in every name position, numbers past 2^53, deep JSON, slow
 * clients, bad keys — each case kept as data in corpus.json with the answer it must get. Afterwards
 * the host is still up and no blob lies outside the layout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBlobName } from '../../src/core/layout.js';
import { startHost, type RunningHost } from '../helpers/host.js';
import { request } from '../helpers/http.js';
import { freshStore } from '../helpers/storage.js';
import { loadCorpus, runCorpus } from './run.js';

const store = freshStore('hostile');
let host: RunningHost;

beforeAll(async () => {
  host = await startHost({
    container: store.container,
    auth: true,
    // Slow clients are cut after 1 s instead of 5 (the rule is the same).
    env: { LOCAL_HOST_BODY_RATE_GRACE_MS: '1000' },
  });
});

afterAll(async () => host?.stop());

describe('the hostile corpus', () => {
  it(
    'has at least 200 cases, each answered as documented, and the host stays up',
    { timeout: 600_000 },
    async () => {
      const cases = loadCorpus();
      expect(cases.length).toBeGreaterThanOrEqual(200);
      expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
      const results = await runCorpus(() => host.baseUrl, store, host.keys.function[0] ?? '', cases);
      const wrong = results
        .filter((r) => r.problems.length > 0)
        .map((r) => `${r.id}: ${r.problems.join('; ')}`);
      expect(wrong).toEqual([]);
      expect((await request(host.baseUrl, '/api/v1/health')).status).toBe(200);
      const names: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list({
          prefix: '',
          pageSize: 5000,
          ...(cursor !== undefined && { cursor }),
        });
        names.push(...page.blobs.map((b) => b.name));
        cursor = page.cursor;
      } while (cursor !== undefined);
      expect(names.filter((n) => parseBlobName(n).kind === 'unknown')).toEqual([]);
    },
  );
});

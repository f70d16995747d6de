/**
 * Settings, end to end through the local host running the real app: a wrong or missing setting never
 * takes the app down silently — health and every other route answer 503 naming the setting (never
 * its value) — and an unset AZURE_STORAGE_CONTAINER means the default container for the indexer's
 * triggers too (regression: both triggers bound %AZURE_STORAGE_CONTAINER%, so with the setting unset the
 * host could not resolve their path and disabled them while the rest of the app ran).
 */
import { describe, expect, it } from 'vitest';
import { startHost } from '../helpers/host.js';
import { request } from '../helpers/http.js';
import { azuriteService, eventually } from '../helpers/storage.js';

const SESSION = 'session_2026-03-01_09-00-00_000001';
const SECRET = 'c2VjcmV0LWtleS1kby1ub3QtcHJpbnQtbWU=';

describe('a bad setting is answered, not fatal', () => {
  it('answers health and every route 503 naming a malformed setting, never its value', async () => {
    const host = await startHost({ env: { INGEST_MAX_BODY_BYTES: 'lots' } });
    try {
      const health = await request(host.baseUrl, '/api/v1/health');
      expect(health.status).toBe(503);
      expect(health.json()).toEqual({
        error: 'misconfigured',
        message: expect.stringMatching(/^INGEST_MAX_BODY_BYTES: must be an integer/) as string,
        setting: 'INGEST_MAX_BODY_BYTES',
      });
      for (const [method, path] of [
        ['GET', '/api/clusters'],
        ['GET', '/api/v1/clusters'],
        ['GET', `/api/v1/clusters/default/rc/sessions/${SESSION}/files`],
        ['PUT', `/api/v1/logs/default/rc/${SESSION}/head/raylet.out?offset=0`],
        ['POST', '/api/v1/events?namespace=default&cluster=rc&node=head'],
      ]) {
        const r = await request(host.baseUrl, path ?? '', {
          method: method ?? 'GET',
          ...(method !== 'GET' && { body: '[]' }),
        });
        expect(r.status, `${method} ${path}`).toBe(503);
        expect(r.json(), `${method} ${path}`).toMatchObject({
          error: 'misconfigured',
          setting: 'INGEST_MAX_BODY_BYTES',
        });
      }
      // Said once in the log, at start-up.
      expect(host.output().match(/misconfigured: INGEST_MAX_BODY_BYTES/g)).toHaveLength(1);
    } finally {
      await host.stop();
    }
  });

  it('names a missing storage setting', async () => {
    const host = await startHost({
      env: { AZURE_STORAGE_CONNECTION_STRING: '', AZURE_STORAGE_AUTH_MODE: 'managed_identity' },
    });
    try {
      const health = await request(host.baseUrl, '/api/v1/health');
      expect(health.status).toBe(503);
      expect(health.json()).toMatchObject({ error: 'misconfigured', setting: 'AZURE_STORAGE_ACCOUNT_URL' });
    } finally {
      await host.stop();
    }
  });

  it('names a malformed connection string without printing its key, in the answer or the log', async () => {
    const host = await startHost({ env: { AZURE_STORAGE_CONNECTION_STRING: `AccountKey=${SECRET}` } });
    try {
      const health = await request(host.baseUrl, '/api/v1/health');
      expect(health.status).toBe(503);
      expect(health.json()).toMatchObject({
        error: 'misconfigured',
        setting: 'AZURE_STORAGE_CONNECTION_STRING',
      });
      expect(health.text).not.toContain(SECRET);
      expect(host.output()).not.toContain(SECRET);
    } finally {
      await host.stop();
    }
  });
});

describe('AZURE_STORAGE_CONTAINER unset', () => {
  it('ingests into the default container and the indexer lists the session from there', async () => {
    const host = await startHost({ env: { AZURE_STORAGE_CONTAINER: '' } });
    try {
      expect(host.output()).not.toMatch(
        /indexLogBlob.*(disabled|not set)|indexMetadataBlob.*(disabled|not set)/,
      );
      const put = await request(
        host.baseUrl,
        `/api/v1/logs/default/rc-default/${SESSION}/head/raylet.out?offset=0`,
        {
          method: 'PUT',
          headers: { 'Content-Type': 'text/plain' },
          body: 'hello\n',
        },
      );
      expect(put.status).toBe(200);
      const container = azuriteService().getContainerClient('ray-historyserver');
      expect(
        await container.getBlobClient(`log/rc-default_default/${SESSION}/logs/head/raylet.out`).exists(),
      ).toBe(true);
      const listed = await eventually(async () => {
        const r = await request(host.baseUrl, '/api/v1/clusters/default/rc-default/sessions');
        return r.status === 200
          ? (r.json() as { sessions: { sessionName: string; bytes: number }[] })
          : undefined;
      }, 20_000);
      expect(listed.sessions).toEqual([expect.objectContaining({ sessionName: SESSION })]);
    } finally {
      await host.stop();
    }
  });
});

/**
 * The UI with keys on (QUERY_AUTH_LEVEL=function): a key is asked for once, kept for the tab, sent as
 * x-functions-key; a wrong one is refused with a message. And with storage stopped, a view says so
 * in the API's words.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type Azurite } from '../../src/host/azurite.js';
import { startHost, type RunningHost } from '../helpers/host.js';
import { browserForTests, launchChromium } from './browser.js';
import { DEMO, ingest, waitForIndex } from './fixture.js';
import { until } from './page.js';

const exe = browserForTests();
const KEY = 'test-function-key';

describe.skipIf(exe === null)('keys and failures in the browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium(exe!);
  });
  afterAll(async () => browser?.close());

  describe('with keys on', () => {
    let host: RunningHost;
    beforeAll(async () => {
      host = await startHost({
        auth: true,
        env: { QUERY_AUTH_LEVEL: 'function', LOCAL_HOST_BLOB_POLL_MS: '200' },
      });
      const at = { namespace: DEMO.namespace, cluster: DEMO.cluster, session: DEMO.session, node: DEMO.head };
      await ingest(
        host.baseUrl,
        at,
        [{ file: 'raylet.out', data: 'hello\n' }],
        {},
        { 'x-functions-key': KEY },
      );
      await waitForIndex(host.baseUrl, { clusters: 1, sessions: 1 }, { 'x-functions-key': KEY });
    });
    afterAll(async () => host?.stop());

    it('asks once, refuses a wrong key, keeps the right one for the tab and sends it as x-functions-key', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const keysSent: (string | undefined)[] = [];
      page.on('request', (r) => {
        if (new URL(r.url()).pathname === '/api/v1/clusters') keysSent.push(r.headers()['x-functions-key']);
      });
      await page.goto(`${host.baseUrl}/`);
      await page.getByRole('heading', { name: 'This app needs a function key' }).waitFor();
      await page.fill('#function-key', 'wrong-key');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'That key was refused' }).waitFor();
      await page.fill('#function-key', KEY);
      await page.click('button:text("Use key")');
      await page.locator('table.clusters tbody tr a').first().waitFor();
      expect(await page.locator('.key-prompt').count()).toBe(0);
      // A reload in the same tab needs no key again; the file read and download carry it too.
      await page.reload();
      await page.locator('table.clusters tbody tr a').first().waitFor();
      expect(await page.locator('.key-prompt').count()).toBe(0);
      expect(keysSent).toEqual([undefined, 'wrong-key', KEY, KEY]);
      const s = DEMO;
      await page.goto(
        `${host.baseUrl}/ui/clusters/${s.namespace}/${s.cluster}/sessions/${s.session}/logs/${s.head}/raylet.out`,
      );
      await page.getByText('hello').waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:text("Download")')]);
      expect(await download.failure()).toBeNull();
      // The dashboard views read with the key too: their empty states, no prompt.
      const sessionUrl = `${host.baseUrl}/ui/clusters/${s.namespace}/${s.cluster}/sessions/${s.session}`;
      await page.goto(sessionUrl);
      await page.getByText('No failures recorded').waitFor();
      await page.goto(`${sessionUrl}/tasks`);
      await page.getByText('No tasks recorded').waitFor();
      expect(await page.locator('.key-prompt').count()).toBe(0);
      // Another tab (a new browser session) is asked again.
      const other = await (await browser.newContext()).newPage();
      await other.goto(`${host.baseUrl}/`);
      await other.getByRole('heading', { name: 'This app needs a function key' }).waitFor();
      await context.close();
    });
  });

  describe('with storage stopped', () => {
    let azurite: Azurite;
    let host: RunningHost;
    beforeAll(async () => {
      azurite = await startAzurite();
      const cs = azurite.connectionString;
      host = await startHost({
        env: {
          AZURE_STORAGE_CONNECTION_STRING: cs,
          HistoryStorage: cs,
          AzureWebJobsStorage: cs,
          LOCAL_HOST_BLOB_POLL_MS: '200',
        },
      });
      const at = { namespace: DEMO.namespace, cluster: DEMO.cluster, session: DEMO.session, node: DEMO.head };
      await ingest(host.baseUrl, at, [{ file: 'raylet.out', data: 'hello\n' }]);
      await waitForIndex(host.baseUrl, { clusters: 1, sessions: 1 });
    });
    afterAll(async () => {
      await host?.stop();
      await azurite?.stop();
    });

    it("shows the 503's reason and a way to try again, in the dashboard views too", async () => {
      const page = await browser.newPage();
      await page.goto(`${host.baseUrl}/`);
      await page.locator('table.clusters tbody tr a').first().waitFor();
      await azurite.stop();
      await page.reload();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      const text = await alert.innerText();
      expect(text).toContain('Storage is unavailable');
      expect(text).toMatch(/unreachable|ECONNREFUSED/i);
      expect(await page.locator('button:text("Try again")').count()).toBe(1);
      await page.click('button:text("Try again")');
      await until(page, 'the error again', () =>
        document.querySelector('[role=alert]')?.textContent?.includes('Storage is unavailable'),
      );
      // The dashboard views say the same, each part that could not load with its own way to try again.
      const sessionPath = `/ui/clusters/${DEMO.namespace}/${DEMO.cluster}/sessions/${DEMO.session}`;
      for (const view of ['', '/tasks', '/actors', '/timeline']) {
        await page.goto(`${host.baseUrl}${sessionPath}${view}`);
        await until(page, `the error in ${view || 'the overview'}`, () =>
          document.querySelector('[role=alert]')?.textContent?.includes('Storage is unavailable'),
        );
        expect(await page.locator('button:text("Try again")').count(), view).toBeGreaterThan(0);
      }
    });
  });
});

/**
 * The history UI in Chromium against the local host, with data ingested through the API (keys off):
 * every view, deep links reloaded, back/forward, not-found pages, ANSI, download, line links, follow
 * mode, accessibility, and the first load's size and time.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../helpers/host.js';
import { request } from '../helpers/http.js';
import { browserForTests, launchChromium } from './browser.js';
import { DEMO, ingest, rayletLog, seedDemo } from './fixture.js';
import { axeViolations, serious, texts, until } from './page.js';

const exe = browserForTests();
const { namespace, cluster, session, head } = DEMO;
const clusterPath = `/ui/clusters/${namespace}/${cluster}`;
const sessionPath = `${clusterPath}/sessions/${session}`;
const rayletPath = `${sessionPath}/logs/${head}/raylet.out`;

describe.skipIf(exe === null)('the history UI in a browser', () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    host = await startHost({ env: { LOCAL_HOST_BLOB_POLL_MS: '200' } });
    await seedDemo(host.baseUrl);
    browser = await launchChromium(exe!);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  const go = (path: string) => page.goto(host.baseUrl + path);

  it('opens the clusters view small and fast, without layout shift, with no prompt for a key', async () => {
    // Layout shifts are recorded from the first paint on.
    await page.addInitScript(() => {
      (window as unknown as { cls: number }).cls = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[]) {
          if (!e.hadRecentInput) (window as unknown as { cls: number }).cls += e.value;
        }
      }).observe({ type: 'layout-shift', buffered: true });
    });
    const started = Date.now();
    await go('/');
    await page.locator('table.clusters tbody tr a').first().waitFor();
    const ms = Date.now() - started;
    const rows = await texts(page, 'table.clusters tbody tr td:first-child');
    expect(rows).toEqual(
      ['default/raycluster-kuberay', 'ml-team/train-llm', 'prod/rayjob-nightly'].sort(
        (a, b) => rows.indexOf(a) - rows.indexOf(b),
      ),
    );
    expect(rows).toHaveLength(3);
    const transfer = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((e) => /\/ui\/assets\/.*\.(js|css)$/.test(e.name))
        .reduce((n, e) => n + (e as PerformanceResourceTiming).transferSize, 0),
    );
    const cls = await page.evaluate(() => (window as unknown as { cls: number }).cls);
    console.log(
      `[ui metrics] clusters view shown after ${ms} ms; JS+CSS transferred ${transfer} bytes; CLS ${cls.toFixed(4)}`,
    );
    expect(transfer).toBeGreaterThan(0);
    expect(transfer).toBeLessThan(200 * 1024);
    expect(cls).toBeLessThan(0.1);
    expect(await page.locator('.key-prompt').count()).toBe(0);
  });

  it('filters clusters by the search box, in a URL that survives a reload', async () => {
    await go('/');
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('cluster-search');
    await page.keyboard.type('ml-team');
    await until(page, 'one row', () => document.querySelectorAll('table.clusters tbody tr').length === 1);
    expect(new URL(page.url()).search).toBe('?q=ml-team');
    await page.reload();
    await until(page, 'the filtered row after reload', () =>
      document.querySelector('table.clusters tbody tr')?.textContent?.includes('train-llm'),
    );
    expect(await page.locator('table.clusters tbody tr').count()).toBe(1);
    await page.fill('#cluster-search', 'nothing-like-this');
    await page.getByText('No cluster matches').waitFor();
  });

  // Regression: the shortcut was registered after the first paint, so a "/" pressed as soon as the
  // page showed was dropped with the keys typed after it (the test above timed out under CI load).
  it('focuses the search box on "/" pressed the moment the clusters view appears', async () => {
    const fresh = await browser.newPage();
    await fresh.addInitScript(() => {
      const w = window as unknown as { focusedBySlash?: string };
      // A mutation callback runs right after the script that rendered the view, before any paint.
      new MutationObserver((_, observer) => {
        if (document.getElementById('cluster-search') === null) return;
        observer.disconnect();
        document.body.dispatchEvent(new KeyboardEvent('keydown', { key: '/', bubbles: true }));
        const box = document.getElementById('cluster-search');
        w.focusedBySlash =
          document.activeElement === box ? 'the search box' : String(document.activeElement?.tagName);
      }).observe(document, { childList: true, subtree: true });
    });
    await fresh.goto(host.baseUrl + '/');
    const focused = await until(
      fresh,
      'the key pressed',
      () => (window as unknown as { focusedBySlash?: string }).focusedBySlash,
    );
    expect(focused).toBe('the search box');
    await fresh.close();
  });

  it('goes clusters → sessions → session → logs → a file by clicks; back and forward retrace it', async () => {
    await go('/');
    await page.click(`a[href="${clusterPath}"]`);
    await page.locator('table.sessions tbody tr a').first().waitFor();
    expect(await texts(page, 'table.sessions tbody tr td:first-child')).toEqual([session, DEMO.olderSession]);
    await page.click(`a[href="${sessionPath}"]`);
    await page.locator('table.nodes-table tbody a').first().waitFor();
    expect(await texts(page, 'table.nodes-table tbody a')).toEqual([head, DEMO.worker, DEMO.deadWorker]);
    expect(await page.locator('.kv').innerText()).toContain('rayVersion');
    await page.click('nav.tabs a:text("Logs")');
    await page.click(`button:has-text("${head}")`);
    await page.click(`a[href="${rayletPath}"]`);
    await until(page, 'the last raylet line', () =>
      document.querySelector('.log')?.textContent?.includes('line 400 of the raylet log'),
    );
    expect(new URL(page.url()).pathname).toBe(rayletPath);
    await page.goBack();
    await until(
      page,
      'the logs view without a file',
      () => location.pathname.endsWith('/logs') && document.querySelector('.viewer-empty') !== null,
    );
    await page.goBack();
    await until(page, 'the session view', () => document.querySelector('table.nodes-table tbody a') !== null);
    await page.goForward();
    await page.goForward();
    await until(page, 'the file again', () =>
      document.querySelector('.log')?.textContent?.includes('line 400 of the raylet log'),
    );
  });

  it('reloads every view from its URL (deep links)', async () => {
    const views: [string, string][] = [
      ['/ui/', 'table.clusters tbody tr a'],
      [clusterPath, 'table.sessions tbody tr a'],
      [sessionPath, 'table.nodes-table tbody a'],
      [`${sessionPath}/logs`, `.tree button`],
      [`${sessionPath}/logs/${head}`, `.tree-file a`],
      [rayletPath, '.log-line'],
      [`${sessionPath}/logs/${head}/events/event_GCS.log`, '.log-line'],
    ];
    for (const [path, ready] of views) {
      await go(path);
      await page.locator(ready).first().waitFor();
      expect(await page.title(), path).toMatch(/— Ray history$/);
    }
    // The open file's folder is open in the tree and the file marked current.
    expect(await page.locator('.tree-file a[aria-current="page"]').innerText()).toContain('event_GCS.log');
  });

  it('says what is missing, with a way back: unknown cluster, session, file, page', async () => {
    await go('/ui/clusters/default/no-such-cluster');
    await page.getByRole('heading', { name: 'No such cluster' }).waitFor();
    await go(`${clusterPath}/sessions/session_2020-01-01_00-00-00_000000_1`);
    await page.getByRole('heading', { name: 'No such session' }).waitFor();
    await go(`${sessionPath}/logs/${head}/no-such.log`);
    await page.getByText('No such file').waitFor();
    await go('/ui/nowhere');
    await page.getByRole('heading', { name: 'No such page' }).waitFor();
    await page.click('a:text("All clusters")');
    await page.locator('table.clusters tbody tr a').first().waitFor();
  });

  it('renders ANSI colours as styled text, and wraps on request', async () => {
    await go(rayletPath);
    await page.locator('.log-line').first().waitFor();
    expect(await page.locator('.log .ansi-yellow-fg').first().innerText()).toBe('W');
    expect(await page.locator('.log').innerText()).not.toContain('\u001b');
    const color = await page
      .locator('.log .ansi-red-fg')
      .first()
      .evaluate((e) => getComputedStyle(e).color);
    expect(color).not.toBe(
      await page
        .locator('.log .lt')
        .first()
        .evaluate((e) => getComputedStyle(e).color),
    );
    await page.click('button:text("Wrap")');
    expect(await page.locator('.log').getAttribute('class')).toContain('wrap');
    expect(await page.locator('button:text("Wrap")').getAttribute('aria-pressed')).toBe('true');
    await page.click('button:text("Wrap")');
  });

  it('carries a colour opened on one line to the next ones, until it is reset', async () => {
    await go(`${sessionPath}/logs/${head}/ansi-carry.log`);
    await page.locator('.log-line').nth(3).waitFor();
    const styled = await page
      .locator('.log-line .lt')
      .evaluateAll((els) => els.map((el) => [el.textContent, el.querySelector('span')?.className ?? '']));
    expect(styled).toEqual([
      ['warning: the colour starts here', 'ansi-yellow-fg'],
      ['and carries to this line', 'ansi-yellow-fg'],
      ['and this one', 'ansi-yellow-fg'],
      ['plain again', ''],
    ]);
  });

  it('links lines: a line number is a URL that opens the file at that line', async () => {
    await go(rayletPath);
    await page.locator('.log-line').first().waitFor();
    await page.click('.log-line:nth-child(10) a.ln', { force: true });
    const hash = new URL(page.url()).hash;
    expect(hash).toMatch(/^#L\d+$/);
    await page.reload();
    const hl = await until(
      page,
      'the highlighted line',
      () => document.querySelector('.log-line.hl')?.textContent ?? '',
    );
    expect(hl).toContain(`line ${hash.slice(2)} of the raylet log`);
    await go(`${rayletPath}#L7`);
    await until(page, 'line 7 highlighted', () =>
      document.querySelector('.log-line.hl')?.textContent?.includes('line 7 of'),
    );
    expect(await page.locator('.log-line.hl').count()).toBe(1);
  });

  it('downloads the whole file', async () => {
    await go(rayletPath);
    await page.locator('.log-line').first().waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:text("Download")')]);
    expect(download.suggestedFilename()).toBe('raylet.out');
    const chunks: Buffer[] = [];
    for await (const c of (await download.createReadStream()) as AsyncIterable<Buffer>) chunks.push(c);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(rayletLog(400));
  });

  it('follows a growing file: appended lines appear at the bottom', async () => {
    const at = { namespace, cluster, session, node: head };
    await ingest(host.baseUrl, at, [{ file: 'follow.log', data: 'first line\n' }]);
    await go(`${sessionPath}/logs/${head}/follow.log`);
    await page.getByText('first line').waitFor();
    await page.click('button:text("Follow")');
    let offset = 'first line\n'.length;
    for (const text of ['appended one\n', 'half a li', 'ne, then done\n']) {
      const r = await request(
        host.baseUrl,
        `/api/v1/logs/${namespace}/${cluster}/${session}/${head}/follow.log?offset=${offset}`,
        {
          method: 'PUT',
          body: text,
          headers: { 'Content-Type': 'text/plain' },
        },
      );
      expect(r.status, r.text).toBe(200);
      offset += text.length;
    }
    await until(page, 'the appended lines', () =>
      document.querySelector('.log')?.textContent?.includes('half a line, then done'),
    );
    expect(await texts(page, '.log-line .lt')).toEqual([
      'first line',
      'appended one',
      'half a line, then done',
    ]);
    const atBottom = await page
      .locator('.log')
      .evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 8);
    expect(atBottom).toBe(true);
  });

  it('is usable by keyboard: skip link, tab to the search box, Enter on a link', async () => {
    await go('/');
    await page.locator('table.clusters tbody tr a').first().waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.focus(`a[href="${clusterPath}"]`);
    await page.keyboard.press('Enter');
    await page.locator('table.sessions tbody tr a').first().waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('page-title');
  });

  it('has no serious accessibility violations in any view, light or dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [path, ready] of [
        ['/', 'table.clusters tbody tr a'],
        [clusterPath, 'table.sessions tbody tr a'],
        [sessionPath, '.kv th'],
        [rayletPath, '.log-line'],
        ['/ui/clusters/default/nope', '.not-found'],
      ] as const) {
        await go(path);
        await page.locator(ready).first().waitFor();
        const bad = serious(await axeViolations(page));
        expect(bad, `${scheme} ${path}: ${JSON.stringify(bad, null, 1)}`).toEqual([]);
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('raised no script error in any of it', () => {
    expect(pageErrors).toEqual([]);
  });
});

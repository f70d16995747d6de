/**
 * A 256 MiB log in the browser: it opens at its end without being read whole, scrolls back 100,000
 * lines by byte ranges, and the page's memory stays bounded while doing so (the viewer virtualises).
 */
import type { Browser, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../helpers/host.js';
import { request } from '../helpers/http.js';
import { browserForTests, launchChromium } from './browser.js';
import { DEMO, ingest, waitForIndex } from './fixture.js';
import { until } from './page.js';

const exe = browserForTests();
const MiB = 1024 * 1024;
const SIZE = 256 * MiB;
const LINE = 64; // bytes per line, newline included
const LINES = SIZE / LINE;
const { namespace, cluster, session, head } = DEMO;
const apiPath = `/api/v1/clusters/${namespace}/${cluster}/sessions/${session}/logs/${head}/big.log`;
const viewPath = `/ui/clusters/${namespace}/${cluster}/sessions/${session}/logs/${head}/big.log`;

/** Line `n` (1-based) of the big log: exactly LINE bytes. */
const line = (n: number) => `line ${String(n).padStart(9, '0')} `.padEnd(LINE - 1, '.') + '\n';

/** Bytes [from, from + size) of the big log (both multiples of LINE). */
function chunk(from: number, size: number): Buffer {
  const first = from / LINE + 1;
  return Buffer.from(Array.from({ length: size / LINE }, (_, i) => line(first + i)).join(''));
}

describe.skipIf(exe === null)('a 256 MiB log in the browser', () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  let cdp: CDPSession;

  beforeAll(async () => {
    host = await startHost({ env: { LOCAL_HOST_BLOB_POLL_MS: '200' } });
    await ingest(host.baseUrl, { namespace, cluster, session, node: head }, [
      { file: 'raylet.out', data: 'x\n' },
    ]);
    for (let at = 0; at < SIZE; at += 8 * MiB) {
      const r = await request(
        host.baseUrl,
        `/api/v1/logs/${namespace}/${cluster}/${session}/${head}/big.log?offset=${at}`,
        {
          method: 'PUT',
          body: chunk(at, 8 * MiB),
          headers: { 'Content-Type': 'text/plain' },
        },
      );
      expect(r.status, r.text).toBe(200);
    }
    await waitForIndex(host.baseUrl, { clusters: 1, sessions: 1 });
    browser = await launchChromium(exe!);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  async function pageMemory(): Promise<{ heap: number; nodes: number }> {
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
    return { heap: get('JSHeapUsedSize'), nodes: get('Nodes') };
  }

  /** The first held line's offset, and the number it should carry. */
  const firstHeld = () =>
    page.evaluate(() => Number(document.querySelector<HTMLElement>('.log-line')?.dataset.off));

  it('opens at its end within 2 s, reading a few KiB of it', async () => {
    // The app's own files are in the browser's cache, as for anyone who opened the app before.
    await page.goto(`${host.baseUrl}/`);
    await page.locator('table.clusters tbody tr a').first().waitFor();
    await page.goto(host.baseUrl + viewPath, { waitUntil: 'commit' });
    // Measured in the page: from the start of the navigation to the last line on screen.
    const ms = await until(
      page,
      'the last line',
      (last) => document.querySelector('.log')?.textContent?.includes(last) === true && performance.now(),
      line(LINES).trim(),
    );
    const read = await page.evaluate(
      (p) =>
        performance
          .getEntriesByType('resource')
          .filter((e) => e.name.includes(p))
          .reduce((n, e) => n + (e as PerformanceResourceTiming).encodedBodySize, 0),
      apiPath,
    );
    console.log(
      `[ui metrics] 256 MiB log: last line shown ${ms} ms after navigation; ${read} bytes of it read`,
    );
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThanOrEqual(1 * MiB);
    expect(ms).toBeLessThan(2000);
    const atBottom = await page
      .locator('.log')
      .evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 8);
    expect(atBottom).toBe(true);
  });

  it('scrolls back 100,000 lines by ranges, every line the right one, memory bounded', async () => {
    const before = await pageMemory();
    let first = await firstHeld();
    let tenK: { heap: number; nodes: number } | undefined;
    while ((SIZE - first) / LINE < 100_000) {
      await page.locator('.log').evaluate((el) => {
        el.scrollTop = 0;
      });
      const prev = first;
      await until(
        page,
        'earlier lines',
        (p) =>
          Number(document.querySelector<HTMLElement>('.log-line')?.dataset.off) < p &&
          document.querySelector('.log')?.getAttribute('aria-busy') === 'false',
        prev,
      );
      first = await firstHeld();
      if (tenK === undefined && (SIZE - first) / LINE >= 10_000) tenK = await pageMemory();
    }
    // The lines held are the file's own, in order, at their offsets.
    const held = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.log-line')].map((e) => [
        Number(e.dataset.off),
        e.querySelector('.lt')?.textContent ?? '',
      ]),
    );
    for (const [off, text] of held) expect(text).toBe(line(Number(off) / LINE + 1).trimEnd());
    const after = await pageMemory();
    console.log(
      `[ui metrics] after scrolling back ${(SIZE - first) / LINE} lines: JS heap ${(after.heap / MiB).toFixed(1)} MiB ` +
        `(${(before.heap / MiB).toFixed(1)} MiB at open, ${((tenK?.heap ?? NaN) / MiB).toFixed(1)} MiB after 10,000), ` +
        `${after.nodes} DOM nodes, ${held.length} lines held`,
    );
    expect(held.length).toBeLessThanOrEqual(6000);
    expect(after.nodes).toBeLessThan(40_000);
    // Bounded: scrolling 90,000 lines more than at 10,000 adds no more than a few MiB.
    expect(after.heap - (tenK?.heap ?? 0)).toBeLessThan(16 * MiB);
  }, 240_000);
});

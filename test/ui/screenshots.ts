/**
 * `npm run screenshots`: one PNG of each view in docs/ui/, light theme unless named -dark, taken
 * from the local host with the demo data (test/ui/fixture.ts).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO_ROOT, startHost, type RunningHost } from '../helpers/host.js';
import { chromiumPath, launchChromium } from './browser.js';
import { DEMO, seedDemo } from './fixture.js';

const OUT = path.join(REPO_ROOT, 'docs', 'ui');
let host: RunningHost;

beforeAll(async () => {
  host = await startHost({ env: { LOCAL_HOST_BLOB_POLL_MS: '200' } });
  await seedDemo(host.baseUrl);
});
afterAll(async () => host?.stop());

const { namespace, cluster, session, head } = DEMO;
const ui = `/ui/clusters/${namespace}/${cluster}`;
/** `scroll`: an element brought into view before the picture (a part below the fold). */
const VIEWS: { name: string; path: string; ready: string; dark?: boolean; scroll?: string }[] = [
  { name: 'clusters', path: '/', ready: 'table.clusters tbody tr a' },
  { name: 'sessions', path: ui, ready: 'table.sessions tbody tr a' },
  { name: 'session', path: `${ui}/sessions/${session}`, ready: '.failures a.log-link' },
  {
    name: 'logs',
    path: `${ui}/sessions/${session}/logs/${head}/raylet.out`,
    ready: '.tree-file a[aria-current="page"]',
  },
  {
    name: 'logs-traceback-dark',
    path: `${ui}/sessions/${session}/logs/${head}/worker-01000000ffffffffffffffffffffffffffffffffffffffff-2841.err`,
    ready: '.tree-file a[aria-current="page"]',
    dark: true,
  },
  {
    name: 'tasks',
    path: `${ui}/sessions/${session}/tasks?state=FAILED`,
    ready: 'table.tasks tbody tr .badge',
  },
  { name: 'actors', path: `${ui}/sessions/${session}/actors`, ready: 'table.actors tbody tr .badge' },
  { name: 'search', path: `${ui}/sessions/${session}/search?q=ValueError`, ready: 'a.hit' },
  { name: 'timeline', path: `${ui}/sessions/${session}/timeline`, ready: 'canvas.trace-canvas' },
  {
    name: 'timeline-dark',
    path: `${ui}/sessions/${session}/timeline`,
    ready: 'canvas.trace-canvas',
    dark: true,
    scroll: 'canvas.trace-canvas',
  },
  { name: 'not-found', path: '/ui/clusters/default/no-such-cluster', ready: '.not-found' },
];

async function shoot(page: Page, v: (typeof VIEWS)[number]) {
  await page.emulateMedia({ colorScheme: v.dark === true ? 'dark' : 'light' });
  await page.goto(host.baseUrl + v.path);
  await page.locator(v.ready).first().waitFor();
  // Every part of the view has loaded (no placeholder left).
  await page.waitForFunction(() => document.querySelector('.bone, [aria-busy="true"]') === null);
  if (v.scroll !== undefined) await page.locator(v.scroll).scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(OUT, `${v.name}.png`) });
}

it('takes a screenshot of each view', async () => {
  const exe = chromiumPath();
  if (exe === null) throw new Error('Chromium is needed for screenshots: apt-get install -y chromium');
  mkdirSync(OUT, { recursive: true });
  const browser = await launchChromium(exe);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    for (const v of VIEWS) await shoot(page, v);
    expect(VIEWS.length).toBeGreaterThan(0);
  } finally {
    await browser.close();
  }
});

/**
 * The dashboard views in Chromium against the local host, with the demo session's Ray events and
 * logs ingested through the API (test/ui/rayDemo.ts): the sessions' failure summaries (loaded for
 * rows on screen only), the overview with every failure one click from its log lines on the right
 * bytes, tasks and actors (filters, sort, pages, limits), search with partial pages, the timeline
 * pictures, deep links, empty states, no layout shift, keyboard and accessibility.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  FailuresResponse,
  Job,
  SearchReply,
  TaskListResponse,
  TraceEvent,
} from '../../ui/src/api/types.js';
import { startHost, type RunningHost } from '../helpers/host.js';
import { request } from '../helpers/http.js';
import { WORKERS } from '../helpers/rayCorpus.js';
import { browserForTests, launchChromium } from './browser.js';
import { DEMO, ingest, seedDemo, waitForIndex } from './fixture.js';
import { axeViolations, serious, texts, until } from './page.js';
import { BULK_TASKS } from './rayDemo.js';
import { fileBytes, highlighted, lastLine, viewerFile } from './viewer.js';

const exe = browserForTests();
const { namespace, cluster, session } = DEMO;
const S = { namespace, cluster, session };
const clusterPath = `/ui/clusters/${namespace}/${cluster}`;
const sessionPath = `${clusterPath}/sessions/${session}`;
const api = `/api/v1/clusters/${namespace}/${cluster}/sessions/${session}`;
/** A cluster with more sessions than a screen shows. */
const MANY = { namespace: 'default', cluster: 'many-sessions', sessions: 30 };

describe.skipIf(exe === null)('the dashboard views in a browser', () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const getJson = async <T>(path: string): Promise<T> => {
    const r = await request(host.baseUrl, path);
    expect(r.status, `${path}: ${r.text}`).toBe(200);
    return JSON.parse(r.text) as T;
  };
  const go = (path: string) => page.goto(host.baseUrl + path);

  beforeAll(async () => {
    // The smallest byte budget per search request, so a search of this session comes in partial pages.
    host = await startHost({ env: { LOCAL_HOST_BLOB_POLL_MS: '200', SEARCH_MAX_BYTES: '65536' } });
    await seedDemo(host.baseUrl);
    // 150 KB on the middle node: searches reaching the last node need more than one request.
    await ingest(host.baseUrl, { ...S, node: DEMO.worker }, [
      { file: 'zz-filler.log', data: 'filler line of a chatty worker\n'.repeat(5000) },
    ]);
    for (let i = 0; i < MANY.sessions; i++) {
      const name = `session_2026-02-01_00-00-${String(i).padStart(2, '0')}_000000_1`;
      await ingest(
        host.baseUrl,
        { namespace: MANY.namespace, cluster: MANY.cluster, session: name, node: 'head-0' },
        [{ file: 'raylet.out', data: `session ${i}\n` }],
      );
    }
    await waitForIndex(host.baseUrl, { clusters: 4, sessions: 4 + MANY.sessions });
    browser = await launchChromium(exe!);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it("sums up each session's failures in the sessions table, loading only the rows on screen, once", async () => {
    await go(clusterPath);
    const summary = (s: string) => page.locator(`tr:has(a:text-is("${s}")) .summary`);
    // Both rows there (before the sessions load there is no summary at all), neither loading.
    await until(
      page,
      'the summaries',
      () =>
        document.querySelectorAll('.summary').length === 2 &&
        document.querySelectorAll('.summary[aria-busy]').length === 0,
    );
    expect(await summary(session).innerText()).toBe('1 job · 15 tasks · 1 actor · 1 node');
    expect(await summary(DEMO.olderSession).innerText()).toBe('none');

    const small = await browser.newPage({ viewport: { width: 1280, height: 500 } });
    const asked: string[] = [];
    small.on('request', (r) => {
      const p = new URL(r.url()).pathname;
      if (p.startsWith(`/api/v1/clusters/${MANY.namespace}/${MANY.cluster}/`) && p.endsWith('/failures'))
        asked.push(p);
    });
    await small.goto(`${host.baseUrl}/ui/clusters/${MANY.namespace}/${MANY.cluster}`);
    await small.locator('table.sessions tbody tr a').first().waitFor();
    await until(
      small,
      'the first rows summed up',
      () => document.querySelector('.summary:not([aria-busy])') !== null,
    );
    const firstScreen = asked.length;
    expect(firstScreen).toBeGreaterThan(0);
    expect(firstScreen).toBeLessThan(MANY.sessions);
    await small.locator('table.sessions tbody tr').last().scrollIntoViewIfNeeded();
    await until(
      small,
      'every row summed up',
      () => document.querySelectorAll('.summary[aria-busy]').length === 0,
    );
    expect(new Set(asked).size).toBe(MANY.sessions);
    expect(asked).toHaveLength(MANY.sessions);
    // Away and back within the app, within the cache's lifetime: nothing is asked again.
    await small.click('nav.crumbs a:text("Clusters")');
    await small.click(`a[href="/ui/clusters/${MANY.namespace}/${MANY.cluster}"]`);
    await until(
      small,
      'the summaries again',
      () => document.querySelectorAll('.summary:not([aria-busy])').length > 0,
    );
    expect(asked).toHaveLength(MANY.sessions);
    await small.close();
  });

  it('shows every failure of the session, each one click from its log lines, on the right bytes', async () => {
    const failures = await getJson<FailuresResponse>(`${api}/failures`);
    const expected = [
      ...failures.jobs.map((j) => j.log),
      ...failures.tasks.groups.map((g) => g.example.log),
      ...failures.actors.map((a) => a.log),
      ...failures.nodes.map((n) => n.log),
    ];
    expect(expected.every((l) => l !== null)).toBe(true);
    await go(clusterPath);
    await page.click(`tr:has(a:text-is("${session}")) a.summary`);
    await page.locator('.failures a.log-link').first().waitFor();
    expect(await texts(page, '.failures-tasks tbody th')).toEqual(
      failures.tasks.groups.map((g) => g.errorType),
    );
    expect(await texts(page, '.failures-tasks tbody td.num')).toEqual(
      failures.tasks.groups.map((g) => String(g.count)),
    );
    expect(await page.locator('.failures a.log-link').count()).toBe(expected.length);

    for (const [i, loc] of expected.entries()) {
      if (i > 0) {
        await go(sessionPath);
        await page.locator('.failures a.log-link').first().waitFor();
      }
      await page.locator('.failures a.log-link').nth(i).click();
      await page.locator('.log-line').first().waitFor();
      const at = viewerFile(page.url());
      expect({ node: at.node, file: at.file }, `failure ${i}`).toEqual({ node: loc!.node, file: loc!.file });
      if (loc!.range !== undefined) {
        expect(at.hash).toBe(`#B${loc!.range[0]}-${loc!.range[1]}`);
        expect(await highlighted(page), `failure ${i}`).toBe(
          await fileBytes(host.baseUrl, S, loc!.node, loc!.file, loc!.range),
        );
      } else {
        const whole = await fileBytes(host.baseUrl, S, loc!.node, loc!.file);
        expect(await lastLine(page), `failure ${i}`).toBe(whole.trimEnd().split('\n').at(-1));
      }
    }
  });

  it("lists the session's jobs with status and duration, and its nodes alive and dead with resources", async () => {
    const jobs = await getJson<Job[]>(`${api}/ray/api/jobs/`);
    await go(sessionPath);
    await page.locator('table.jobs tbody tr td a').first().waitFor();
    const newest = [...jobs].sort((a, b) => (b.start_time ?? 0) - (a.start_time ?? 0));
    expect(await texts(page, 'table.jobs tbody .badge')).toEqual(newest.map((j) => j.status));
    const durations = newest.map((j) => `${((j.end_time! - j.start_time!) / 1000).toFixed(1)} s`);
    expect(await texts(page, 'table.jobs tbody td.num')).toEqual(durations);
    expect(await texts(page, 'table.nodes-table tbody td:first-child')).toEqual([
      DEMO.head,
      DEMO.worker,
      DEMO.deadWorker,
    ]);
    expect(await texts(page, 'table.nodes-table tbody .badge')).toEqual(['ALIVE', 'ALIVE', 'DEAD']);
    const dead = await page.locator('table.nodes-table tbody tr').nth(2).innerText();
    expect(dead).toContain('missing heartbeats');
    expect(dead).toContain('CPU 8 · GPU 1 · memory 16 GiB');
    await page.click('details.status summary');
    await page.locator('pre.status-text').waitFor();
    expect(await page.locator('pre.status-text').innerText()).toContain('Autoscaler status');
  });

  it('filters, sorts and pages the task attempts, through the route’s limits, in a URL that reloads', async () => {
    await go(sessionPath);
    await page.click('nav.tabs a:text("Tasks")');
    await page.locator('table.tasks tbody tr button.disclose').first().waitFor();
    const total = BULK_TASKS + 12; // the corpus's attempts without the drivers
    const pager = page.locator('.pager');
    expect(await pager.innerText()).toContain(`${total} match; the first 100 (in task-id order) are here`);
    expect(await pager.innerText()).toContain('Task attempts 1–50 of 100');
    await page.click('button:text("Next →")');
    await until(page, 'page 2', () =>
      document.querySelector('.pager')?.textContent?.includes('51–100 of 100'),
    );
    expect(new URL(page.url()).searchParams.get('page')).toBe('2');
    await page.click('button:text("Fetch up to 1,000")');
    await until(
      page,
      'every attempt',
      (n) => document.querySelector('.pager')?.textContent?.includes(`1–50 of ${n}`),
      total,
    );
    expect(await pager.innerText()).toContain('Page 1 of 6');

    await page.selectOption('#f-state', 'FAILED');
    await until(page, 'the failed ones', () =>
      document.querySelector('.pager')?.textContent?.includes('15 match'),
    );
    expect(new Set(await texts(page, 'table.tasks tbody .badge'))).toEqual(new Set(['FAILED']));
    expect(await page.locator('table.tasks tbody tr').count()).toBe(15);
    // Sorted by duration, longest first, by keyboard.
    await page.focus('th:has-text("Duration") button');
    await page.keyboard.press('Enter');
    await until(page, 'sorted', () =>
      document.querySelector('th[aria-sort="descending"]')?.textContent?.includes('Duration'),
    );
    const ms = (t: string) => (t.endsWith(' ms') ? Number(t.slice(0, -3)) : Number(t.slice(0, -2)) * 1000);
    const shown = (await texts(page, 'table.tasks tbody td.num')).map(ms);
    expect(shown).toEqual([...shown].sort((a, b) => b - a));
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({
      limit: '1000',
      state: 'FAILED',
      sort: '-duration',
    });
    await page.reload();
    await until(
      page,
      'the same rows after reload',
      () => document.querySelectorAll('table.tasks tbody tr').length === 15,
    );
    expect(await page.locator('#f-state').inputValue()).toBe('FAILED');
    expect((await texts(page, 'table.tasks tbody td.num')).map(ms)).toEqual(shown);
    await page.goBack();
    await until(page, 'unsorted again', () =>
      document.querySelector('th[aria-sort="descending"]')?.textContent?.includes('Started'),
    );
    await page.goBack();
    await until(
      page,
      'every state again',
      (n) => document.querySelector('.pager')?.textContent?.includes(`${n} match`),
      total,
    );
    expect(await page.locator('#f-state').inputValue()).toBe('');
  });

  it('opens a failed task’s own output from its row, and shows its state changes', async () => {
    const failedH = await getJson<TaskListResponse>(
      `${api}/ray/api/v0/tasks?filter_keys=func_or_class_name&filter_predicates=%3D&filter_values=h&detail=true`,
    );
    const h = failedH.data.result.result[0]!;
    await go(`${sessionPath}/tasks?func=h`);
    await page.locator('table.tasks tbody tr button.disclose').first().waitFor();
    expect(await page.locator('table.tasks tbody tr').count()).toBe(1);
    await page.click('table.tasks button.disclose');
    expect(await texts(page, '.transitions .badge')).toEqual(h.events!.map((e) => e.state));
    expect(await page.locator('.task-detail pre.error-text').innerText()).toBe(h.error_message);
    await page.click('table.tasks tbody tr:first-child a:text("log →")');
    const info = h.task_log_info!;
    const range: [number, number] = [Number(info.stderr_start), Number(info.stderr_end)];
    const at = viewerFile(page.url());
    expect(at.hash).toBe(`#B${range[0]}-${range[1]}`);
    expect(await highlighted(page)).toBe(await fileBytes(host.baseUrl, S, at.node, at.file, range));
    expect(await highlighted(page)).toContain('ValueError: boom');
  });

  it('filters and sorts the actors, each with its worker’s log', async () => {
    await go(sessionPath);
    await page.click('nav.tabs a:text("Actors")');
    await page.locator('table.actors tbody tr .badge').first().waitFor();
    expect(await page.locator('table.actors tbody tr').count()).toBe(2);
    await page.selectOption('#f-state', 'DEAD');
    await until(
      page,
      'the dead actor',
      () => document.querySelectorAll('table.actors tbody tr').length === 1,
    );
    const row = await page.locator('table.actors tbody tr').innerText();
    expect(row).toContain('Flaky');
    expect(row).toContain('SYSTEM_ERROR');
    await page.click('table.actors tbody tr a:text("log →")');
    expect(viewerFile(page.url()).file).toBe(`worker-${WORKERS.flaky2}-01000000-5151.err`);
    expect(await lastLine(page)).toBe('SystemExit: the Flaky actor exited its worker process');
    // A live actor's pid is not in the events: its log is found by its worker id.
    await go(`${sessionPath}/actors?q=counter`);
    await until(page, 'the counter', () => document.querySelectorAll('table.actors tbody tr').length === 1);
    await page.click('table.actors tbody tr button:text("log →")');
    await until(page, 'its log', (w) => location.pathname.includes(`worker-${w}`), WORKERS.counter);
    expect(await lastLine(page)).toContain('Counter ready');
  });

  it('searches the logs: hits open the viewer at their line; a partial page says so and continues', async () => {
    await go(sessionPath);
    await page.click('nav.tabs a:text("Search")');
    await page.fill('#s-q', 'shard-047');
    await page.keyboard.press('Enter');
    await page.locator('a.hit').first().waitFor();
    expect(new URL(page.url()).searchParams.get('q')).toBe('shard-047');
    const reply = await getJson<SearchReply>(`${api}/search?q=shard-047`);
    const hit = reply.hits[0]!;
    expect(await page.locator('a.hit').count()).toBe(reply.hits.length);
    expect(await page.locator('a.hit mark').first().innerText()).toBe('shard-047');
    await page.locator('a.hit').first().click();
    const at = viewerFile(page.url());
    expect(at).toEqual({ node: hit.node, file: hit.file, hash: `#L${hit.line}@${hit.offset}` });
    expect(await highlighted(page)).toBe(`${hit.text}\n`);
    expect(await page.locator('.log-line.hl a.ln').innerText()).toBe(String(hit.line));
    await page.goBack();
    await page.locator('a.hit').first().waitFor();

    // Only on the last node, behind more bytes than one request may read.
    await page.fill('#s-q', 'memory_monitor');
    await page.keyboard.press('Enter');
    await page.getByText('Partial results — the search stopped early').waitFor();
    let continued = 0;
    while ((await page.locator('a.hit').count()) === 0) {
      await page.getByText('Partial results — the search stopped early').waitFor();
      await page.click('button:text("Continue searching")');
      continued++;
      await until(
        page,
        'the next page',
        () => document.querySelector('.search-results')?.getAttribute('aria-busy') === 'false',
      );
      expect(continued).toBeLessThan(10);
    }
    expect(continued).toBeGreaterThan(0);
    await page.getByText('every file was searched').waitFor();
    expect(await page.locator('a.hit').innerText()).toContain('memory_monitor.cc:197');
    await page.locator('a.hit').click();
    expect(await highlighted(page)).toContain('Node memory usage is 96%');
  });

  it('draws the session over time and its task timeline, loaded on demand, each part a link', async () => {
    const chunks: string[] = [];
    page.on('request', (r) => {
      if (/\/ui\/assets\/Timeline-.*\.js$/.test(new URL(r.url()).pathname)) chunks.push(r.url());
    });
    await go(sessionPath);
    await page.locator('.failures a.log-link').first().waitFor();
    expect(chunks).toEqual([]);
    await page.click('nav.tabs a:text("Timeline")');
    await page.locator('.state-chart svg').waitFor();
    expect(chunks).toHaveLength(1);
    expect(await page.locator('.state-chart .lane').count()).toBe(3 + 3 + 2 + 1 + 1);
    expect(await page.locator('table.changes tbody').innerText()).toContain('Unexpected termination');

    const trace = await getJson<TraceEvent[]>(`${api}/ray/api/v0/tasks/timeline`);
    const spans = trace.filter((e) => e.ph === 'X').length;
    const canvas = page.locator('canvas.trace-canvas');
    expect(await canvas.getAttribute('aria-label')).toContain(`${spans} spans`);
    const shownText = () => page.locator('.trace-bar .muted').innerText();
    const before = await shownText();
    await canvas.focus();
    await page.keyboard.press('+');
    await until(
      page,
      'zoomed in',
      (b) => document.querySelector('.trace-bar .muted')?.textContent !== b,
      before,
    );
    await page.keyboard.press('0');
    await until(
      page,
      'fitted again',
      (b) => document.querySelector('.trace-bar .muted')?.textContent === b,
      before,
    );
    // The first span of the first worker starts at the left edge of the drawing.
    const box = (await canvas.boundingBox())!;
    await page.mouse.click(box.x + 192, box.y + 22 + 5 + 6);
    await page.locator('.span-detail a').waitFor();
    await page.click('.span-detail a');
    await until(page, 'the task', () => document.querySelectorAll('table.tasks tbody tr').length === 1);
    expect(new URL(page.url()).searchParams.get('task')).toMatch(/^[0-9a-f]{48}$/);

    // The dead node's mark leads to its logs.
    await go(`${sessionPath}/timeline`);
    await page.locator(`.state-chart a[aria-label^="${DEMO.deadWorker} died"]`).click();
    await until(page, "the dead node's logs", () =>
      location.pathname.endsWith('/logs/raycluster-kuberay-worker-9qd2m'),
    );

    // A job without profile events says so, in a URL that reloads.
    await go(`${sessionPath}/timeline?job=02000000`);
    await page.getByText('No task profile events').waitFor();
    await page.reload();
    await page.getByText('No task profile events').waitFor();
    expect(await page.locator('#t-job').inputValue()).toBe('02000000');
  });

  it('reloads every dashboard view from its URL (deep links), titled', async () => {
    const views: [string, string][] = [
      [`${sessionPath}/tasks?state=FAILED&error=WORKER_DIED`, 'table.tasks tbody tr .badge'],
      [`${sessionPath}/actors?state=DEAD`, 'table.actors tbody tr .badge'],
      [`${sessionPath}/search?q=ValueError&case=ignore`, 'a.hit'],
      [`${sessionPath}/timeline?every=1`, '.state-chart svg'],
      [
        `${sessionPath}/logs/${DEMO.worker}/worker-${WORKERS.w1a}-02000000-7311.err#B4096-5120`,
        '.log-line.hl',
      ],
    ];
    for (const [path, ready] of views) {
      await go(path);
      await page.locator(ready).first().waitFor();
      expect(await page.title(), path).toMatch(/— Ray history$/);
    }
    await go(views[0]![0]);
    await page.locator('table.tasks tbody tr .badge').first().waitFor();
    expect(await texts(page, 'table.tasks tbody td:nth-child(7)')).toEqual([
      expect.stringContaining('WORKER_DIED'),
    ]);
  });

  it('says what is not there: a session without Ray events, an unknown session, a search without hits', async () => {
    const older = `${clusterPath}/sessions/${DEMO.olderSession}`;
    await go(older);
    await page.getByText('No failures recorded').waitFor();
    await page.getByText('No jobs recorded').waitFor();
    await go(`${older}/tasks`);
    await page.getByText('No tasks recorded').waitFor();
    await go(`${older}/actors`);
    await page.getByText('No actors recorded').waitFor();
    await go(`${older}/timeline`);
    await page.getByText('Nothing happened that the events recorded').waitFor();
    await go(`${older}/search?q=no-such-token-anywhere`);
    await page.getByText('No line matches').waitFor();
    await go(`${clusterPath}/sessions/session_2020-01-01_00-00-00_000000_1/tasks`);
    await page.getByRole('heading', { name: 'No such session' }).waitFor();
    await go(`${sessionPath}/tasks?state=PENDING_ARGS_AVAIL`);
    await page.getByText('No task matches these filters').waitFor();
  });

  it('does not move anything when the data arrives', async () => {
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await fresh.addInitScript(() => {
      (window as unknown as { cls: number }).cls = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[]) {
          if (!e.hadRecentInput) (window as unknown as { cls: number }).cls += e.value;
        }
      }).observe({ type: 'layout-shift', buffered: true });
    });
    for (const [path, ready] of [
      [sessionPath, 'table.nodes-table tbody tr .badge'],
      [`${sessionPath}/tasks`, 'table.tasks tbody tr .badge'],
      [`${sessionPath}/actors`, 'table.actors tbody tr .badge'],
      [`${sessionPath}/timeline`, 'canvas.trace-canvas'],
    ] as const) {
      await fresh.goto(host.baseUrl + path);
      await fresh.locator(ready).first().waitFor();
      await until(fresh, 'nothing loading', () => document.querySelector('[aria-busy="true"]') === null);
      const cls = await fresh.evaluate(() => (window as unknown as { cls: number }).cls);
      console.log(`[ui metrics] ${path.replace(sessionPath, '…/session')}: CLS ${cls.toFixed(4)}`);
      expect(cls, path).toBeLessThan(0.1);
    }
    await fresh.close();
  });

  it('has no serious accessibility violations in the dashboard views, light or dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [path, ready] of [
        [clusterPath, '.summary.failed'],
        [sessionPath, '.failures a.log-link'],
        [`${sessionPath}/tasks?state=FAILED`, 'table.tasks tbody tr .badge'],
        [`${sessionPath}/actors`, 'table.actors tbody tr .badge'],
        [`${sessionPath}/search?q=memory_monitor`, '.notice'],
        [`${sessionPath}/search?q=ValueError`, 'a.hit'],
        [`${sessionPath}/timeline`, 'canvas.trace-canvas'],
        [
          `${sessionPath}/logs/${DEMO.worker}/worker-${WORKERS.w1a}-02000000-7311.err#B4096-5120`,
          '.log-line.hl',
        ],
      ] as const) {
        await go(path);
        await page.locator(ready).first().waitFor();
        await until(page, 'nothing loading', () => document.querySelector('[aria-busy="true"]') === null);
        if (path.endsWith('/tasks?state=FAILED')) await page.click('table.tasks button.disclose');
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

/** What the browser tests read back from the log viewer, and the bytes they compare it with. */
import type { Page } from 'playwright-core';
import { request } from '../helpers/http.js';
import { until } from './page.js';

/** Bytes [start, end) of a stored log file, through the app's file route (a Range read). */
export async function fileBytes(
  baseUrl: string,
  session: { namespace: string; cluster: string; session: string },
  node: string,
  file: string,
  range?: [number, number],
): Promise<string> {
  const path = `/api/v1/clusters/${session.namespace}/${session.cluster}/sessions/${session.session}/logs/${node}/${file
    .split('/')
    .map(encodeURIComponent)
    .join('/')}`;
  const r = await request(
    baseUrl,
    path,
    range === undefined ? {} : { headers: { Range: `bytes=${range[0]}-${range[1] - 1}` } },
  );
  if (r.status !== 200 && r.status !== 206) throw new Error(`${path}: ${r.status} ${r.text}`);
  return r.text;
}

/** The highlighted lines of the viewer, once there are some, as the file holds them (each with its newline). */
export async function highlighted(page: Page): Promise<string> {
  await until(page, 'highlighted lines', () => document.querySelectorAll('.log-line.hl').length > 0);
  const lines = await page.locator('.log-line.hl .lt').allInnerTexts();
  return lines.map((l) => `${l}\n`).join('');
}

/** The last line the viewer holds, once the file has opened at its end. */
export async function lastLine(page: Page): Promise<string> {
  await until(
    page,
    'the end of the file',
    () => document.querySelector('.log')?.getAttribute('aria-busy') === 'false',
  );
  return (await page.locator('.log-line .lt').last().innerText()).trimEnd();
}

/** The node and file the viewer shows, from its URL. */
export function viewerFile(url: string): { node: string; file: string; hash: string } {
  const u = new URL(url);
  const m = /\/logs\/([^/]+)\/(.+)$/.exec(u.pathname);
  if (m === null) throw new Error(`not a log viewer URL: ${url}`);
  return {
    node: decodeURIComponent(m[1]!),
    file: m[2]!.split('/').map(decodeURIComponent).join('/'),
    hash: u.hash,
  };
}

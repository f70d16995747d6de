/** Small helpers for driving the UI in Chromium from vitest (playwright-core has no `expect`). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** Resolves once `check(arg)` (run in the page) returns something truthy; fails with `what` after 15 s. */
export async function until<T, A = undefined>(
  page: Page,
  what: string,
  check: (arg: A) => T,
  arg?: A,
): Promise<T> {
  try {
    const handle = await page.waitForFunction(check as (arg: unknown) => T, arg, {
      timeout: 15_000,
      polling: 50,
    });
    return await handle.jsonValue();
  } catch (err) {
    throw new Error(`timed out waiting for ${what} at ${page.url()}: ${String(err)}`);
  }
}

/** The visible text of every element matching `selector`. */
export function texts(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).allInnerTexts();
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * axe-core's violations of the page as it is now (WCAG 2.1 A/AA rules). Evaluated through the
 * debugging protocol, so the page's Content-Security-Policy does not have to allow it.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] },
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
}

/** Violations axe rates serious or critical. */
export const serious = (vs: AxeViolation[]) =>
  vs.filter((v) => v.impact === 'serious' || v.impact === 'critical');

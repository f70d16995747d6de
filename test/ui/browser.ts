/**
 * Debian's Chromium driven by playwright-core, launched as this machine allows (headless, no sandbox
 * as root, nothing reaching the network).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The Chromium executable, or null when none is installed. */
export function chromiumPath(): string | null {
  return CANDIDATES.find((p): p is string => p !== undefined && p !== '' && existsSync(p)) ?? null;
}

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-precise-memory-info',
];

/**
 * Launches Chromium. Playwright gives every launch a new empty profile (a temporary user-data-dir it
 * removes on close; it refuses `--user-data-dir` in `args`).
 */
export async function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS });
}

let warned = false;

/**
 * The Chromium to test with. Where none is installed the browser suites are skipped with a loud
 * message (CI installs it in .ci/run, and there a missing browser fails the run instead).
 */
export function browserForTests(): string | null {
  const exe = chromiumPath();
  if (exe !== null) return exe;
  if (process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false') {
    throw new Error('CI: Chromium is missing (.ci/run installs it with apt-get install -y chromium)');
  }
  if (!warned) {
    warned = true;
    const bar = '!'.repeat(78);
    console.error(
      `\n${bar}\n!! BROWSER TESTS SKIPPED: no Chromium at /usr/bin/chromium (or CHROMIUM_PATH).\n` +
        `!! The history UI is NOT tested. Install it: apt-get update && apt-get install -y chromium\n${bar}\n`,
    );
  }
  return null;
}

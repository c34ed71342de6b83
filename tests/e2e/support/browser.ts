import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { onTestFailed } from 'vitest';
import { ROOT } from '../build.ts';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** CHROME_PATH, else Debian's Chromium. `npx playwright install` cannot work on our machines. */
export function findChromium(): string | null {
  const fromEnv = process.env['CHROME_PATH'];
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
}

/**
 * Whether the browser layer can run here. CI sets QM_REQUIRE_BROWSER=1, which turns a missing
 * browser into a failure instead of a skip.
 */
export function browserAvailable(): boolean {
  if (findChromium()) return true;
  const message =
    'e2e: no Chromium found (set CHROME_PATH or `apt-get install chromium`); browser tests are SKIPPED.';
  if (process.env['QM_REQUIRE_BROWSER'] === '1') throw new Error(message.replace('SKIPPED', 'REQUIRED here'));
  console.warn(`\n*** ${message} ***\n`);
  return false;
}

export interface BrowserSession {
  browser: Browser;
  close(): Promise<void>;
}

/** Playwright gives every launch a fresh, throwaway profile directory of its own. */
export async function launchBrowser(): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: findChromium() ?? undefined,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

/** Call inside a test: if it fails, a screenshot of the page lands in test-results/e2e/. */
export function screenshotOnFailure(page: Page): void {
  onTestFailed(async ({ task }) => {
    const dir = join(ROOT, 'test-results/e2e');
    await mkdir(dir, { recursive: true });
    const name = task.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true }).catch(() => undefined);
  });
}

/** Collects console errors and uncaught exceptions, so a test can assert the page stayed clean. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return errors;
}

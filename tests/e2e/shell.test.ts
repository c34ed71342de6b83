import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  browserAvailable,
  launchBrowser,
  pageErrors,
  screenshotOnFailure,
  type BrowserSession,
} from './support/browser.ts';
import { APP_VERSION, startStack, type Stack } from './support/stack.ts';

describe.runIf(browserAvailable())('app shell in Chromium', () => {
  let stack: Stack;
  let session: BrowserSession;

  beforeAll(async () => {
    stack = await startStack({ keychain: 'memory' });
    session = await launchBrowser();
  });
  afterAll(async () => {
    await session?.close();
    await stack?.close();
  });

  async function openApp(): Promise<{ page: Page; errors: string[] }> {
    const page = await session.browser.newPage();
    const errors = pageErrors(page);
    screenshotOnFailure(page);
    await page.goto(stack.harness.url);
    await page.getByTestId('app-shell').waitFor();
    return { page, errors };
  }

  it('renders the frame and shows the version fetched over the qm bridge', async () => {
    const { page, errors } = await openApp();
    for (const view of ['review', 'agents', 'accounts', 'settings']) {
      await expect(page.getByTestId(`nav-${view}`).isVisible()).resolves.toBe(true);
    }
    await expect(page.getByTestId('app-version').textContent()).resolves.toContain(APP_VERSION);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('round-trips a setting through main and the file it persists to', async () => {
    const { page } = await openApp();
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('theme-select').selectOption('dark');
    await page.waitForFunction(() => document.documentElement.dataset['theme'] === 'dark');
    const file = JSON.parse(await readFile(join(stack.dataDir, 'settings.json'), 'utf8')) as {
      theme: string;
    };
    expect(file.theme).toBe('dark');
    await page.reload();
    await page.getByTestId('app-shell').waitFor();
    await page.waitForFunction(() => document.documentElement.dataset['theme'] === 'dark');
    await page.close();
  });

  it('answers a bad payload with a typed error, not a throw', async () => {
    const { page } = await openApp();
    const result = await page.evaluate(() =>
      (window as unknown as { qm: { accounts: { use(r: unknown): Promise<unknown> } } }).qm.accounts.use({
        id: '../../etc',
      }),
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    await page.close();
  });

  it('runs under the strict CSP: inline script is refused', async () => {
    const { page } = await openApp();
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe');
    const ran = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.head.append(script);
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
    });
    expect(ran).toBe(false);
    await page.close();
  });

  it('switches views from the keyboard', async () => {
    const { page } = await openApp();
    await page.keyboard.press('Control+5');
    await expect(page.getByTestId('theme-select').isVisible()).resolves.toBe(true);
    await page.keyboard.press('Control+1');
    await expect(page.getByTestId('theme-select').count()).resolves.toBe(0);
    await page.close();
  });
});

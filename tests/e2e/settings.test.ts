// Settings in Chromium, against the real services: theme, sync page size and an export default
// are kept across a reload (main's settings file); the demo workspace is switched on from here,
// its cached size shows, clearing it makes the size drop and the Review view empty; "Copy
// diagnostics" reaches the clipboard port.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataUsage, Result, Settings } from '../../src-preload/contract.ts';
import { ROOT } from './build.ts';
import {
  browserAvailable,
  launchBrowser,
  pageErrors,
  screenshotOnFailure,
  type BrowserSession,
} from './support/browser.ts';
import { APP_VERSION, startStack, type Stack } from './support/stack.ts';

const SHOTS = join(ROOT, 'test-results/e2e');
/** The whole demo through the real sync and store, on a busy two-core machine. */
const DEMO_SYNC_MS = 240_000;

/** Asks main through the page's own window.qm, as the renderer does. */
async function ask<T>(page: Page, ns: string, method: string): Promise<T> {
  const result = await page.evaluate(
    async ([n, m]) => {
      const qm = (window as unknown as { qm: Record<string, Record<string, () => unknown>> }).qm;
      return (await qm[n as string]![m as string]!()) as Result<unknown>;
    },
    [ns, method] as const,
  );
  if (!result.ok) throw new Error(`${ns}.${method}: ${result.error.code} ${result.error.message}`);
  return result.data as T;
}

const demoBytes = async (page: Page): Promise<number> =>
  (await ask<DataUsage>(page, 'data', 'usage')).accounts.find((a) => a.profileId === 'demo')?.bytes ?? 0;

describe.runIf(browserAvailable())('settings in Chromium', () => {
  let stack: Stack;
  let session: BrowserSession;
  let page: Page;
  let errors: string[];

  const openSettings = async (): Promise<void> => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('sync-page-size').waitFor();
  };
  const demoRow = () => page.locator('[data-profile="demo"]');

  beforeAll(async () => {
    stack = await startStack({ keychain: 'memory' });
    session = await launchBrowser();
    page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
    errors = pageErrors(page);
    await page.goto(stack.harness.url);
    await page.getByTestId('app-shell').waitFor();
    await mkdir(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await session?.close();
    await stack?.close();
  });

  it('theme, page size and an export default apply at once and survive a reload', async () => {
    screenshotOnFailure(page);
    await openSettings();
    await page.getByTestId('theme-select').selectOption('dark');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');

    const pageSize = page.getByTestId('sync-page-size');
    await pageSize.fill('0');
    await pageSize.press('Enter');
    expect(await pageSize.getAttribute('aria-invalid')).toBe('true');
    await pageSize.fill('250');
    await pageSize.press('Enter');
    await page.getByTestId('export-default-bom').uncheck();
    await page.getByTestId('export-default-columns').getByText('Every column').click();

    await expect
      .poll(async () => {
        const s = await ask<Settings>(page, 'settings', 'get');
        return [s.theme, s.sync.pageSize, s.export.bom, s.export.columns];
      })
      .toEqual(['dark', 250, false, 'all']);
    expect(await pageSize.getAttribute('aria-invalid')).toBeNull();
    await page.screenshot({ path: join(SHOTS, 'settings-dark.png'), fullPage: true });

    await page.reload();
    await page.getByTestId('app-shell').waitFor();
    await openSettings();
    expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    expect(await page.getByTestId('theme-select').inputValue()).toBe('dark');
    expect(await page.getByTestId('sync-page-size').inputValue()).toBe('250');
    expect(await page.getByTestId('export-default-bom').isChecked()).toBe(false);
    expect(
      await page.getByTestId('export-default-columns').locator('[data-testid="segmented-all"]').isChecked(),
    ).toBe(true);

    // Back to the light theme for the rest (and its screenshot).
    await page.getByTestId('theme-select').selectOption('light');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset['theme'])).toBe('light');
  });

  it(
    'the demo switch opens the demo; its size shows, and clearing it empties the Review view',
    { timeout: DEMO_SYNC_MS + 60_000 },
    async () => {
      screenshotOnFailure(page);
      await openSettings();
      const sw = page.getByTestId('demo-switch');
      expect(await sw.getAttribute('aria-checked')).toBe('false');
      await sw.click();
      await expect.poll(() => sw.getAttribute('aria-checked'), { timeout: 30_000 }).toBe('true');
      await page.getByTestId('job-ended').waitFor({ timeout: DEMO_SYNC_MS });

      const before = await demoBytes(page);
      expect(before).toBeGreaterThan(0);
      await expect
        .poll(() => demoRow().getByTestId('usage-size').textContent())
        .toMatch(/^[\d.,]+ (KB|MB|GB)$/);
      expect(await demoRow().textContent()).toContain('Demo data');
      await page.screenshot({ path: join(SHOTS, 'settings-light.png'), fullPage: true });

      await demoRow().getByTestId('usage-clear').click();
      const dialog = page.getByTestId('clear-dialog');
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain('The account and its credentials');
      await page.screenshot({ path: join(SHOTS, 'settings-clear-dialog.png') });
      await page.getByTestId('clear-confirm').click();
      await dialog.waitFor({ state: 'detached' });

      await expect.poll(() => demoRow().getByTestId('usage-size').textContent()).not.toMatch(/MB$/);
      const after = await demoBytes(page);
      expect(after).toBeLessThan(before);
      // The account stays.
      expect(await sw.getAttribute('aria-checked')).toBe('true');

      await page.getByTestId('nav-review').click();
      const empty = page.getByTestId('empty-state');
      await empty.waitFor();
      expect(await empty.textContent()).toContain('cached for this account yet');
      await page.screenshot({ path: join(SHOTS, 'settings-cleared-review.png') });
    },
  );

  it('"Copy diagnostics" puts the report on the clipboard and says so', async () => {
    screenshotOnFailure(page);
    await openSettings();
    const copied = stack.clipboard.length;
    await page.getByTestId('copy-diagnostics').click();
    await page.getByTestId('toast').filter({ hasText: 'Diagnostics copied' }).waitFor();
    expect(stack.clipboard.length).toBe(copied + 1);
    const text = stack.clipboard.at(-1)!;
    expect(text).toContain(APP_VERSION);
    expect(text).toContain(stack.dataDir);

    await page.getByTestId('open-logs-folder').click();
    await expect.poll(() => stack.opened.length).toBe(1);
    expect(stack.opened[0]).toBe(await page.getByTestId('logs-dir').textContent());
    expect(errors).toEqual([]);
  });
});

describe.runIf(browserAvailable())('settings in Chromium without a clipboard', () => {
  let stack: Stack;
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack({ keychain: 'memory', clipboard: false });
    session = await launchBrowser();
    page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(stack.harness.url);
    await page.getByTestId('app-shell').waitFor();
  });
  afterAll(async () => {
    await session?.close();
    await stack?.close();
  });

  it('"Copy diagnostics" shows the report, selected, to copy by hand', async () => {
    screenshotOnFailure(page);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('copy-diagnostics').click();
    const text = page.getByTestId('diagnostics-text');
    await text.waitFor();
    const value = await text.inputValue();
    expect(value).toContain(APP_VERSION);
    expect(value).toContain(stack.dataDir);
    const selected = await text.evaluate((el: HTMLTextAreaElement) => el.selectionEnd - el.selectionStart);
    expect(selected).toBe(value.length);
    expect(await page.getByTestId('toast').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'settings-diagnostics-by-hand.png') });
    await page.keyboard.press('Escape');
    await text.waitFor({ state: 'detached' });
  });
});

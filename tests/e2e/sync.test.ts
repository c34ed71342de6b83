import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { SimAccount } from '../simulator/index.ts';
import { ROOT } from './build.ts';
import {
  browserAvailable,
  launchBrowser,
  pageErrors,
  screenshotOnFailure,
  type BrowserSession,
} from './support/browser.ts';
import { startStack, type Stack } from './support/stack.ts';

const ACCOUNT: SimAccount = {
  accountSid: `AC${'5'.repeat(32)}`,
  authToken: 'sync-e2e-token-9c1d',
  apiKeys: [],
};
/** Enough segments, and enough latency, that a sync is still running when the test cancels it. */
const SEGMENTS = 60;
const LATENCY_MS = 400;
const SHOTS = join(ROOT, 'test-results/e2e');

describe.runIf(browserAvailable())('sync in Chromium (simulator)', () => {
  let stack: Stack;
  let session: BrowserSession;
  let page: Page;
  let errors: string[];
  let segmentIds: string[];
  let expected: { assessments: number; comments: number };

  beforeAll(async () => {
    stack = await startStack({ keychain: 'memory', simulator: { accounts: [ACCOUNT], assessments: 3000 } });
    const data = stack.sim!.data;
    segmentIds = data.segmentIds().slice(0, SEGMENTS);
    expected = {
      assessments: segmentIds.reduce((n, segmentId) => n + data.countAssessments({ segmentId }), 0),
      comments: segmentIds.reduce((n, segmentId) => n + data.countComments({ segmentId }), 0),
    };
    session = await launchBrowser();
    page = await session.browser.newPage({ viewport: { width: 1280, height: 800 } });
    errors = pageErrors(page);
    await page.goto(stack.harness.url);
    await page.getByTestId('app-shell').waitFor();
    await mkdir(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await session?.close();
    await stack?.close();
  });

  const counts = () => page.getByTestId('stored-counts');
  const countOf = async (key: string): Promise<number> =>
    Number(((await counts().locator(`[data-count="${key}"]`).textContent()) ?? '').replace(/\D/g, ''));
  const ended = () => page.getByTestId('job-ended');

  /** A spreadsheet column, pasted the way a browser delivers it (a paste event with clipboard data). */
  async function pasteColumn(text: string): Promise<void> {
    await page.getByTestId('review-search').focus();
    await page.getByTestId('review-search').evaluate((input, pasted) => {
      const data = new DataTransfer();
      data.setData('text/plain', pasted);
      input.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
      );
    }, text);
  }

  it('adds an account against the simulator and teaches what to do first', async () => {
    screenshotOnFailure(page);
    await page.getByTestId('nav-accounts').click();
    await page.getByTestId('account-add').click();
    await page.getByTestId('account-label').fill('Support EU');
    await page.getByTestId('account-sid').fill(ACCOUNT.accountSid);
    await page.getByTestId('account-secret').fill(ACCOUNT.authToken);
    await page.getByTestId('account-advanced').click();
    await page.getByTestId('account-base-url').fill(stack.sim!.url);
    await page.getByTestId('account-save').click();
    await page.locator('[data-testid="account-row"][data-account-label="Support EU"]').waitFor();
    await page.getByTestId('nav-review').click();
    await expect
      .poll(() => page.getByTestId('empty-state').textContent(), { timeout: 15_000 })
      .toContain('No assessments cached for this account yet. Paste segment IDs above and press Sync.');
  });

  it('syncs a pasted column with visible progress, and cancels it', async () => {
    screenshotOnFailure(page);
    stack.sim!.setLatency(LATENCY_MS);
    await pasteColumn(segmentIds.join('\r\n') + '\r\n');
    await expect
      .poll(() => page.getByTestId('sync-summary').textContent())
      .toBe(`${SEGMENTS} IDs · ${SEGMENTS} segments`);
    await page.getByTestId('review-search').press('Enter');

    const running = page.getByTestId('job-running');
    await running.waitFor();
    expect(await running.textContent()).toContain(`Sync ${SEGMENTS} segments`);
    // Progress moves: some segments done, not all, the bar says how far.
    await expect
      .poll(async () => Number((await page.getByTestId('job-bar').getAttribute('aria-valuenow')) ?? 0), {
        timeout: 30_000,
      })
      .toBeGreaterThan(0);
    const done = Number(await page.getByTestId('job-bar').getAttribute('aria-valuenow'));
    expect(done).toBeLessThan(SEGMENTS);
    expect(await page.getByTestId('job-bar').getAttribute('aria-valuemax')).toBe(String(SEGMENTS));
    expect(await page.getByTestId('job-counts').textContent()).toMatch(new RegExp(`^\\d+ / ${SEGMENTS}`));
    await page.screenshot({ path: join(SHOTS, 'review-sync-progress.png') });

    await page.getByTestId('job-cancel').click();
    await ended().waitFor({ timeout: 30_000 });
    expect(await ended().textContent()).toContain(
      'Cancelled — synced so far is kept; press Sync with the same IDs to resume where it stopped',
    );
    // What was synced before the cancel is kept and shown (on the stored-segments tab).
    await page.getByTestId('tab-segments').click();
    await expect.poll(() => countOf('segments'), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await countOf('assessments')).toBeLessThan(expected.assessments);
  });

  it('resumes with Sync again, then Sync completes the pasted list: the store matches the simulator', async () => {
    screenshotOnFailure(page);
    stack.sim!.setLatency(0);
    const stored = await countOf('segments');
    await page.getByTestId('sync-again').click();
    await expect
      .poll(() => ended().textContent(), { timeout: 30_000 })
      .toContain(`Synced ${stored} segments`);

    // The pasted IDs are still in the search bar: Sync finishes the ones the cancel never reached.
    await page.getByTestId('review-search').press('Enter');
    await expect
      .poll(() => ended().textContent(), { timeout: 30_000 })
      .toContain(`Synced ${SEGMENTS} segments: ${expected.assessments.toLocaleString('en-US')} assessments`);
    await expect.poll(() => countOf('assessments')).toBe(expected.assessments);
    expect(await countOf('comments')).toBe(expected.comments);
    expect(await countOf('segments')).toBe(SEGMENTS);
    expect(await page.getByTestId('stored-table').getAttribute('aria-rowcount')).toBe(String(SEGMENTS + 1));
    expect(await page.getByTestId('last-synced').textContent()).toMatch(/Last synced/);

    // One segment, found by the filter: its row carries the simulator's counts.
    const one = segmentIds[7]!;
    await page.getByTestId('stored-filter').fill(one);
    await expect.poll(() => page.getByTestId('stored-shown').textContent()).toBe('1 match');
    const row = page.locator('[data-testid="stored-table"] [role="row"][data-index="0"]');
    const cells = await row.locator('[role="gridcell"]').allTextContents();
    expect(cells[5]).toBe(stack.sim!.data.countAssessments({ segmentId: one }).toLocaleString('en-US'));
    expect(cells[6]).toBe(stack.sim!.data.countComments({ segmentId: one }).toLocaleString('en-US'));
    await page.getByTestId('stored-filter').fill('');
  });

  it('shows the Review view in both themes', async () => {
    screenshotOnFailure(page);
    for (const theme of ['light', 'dark'] as const) {
      if ((await page.evaluate(() => document.documentElement.dataset['theme'])) !== theme)
        await page.getByTestId('theme-toggle').click();
      await page.waitForFunction((t) => document.documentElement.dataset['theme'] === t, theme);
      await page.getByTestId('review-search').fill(`${segmentIds[0]}, WR12, ${segmentIds[1]}`);
      await page.screenshot({ path: join(SHOTS, `review-${theme}.png`) });
    }
    await page.getByTestId('review-search').fill('');
  });

  it('keeps the data browsable when the simulator is gone, and says Twilio is unreachable', async () => {
    screenshotOnFailure(page);
    await stack.sim!.close();
    await page.reload();
    await page.getByTestId('app-shell').waitFor();
    await page.getByTestId('tab-segments').click();
    await expect.poll(() => countOf('assessments')).toBe(expected.assessments);
    expect(
      await page.locator('[data-testid="stored-table"] [role="row"][data-index]').count(),
    ).toBeGreaterThan(0);

    await page.getByTestId('sync-again').click();
    await expect
      .poll(() => page.getByTestId('net-status').textContent(), { timeout: 45_000 })
      .toBe('Twilio unreachable');
    expect(await page.getByTestId('net-note').textContent()).toContain('cached data still browsable');
    // Still all there, still sortable.
    expect(await countOf('assessments')).toBe(expected.assessments);
    await page.getByTestId('sort-assessments').click();
    await expect
      .poll(() => page.locator('[role="columnheader"][aria-sort="descending"]').textContent())
      .toContain('Assessments');
    await page.screenshot({ path: join(SHOTS, 'review-unreachable.png') });
  });

  it('left no page error', () => {
    // The sync that could not reach Twilio shows as a toast and in the status bar, not as a page error.
    expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
  });
});

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { SimAccount, SimDataset } from '../simulator/index.ts';
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
  accountSid: `AC${'7'.repeat(32)}`,
  authToken: 'review-e2e-token-4b2f',
  apiKeys: [],
};
/** Assessment records in the simulated account (QM_E2E_ASSESSMENTS overrides: the figure is 100k). */
const ASSESSMENTS = Number(process.env['QM_E2E_ASSESSMENTS'] ?? 50_000);
const MAX_DOM_ROWS = 200;
const SHOTS = join(ROOT, 'test-results/e2e');
const en = (n: number): string => n.toLocaleString('en-US');

describe.runIf(browserAvailable())('review workspace in Chromium (simulator)', () => {
  let stack: Stack;
  let session: BrowserSession;
  let page: Page;
  let errors: string[];
  let data: SimDataset;
  let syncMs = 0;

  beforeAll(async () => {
    stack = await startStack({
      keychain: 'memory',
      simulator: { accounts: [ACCOUNT], assessments: ASSESSMENTS },
    });
    data = stack.sim!.data;
    session = await launchBrowser();
    page = await session.browser.newPage({ viewport: { width: 1440, height: 900 } });
    errors = pageErrors(page);
    await page.goto(stack.harness.url);
    await page.getByTestId('app-shell').waitFor();
    await mkdir(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    console.warn(`[review e2e] sync of ${en(ASSESSMENTS)} assessment records took ${syncMs} ms`);
    await session?.close();
    await stack?.close();
  });

  const table = (tab: string): Locator => page.getByTestId(`table-${tab}`);
  const row = (tab: string, index: number): Locator =>
    table(tab).locator(`[role="row"][data-index="${index}"]`);
  const cellsOf = async (tab: string, index: number): Promise<string[]> =>
    row(tab, index).locator('[role="gridcell"]').allTextContents();
  const headers = async (tab: string): Promise<string[]> =>
    (await table(tab).locator('[role="columnheader"]').allTextContents()).map((h) =>
      h.replace(/[▲▼]\d?/g, '').trim(),
    );
  /** The rows in the DOM never exceed the cap, whatever the list holds. */
  const expectFewRows = async (): Promise<void> =>
    expect(await page.locator('[role="row"][data-index]').count()).toBeLessThanOrEqual(MAX_DOM_ROWS);
  const rowCount = async (): Promise<number> =>
    Number(((await page.getByTestId('row-count').textContent()) ?? '').replace(/\D/g, ''));

  /** Both themes, with the tables scrolled back to their first column and no toast over them. */
  async function shoot(name: string): Promise<void> {
    for (const dismiss of await page.locator('[data-testid="toast"] button[aria-label="Dismiss"]').all())
      await dismiss.click();
    for (const grid of await page.locator('[role="grid"]').all())
      await grid.evaluate((el) => (el.scrollLeft = 0));
    for (const theme of ['light', 'dark'] as const) {
      if ((await page.evaluate(() => document.documentElement.dataset['theme'])) !== theme)
        await page.getByTestId('theme-toggle').click();
      await page.waitForFunction((t) => document.documentElement.dataset['theme'] === t, theme);
      await page.screenshot({ path: join(SHOTS, `${name}-${theme}.png`) });
    }
  }

  /** Picks one value in a filter's picker, typing `find` first. */
  async function pickFilter(field: string, find: string, value: string): Promise<void> {
    await page.getByTestId('filter-add').click();
    await page.getByTestId(`filter-field-${field}`).click();
    await page.getByTestId('picker-find').fill(find);
    const option = page.locator(`[data-testid="picker-option"][data-value="${value}"]`);
    await option.click();
    await expect.poll(() => option.getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('editor-done').click();
  }

  it('syncs every record of a simulated account', async () => {
    screenshotOnFailure(page);
    await page.getByTestId('nav-accounts').click();
    await page.getByTestId('account-add').click();
    await page.getByTestId('account-label').fill('Review EU');
    await page.getByTestId('account-sid').fill(ACCOUNT.accountSid);
    await page.getByTestId('account-secret').fill(ACCOUNT.authToken);
    await page.getByTestId('account-advanced').click();
    await page.getByTestId('account-base-url').fill(stack.sim!.url);
    await page.getByTestId('account-save').click();
    await page.locator('[data-testid="account-row"][data-account-label="Review EU"]').waitFor();
    await page.getByTestId('nav-review').click();

    const started = Date.now();
    await page.getByTestId('sync-all').click();
    await page.getByTestId('sync-all-confirm').click();
    await expect
      .poll(() => page.getByTestId('job-ended').textContent(), { timeout: 540_000, interval: 500 })
      .toMatch(/Synced \d/);
    syncMs = Date.now() - started;
    await expect.poll(rowCount, { timeout: 15_000 }).toBe(ASSESSMENTS);
    expect(await page.getByTestId('row-count').textContent()).toBe(`${en(ASSESSMENTS)} assessment records`);
    await expectFewRows();
  }, 600_000);

  it('sorts by header clicks, one key and then two', async () => {
    screenshotOnFailure(page);
    await page.getByTestId('sort-agentName').click();
    await expect
      .poll(() => table('assessments').locator('[aria-sort="ascending"]').textContent())
      .toContain('Agent');
    const agentColumn = (await headers('assessments')).indexOf('Agent');
    const assessed = data
      .agents()
      .filter((a) => data.segmentIdsOfAgent(a.id).some((s) => data.countAssessments({ segmentId: s }) > 0))
      .map((a) => a.name)
      .sort();
    await expect.poll(async () => (await cellsOf('assessments', 0))[agentColumn]).toBe(assessed[0]);
    const names = await Promise.all(
      [0, 1, 2, 3, 4, 5].map(async (i) => (await cellsOf('assessments', i))[agentColumn]!),
    );
    expect([...names].sort()).toEqual(names);

    // Shift+click adds the answer score as a second key (highest first), numbered on the headers.
    await page.getByTestId('sort-answerScore').click({ modifiers: ['Shift'] });
    await expect
      .poll(() => table('assessments').locator('[aria-sort="descending"]').textContent())
      .toContain('Answer score');
    expect(await table('assessments').locator('[aria-sort="ascending"] .sort-mark').textContent()).toBe('▲1');
    await expectFewRows();
  });

  it('scrolls to the last row, by keyboard and by the scrollbar, holding few rows in the DOM', async () => {
    screenshotOnFailure(page);
    const total = await rowCount();
    await table('assessments').focus();
    await page.keyboard.press('End');
    await row('assessments', total - 1).waitFor();
    expect(await table('assessments').getAttribute('aria-activedescendant')).toBe(
      await row('assessments', total - 1).getAttribute('id'),
    );
    await expectFewRows();
    await page.keyboard.press('Home');
    await row('assessments', 0).waitFor();
    // The scrollbar dragged to the very bottom: the last row shows, whole, at the bottom edge.
    await table('assessments').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await row('assessments', total - 1).waitFor();
    const [box, last] = await Promise.all([
      table('assessments').boundingBox(),
      row('assessments', total - 1).boundingBox(),
    ]);
    expect(last!.y + last!.height).toBeLessThanOrEqual(box!.y + box!.height);
    expect(last!.y).toBeGreaterThan(box!.y);
    await expectFewRows();
    await page.keyboard.press('Home');
  });

  it('filters by an agent through the picker; the summary says so and the count matches the simulator', async () => {
    screenshotOnFailure(page);
    const agent = data.agents().find((a) => data.segmentIdsOfAgent(a.id).length > 0)!;
    const expected = data
      .segmentIdsOfAgent(agent.id)
      .reduce((n, s) => n + data.countAssessments({ segmentId: s }), 0);
    await pickFilter('agentIds', agent.name.slice(0, 3), agent.id);
    await expect.poll(rowCount).toBe(expected);
    expect(await page.getByTestId('filter-summary').textContent()).toContain('1 filter');
    expect(await page.getByTestId('chip-agentIds').textContent()).toContain(agent.name);
    const agentColumn = (await headers('assessments')).indexOf('Agent');
    expect((await cellsOf('assessments', 0))[agentColumn]).toBe(agent.name);
    await shoot('review-assessments');
    await page.getByTestId('filter-clear').click();
    await expect.poll(rowCount).toBe(ASSESSMENTS);
  });

  it('opens a row: the drawer shows the whole assessment with the computed score the simulator expects', async () => {
    screenshotOnFailure(page);
    await table('assessments').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByTestId('drawer-score').waitFor();
    const segmentId = await page
      .locator('[data-testid="drawer-fields"] [data-field="segmentId"] .short-id')
      .getAttribute('title');
    const assessor = (await page
      .locator('[data-testid="drawer-fields"] [data-field="assessor"]')
      .textContent())!.trim();
    const expected = data.assessmentsOf(segmentId!).find((a) => a.userName === assessor)!;
    expect(expected).toBeDefined();
    const score = expected.score === null ? '—' : `${expected.score.toFixed(2)} %`;
    expect(await page.getByTestId('drawer-score').textContent()).toBe(score);
    expect(await page.getByTestId('drawer-records').locator('tbody tr').count()).toBe(expected.recordCount);
    await expectFewRows();
    await shoot('review-drawer');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('drawer').count()).toBe(0);
  });

  it('shows a Twilio percentage that disagrees with the computed score as a flag in words', async () => {
    screenshotOnFailure(page);
    const segmentId = data.percentageMismatchSegmentIds()[0]!;
    const [assessment] = data.assessmentsOf(segmentId);
    await page.getByTestId('tab-scores').click();
    await pickFilter('segmentIds', segmentId.slice(0, 8), segmentId);
    await expect.poll(rowCount).toBe(data.assessmentsOf(segmentId).length);
    await table('scores').locator('[data-testid="mismatch"]').first().waitFor();
    await row('scores', 0).dblclick();
    await page.getByTestId('drawer-verdict').waitFor();
    const diff = Math.abs(assessment!.score! - assessment!.reportedPercentage!);
    const verdicts = data
      .assessmentsOf(segmentId)
      .map((a) => `Differs by ${Math.abs(a.score! - a.reportedPercentage!).toFixed(2)} points`);
    expect(verdicts).toContain(await page.getByTestId('drawer-verdict').textContent());
    expect(diff).toBeGreaterThan(0.5);
    await shoot('review-scores');
    await page.keyboard.press('Escape');
    await page.getByTestId('filter-clear').click();
  });

  it('searches comment text and marks the matches', async () => {
    screenshotOnFailure(page);
    await page.getByTestId('tab-comments').click();
    await expect.poll(rowCount).toBe(data.countComments());
    const word = data
      .comment(0)
      .comment.comment.split(/\W+/)
      .find((w) => w.length > 4)!;
    await page.keyboard.press('Control+f');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'filter-text',
    );
    await page.keyboard.type(word);
    await expect.poll(rowCount).toBeLessThan(data.countComments());
    expect(await rowCount()).toBeGreaterThan(0);
    await table('comments').locator('mark').first().waitFor();
    expect((await table('comments').locator('mark').first().textContent())!.toLowerCase()).toBe(
      word.toLowerCase(),
    );
    await expectFewRows();
    await shoot('review-comments');
    await page.getByTestId('filter-clear').click();
  });

  it('left no page error', () => {
    expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
  });
});

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type {
  AgentDetail,
  AgentScorecard,
  CalibrationReport,
  QueryFilters,
  Result,
  RowWindow,
} from '../../src-preload/contract.ts';
import { ROOT } from './build.ts';
import {
  browserAvailable,
  launchBrowser,
  pageErrors,
  screenshotOnFailure,
  type BrowserSession,
} from './support/browser.ts';
import { startStack, type Stack } from './support/stack.ts';

const SHOTS = join(ROOT, 'test-results/e2e');
/** The demo sync (about 50,000 assessments through the real sync and store) on a busy two-core machine. */
const DEMO_SYNC_MS = 420_000;
const THEMES = ['light', 'dark'] as const;

/** Asks main through the page's own window.qm, as the renderer does: the truth the views must show. */
async function ask<T>(page: Page, ns: string, method: string, request: unknown): Promise<T> {
  const result = await page.evaluate(
    async ([n, m, r]) => {
      const qm = (window as unknown as { qm: Record<string, Record<string, (q: unknown) => unknown>> }).qm;
      return (await qm[n as string]![m as string]!(r)) as Result<unknown>;
    },
    [ns, method, request] as const,
  );
  if (!result.ok) throw new Error(`${ns}.${method}: ${result.error.code} ${result.error.message}`);
  return result.data as T;
}

/**
 * Where the first bar of a chart is, found on its canvas by the bar colour (a token of the theme
 * in effect): scanning from the top for horizontal bars (the first row), from the left for
 * vertical ones (the first period). Returns page coordinates to click.
 */
async function firstBar(
  page: Page,
  testid: string,
  scan: 'rows' | 'columns',
): Promise<{ x: number; y: number }> {
  const point = await page.getByTestId(testid).evaluate((root, direction) => {
    const canvas = root.querySelector('canvas');
    if (!canvas) return null;
    const hex = getComputedStyle(document.documentElement).getPropertyValue('--chart-bar').trim();
    const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const ctx = canvas.getContext('2d')!;
    const { width, height } = canvas;
    const data = ctx.getImageData(0, 0, width, height).data;
    const isBar = (x: number, y: number): boolean => {
      const i = (y * width + x) * 4;
      return want.every((v, k) => Math.abs(data[i + k]! - v) <= 6);
    };
    const box = canvas.getBoundingClientRect();
    const scale = width / box.width;
    if (direction === 'rows') {
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++)
          if (isBar(x, y)) {
            // A few pixels into the bar, well inside its edge.
            return { x: box.left + (x + 4 * scale) / scale, y: box.top + (y + 4 * scale) / scale };
          }
    } else {
      for (let x = 0; x < width; x++)
        for (let y = height - 1; y >= 0; y--)
          if (isBar(x, y))
            return { x: box.left + (x + 4 * scale) / scale, y: box.top + (y - 4 * scale) / scale };
    }
    return null;
  }, scan);
  if (!point) throw new Error(`no bar drawn in ${testid}`);
  return point;
}

describe.runIf(browserAvailable())('agents, calibration and charts in Chromium (demo workspace)', () => {
  let stack: Stack;
  let session: BrowserSession;
  let page: Page;
  let errors: string[];
  let profileId: string;

  beforeAll(async () => {
    stack = await startStack({ keychain: 'memory' });
    session = await launchBrowser();
    page = await session.browser.newPage({ viewport: { width: 1360, height: 860 } });
    errors = pageErrors(page);
    // Every CSP refusal, whether or not the browser also logs it.
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) =>
        seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
      );
    });
    await page.goto(stack.harness.url);
    await page.getByTestId('app-shell').waitFor();
    await mkdir(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await session?.close();
    await stack?.close();
  });

  async function setTheme(theme: (typeof THEMES)[number]): Promise<void> {
    if ((await page.evaluate(() => document.documentElement.dataset['theme'])) !== theme)
      await page.getByTestId('theme-toggle').click();
    await page.waitForFunction((t) => document.documentElement.dataset['theme'] === t, theme);
  }

  /** The whole main area in one picture: the window grows to its content for the shot. */
  async function shoot(name: string): Promise<void> {
    for (const theme of THEMES) {
      await setTheme(theme);
      const height = await page.evaluate(() => {
        const main = document.querySelector('main')!;
        return main.scrollHeight + (document.documentElement.clientHeight - main.clientHeight);
      });
      await page.setViewportSize({ width: 1360, height: Math.min(Math.max(860, height), 4000) });
      // Charts redraw on resize and on the theme change.
      await page.waitForTimeout(250);
      await page.screenshot({ path: join(SHOTS, `insights-${name}-${theme}.png`) });
    }
    await page.setViewportSize({ width: 1360, height: 860 });
    await setTheme('light');
  }

  const rowsInDom = () => page.locator('[role="row"][data-index]').count();

  it(
    'first run offers the demo; it syncs with progress in the status bar and is labelled Demo',
    async () => {
      screenshotOnFailure(page);
      await page.getByTestId('first-run').waitFor();
      expect(await page.getByTestId('first-run').textContent()).toContain('Add a Twilio account to start.');
      await shoot('first-run');
      await page.getByTestId('explore-demo').click();
      await page.getByTestId('demo-badge').waitFor();
      expect(await page.getByTestId('account-switcher').textContent()).toContain('Demo data');
      // The sync shows in the status bar like any other (it may be quick enough to be over already).
      await page
        .locator('[data-testid="job-running"], [data-testid="job-ended"]')
        .first()
        .waitFor({ timeout: 30_000 });
      if (await page.getByTestId('job-running').count())
        await page.screenshot({ path: join(SHOTS, 'insights-demo-sync.png') });
      await page.getByTestId('job-ended').waitFor({ timeout: DEMO_SYNC_MS });
      expect(await page.getByTestId('job-ended').textContent()).toContain('Synced');
      const accounts = await ask<{ activeId: string }>(page, 'accounts', 'list', undefined);
      profileId = accounts.activeId;
    },
    DEMO_SYNC_MS + 60_000,
  );

  it('Agents: every scorecard as main counts it, sorted in the store, a window of rows in the DOM', async () => {
    screenshotOnFailure(page);
    await page.getByTestId('nav-agents').click();
    const truth = await ask<RowWindow<AgentScorecard>>(page, 'agents', 'scorecards', {
      profileId,
      limit: 5,
    });
    expect(truth.total).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByTestId('agents-count').textContent())
      .toBe(`${truth.total.toLocaleString('en-US')} ${truth.total === 1 ? 'agent' : 'agents'}`);
    const first = page.locator('[data-testid="agents-table"] [role="row"][data-index="0"] [role="gridcell"]');
    const cells = await first.allTextContents();
    const top = truth.rows[0]!;
    expect(cells[0]).toBe(top.name ?? top.agentId);
    expect(cells[2]).toBe(top.assessments.toLocaleString('en-US'));
    expect(cells[3]).toBe(top.comments.toLocaleString('en-US'));
    expect(await rowsInDom()).toBeLessThanOrEqual(200);

    await page.getByTestId('sort-meanScore').click();
    const best = await ask<RowWindow<AgentScorecard>>(page, 'agents', 'scorecards', {
      profileId,
      sort: { column: 'meanScore', dir: 'desc' },
      limit: 1,
    });
    await expect.poll(() => first.first().textContent()).toBe(best.rows[0]!.name ?? best.rows[0]!.agentId);
    await page.getByTestId('sort-assessments').click();
    await expect.poll(() => first.first().textContent()).toBe(top.name ?? top.agentId);
    await page.locator('[data-testid="chart-score-per-agent"] canvas').waitFor();
    await shoot('agents');
  });

  it('a bar of the score-per-agent chart lands on that agent’s assessments in Review', async () => {
    screenshotOnFailure(page);
    const truth = await ask<RowWindow<AgentScorecard>>(page, 'agents', 'scorecards', { profileId, limit: 1 });
    const agent = truth.rows[0]!;
    const bar = await firstBar(page, 'chart-score-per-agent', 'rows');
    await page.mouse.click(bar.x, bar.y);
    await page.getByTestId('tab-scores').waitFor();
    expect(await page.getByTestId('tab-scores').getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('chip-agentIds').waitFor();
    const rows = await ask<RowWindow<unknown>>(page, 'store', 'scores', {
      profileId,
      filters: { agentIds: [agent.agentId] },
      limit: 1,
    });
    // The rows behind the bar are the agent's assessments: as many as the scorecard counts.
    expect(rows.total).toBe(agent.assessments);
    await expect
      .poll(() => page.getByTestId('row-count').textContent())
      .toContain(agent.assessments.toLocaleString('en-US'));
    await shoot('review-from-chart');
  });

  it('opens an agent with the keyboard; a score-over-time bar lands on that period’s rows', async () => {
    screenshotOnFailure(page);
    await page.getByTestId('nav-agents').click();
    const grid = page.getByTestId('agents-table');
    await grid.focus();
    await grid.press('ArrowDown');
    await grid.press('Enter');
    await page.getByTestId('agent-title').waitFor();
    const truth = await ask<RowWindow<AgentScorecard>>(page, 'agents', 'scorecards', { profileId, limit: 1 });
    const agent = truth.rows[0]!;
    expect(await page.getByTestId('agent-title').textContent()).toBe(agent.name ?? agent.agentId);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'agent-title',
    );
    const detail = await ask<AgentDetail>(page, 'agents', 'detail', { profileId, agentId: agent.agentId });
    const figures = page.getByTestId('agent-figures');
    expect(await figures.locator('[data-drill="assessments"]').textContent()).toBe(
      detail.agent.assessments.toLocaleString('en-US'),
    );
    // The table beside the chart lists each period with main's figures.
    const periodRows = page.locator('[data-testid="agent-over-time-table"] tbody tr');
    expect(await periodRows.count()).toBe(detail.overTime.length);
    const firstScored = detail.overTime.findIndex((p) => p.meanScore !== null);
    expect(firstScored).toBeGreaterThanOrEqual(0);
    const period = detail.overTime[firstScored]!;
    expect(await periodRows.nth(firstScored).locator('[data-column="assessments"]').textContent()).toBe(
      period.assessments.toLocaleString('en-US'),
    );
    await page.locator('[data-testid="chart-score-over-time"] canvas').waitFor();
    await shoot('agent');

    // Esc goes back to the scorecards (on the same row), Enter comes back.
    await page.keyboard.press('Escape');
    await page.getByTestId('agents-table').waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'agents-table',
    );
    await page.getByTestId('agents-table').press('Enter');
    await page.getByTestId('agent-title').waitFor();
    await page.locator('[data-testid="chart-score-over-time"] canvas').waitFor();

    const bar = await firstBar(page, 'chart-score-over-time', 'columns');
    await page.mouse.click(bar.x, bar.y);
    await page.getByTestId('chip-date').waitFor();
    expect(await page.getByTestId('tab-scores').getAttribute('aria-selected')).toBe('true');
    // What the bar stood for, counted by the store under the filters the click set.
    await expect
      .poll(() => page.getByTestId('row-count').textContent())
      .toContain(period.assessments.toLocaleString('en-US'));
  });

  it('Calibration: leniency per assessor from main, and a leniency bar lands on the shared segments', async () => {
    screenshotOnFailure(page);
    await page.getByTestId('nav-calibration').click();
    await page.getByTestId('calibration-summary').waitFor({ timeout: 30_000 });
    const report = await ask<CalibrationReport>(page, 'calibration', 'report', { profileId });
    expect(report.segments.length).toBeGreaterThan(0);
    expect(report.assessors.length).toBeGreaterThan(1);
    const sorted = [...report.assessors].sort(
      (a, b) => (b.leniency ?? -Infinity) - (a.leniency ?? -Infinity) || a.assessor.localeCompare(b.assessor),
    );
    const firstRow = page.locator('[data-testid="calibration-assessors"] tbody tr').first();
    expect(await firstRow.locator('td').first().textContent()).toBe(sorted[0]!.assessor);
    expect(await firstRow.locator('[data-column="sharedSegments"]').textContent()).toBe(
      sorted[0]!.sharedSegments.toLocaleString('en-US'),
    );
    expect(await rowsInDom()).toBeLessThanOrEqual(200);
    await page.locator('[data-testid="chart-leniency"] canvas').waitFor();
    await shoot('calibration');

    // The rows behind a leniency: the scores on the segments the assessor shares, when the report
    // lists them all (main lists only the widest spreads of a big store), else the assessor's own.
    const most = sorted[0]!;
    const compared = (seg: CalibrationReport['segments'][number]) =>
      seg.scores.filter((x) => x.score !== null);
    const complete = report.segments.length === report.segmentCount;
    const shared = report.segments.filter(
      (seg) => compared(seg).length >= 2 && compared(seg).some((x) => x.assessor === most.assessor),
    );
    const ids = [...new Set(shared.map((seg) => seg.segmentId))];
    const filters: QueryFilters =
      complete && ids.length <= 1000 ? { segmentIds: ids } : { assessors: [most.assessor] };
    const behind = await ask<RowWindow<unknown>>(page, 'store', 'scores', { profileId, filters, limit: 1 });
    const bar = await firstBar(page, 'chart-leniency', 'rows');
    await page.mouse.click(bar.x, bar.y);
    await page.getByTestId('tab-scores').waitFor();
    expect(await page.getByTestId('tab-scores').getAttribute('aria-selected')).toBe('true');
    await expect
      .poll(() => page.getByTestId('row-count').textContent())
      .toContain(behind.total.toLocaleString('en-US'));
    expect(await rowsInDom()).toBeLessThanOrEqual(200);
  });

  it('the demo goes in one click, and the first run is back', async () => {
    screenshotOnFailure(page);
    await page.getByTestId('demo-remove').click();
    await page.getByTestId('first-run').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('demo-badge').count()).toBe(0);
  });

  it('broke no CSP rule (script-src self, style-src self): charts draw on canvas, no eval, no inline style', async () => {
    const violations = await page.evaluate(
      () => (window as unknown as { cspViolations: string[] }).cspViolations,
    );
    expect(violations).toEqual([]);
  });

  it('left no page error', () => {
    expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
  });
});

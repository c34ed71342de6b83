// Export in Chromium: a filtered, sorted Review table with reordered and hidden columns, exported
// from the UI through the real services (save dialog port answering a temp path, the real job
// runner, store and file sink), and the file parsed back: exactly the rows and columns of the view,
// as the store answers that view. Then "Show in folder" reaches the file manager port.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemorySecrets } from '../../src-main/accounts/memory-secrets.ts';
import { exportColumns } from '../../src-main/export/columns.ts';
import { systemClock, type LoggerPort } from '../../src-main/ports.ts';
import type { AssessmentRow, ProfileView, QueryFilters, Result } from '../../src-preload/contract.ts';
import { expectedText } from '../main/export/store-fixture.ts';
import { startSimulator, type SimAccount, type Simulator } from '../simulator/index.ts';
import { BRIDGE_FILE, RENDERER_DIR, ROOT } from './build.ts';
import { startHarness, type Harness } from './harness/server.ts';
import {
  browserAvailable,
  launchBrowser,
  pageErrors,
  screenshotOnFailure,
  type BrowserSession,
} from './support/browser.ts';

const ACCOUNT: SimAccount = {
  accountSid: `AC${'9'.repeat(32)}`,
  authToken: 'export-e2e-token-71c3',
  apiKeys: [],
};
const ASSESSMENTS = 1500;
const SHOTS = join(ROOT, 'test-results/e2e');

const logger: LoggerPort = {
  info: () => undefined,
  warn: (message, detail) => console.warn(`[services] ${message}`, detail ?? ''),
  error: (message, detail) => console.error(`[services] ${message}`, detail ?? ''),
};

/** Calls main through the page's own window.qm, as the renderer does. */
async function ask<T>(page: Page, ns: string, method: string, request?: unknown): Promise<T> {
  const result = await page.evaluate(
    async ([n, m, r]) => {
      const qm = (window as unknown as { qm: Record<string, Record<string, (r: unknown) => unknown>> }).qm;
      return (await qm[n as string]![m as string]!(r)) as Result<unknown>;
    },
    [ns, method, request] as const,
  );
  if (!result.ok) throw new Error(`${ns}.${method}: ${result.error.code} ${result.error.message}`);
  return result.data as T;
}

describe.runIf(browserAvailable())('export in Chromium (simulator)', () => {
  let sim: Simulator;
  let harness: Harness;
  let dataDir: string;
  let outDir: string;
  let session: BrowserSession;
  let page: Page;
  let errors: string[];
  let profile: ProfileView;
  const saved: string[] = [];
  const revealed: string[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ accounts: [ACCOUNT], assessments: ASSESSMENTS });
    dataDir = await mkdtemp(join(tmpdir(), 'qm-e2e-export-'));
    outDir = join(dataDir, 'exports');
    await mkdir(outDir);
    // The OS save dialog, as a port: main asks it, it answers a path in the temp folder.
    harness = await startHarness({
      rendererDir: RENDERER_DIR,
      bridgeFile: BRIDGE_FILE,
      ports: {
        secrets: createMemorySecrets(),
        paths: { userData: dataDir },
        shell: { openPath: async () => undefined, showItemInFolder: (path) => void revealed.push(path) },
        dialogs: {
          saveFile: async ({ defaultName }) => {
            const path = join(outDir, defaultName);
            saved.push(path);
            return path;
          },
        },
        clipboard: { writeText: () => undefined },
        clock: systemClock,
        runtime: { appVersion: '0.0.0-e2e', electronVersion: null },
        logger,
        env: {},
      },
    });
    session = await launchBrowser();
    page = await session.browser.newPage({ viewport: { width: 1440, height: 900 } });
    errors = pageErrors(page);
    await page.goto(harness.url);
    await page.getByTestId('app-shell').waitFor();
    await mkdir(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await session?.close();
    await harness?.close();
    await sim?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const rowCount = async (): Promise<number> =>
    Number(((await page.getByTestId('row-count').textContent()) ?? '').replace(/\D/g, ''));

  it('stores the simulated account’s records (set up through window.qm)', async () => {
    profile = await ask<ProfileView>(page, 'accounts', 'add', {
      profile: {
        label: 'Export EU',
        accountSid: ACCOUNT.accountSid,
        credential: { kind: 'authToken' },
        region: null,
        edge: null,
        baseUrl: sim.url,
      },
      secret: ACCOUNT.authToken,
    });
    await ask(page, 'accounts', 'use', { id: profile.id });
    const job = await ask<{ jobId: string }>(page, 'sync', 'start', {
      profileId: profile.id,
      target: { all: true },
    });
    expect((await harness.services.jobs.wait(job.jobId)).state).toBe('done');
    await page.getByTestId('nav-review').click();
    await expect.poll(rowCount, { timeout: 20_000 }).toBe(ASSESSMENTS);
  }, 60_000);

  it('exports a filtered, sorted view with reordered columns; the file is that view, row by row', async () => {
    screenshotOnFailure(page);
    // Filter: one team, picked from the team picker.
    await page.getByTestId('filter-add').click();
    await page.getByTestId('filter-field-teams').click();
    const option = page.locator('[data-testid="picker-option"]').first();
    const team = (await option.getAttribute('data-value'))!;
    await option.click();
    await expect.poll(() => option.getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('editor-done').click();
    const filters: QueryFilters = { teams: [team] };
    const { total } = await harness.services.review.store.assessments({
      profileId: profile.id,
      filters,
      sort: [],
      offset: 0,
      limit: 1,
    });
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(ASSESSMENTS);
    await expect.poll(rowCount).toBe(total);

    // Sort: agent name (A→Z), then Shift+click the answer score (highest first).
    await page.getByTestId('sort-agentName').click();
    await page.getByTestId('sort-answerScore').click({ modifiers: ['Shift'] });
    const sort = [
      { column: 'agentName', dir: 'asc' },
      { column: 'answerScore', dir: 'desc' },
    ] as const;
    // Columns: the answer moved up twice (before question and category), the team hidden.
    await page.getByTestId('columns-open').click();
    await page.getByTestId('column-up-answer').click();
    await page.getByTestId('column-up-answer').click();
    await page.getByTestId('column-shown-team').uncheck();
    await page.keyboard.press('Escape');

    await page.getByTestId('export-open').click();
    const dialog = page.getByTestId('export-dialog');
    await dialog.waitFor();
    expect(await page.getByTestId('export-total').textContent()).toContain(
      `${total.toLocaleString('en-US')} assessment records`,
    );
    // In the dialog: drop the epoch-ms twin, add the record SID, and move the assessor first.
    await page.getByTestId('export-column-timestampMs').uncheck();
    await page.getByTestId('export-column-sid').check();
    const shownIds = async (): Promise<string[]> =>
      page
        .locator('[data-testid="export-columns"] [data-column]')
        .evaluateAll((items) =>
          items
            .filter((li) => (li.querySelector('input') as HTMLInputElement).checked)
            .map((li) => (li as HTMLElement).dataset['column']!),
        );
    while ((await shownIds())[0] !== 'assessor') await page.getByTestId('export-up-assessor').click();
    const columns = await shownIds();
    expect(columns[0]).toBe('assessor');
    expect(columns).not.toContain('team');
    expect(columns).not.toContain('timestampMs');
    expect(columns).toContain('sid');
    expect(columns.indexOf('answer')).toBeLessThan(columns.indexOf('question'));
    await page.screenshot({ path: join(SHOTS, 'export-dialog.png') });

    await page.getByTestId('export-start').click();
    await page.getByTestId('export-done').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('export-done').textContent()).toContain(
      `Exported ${total.toLocaleString('en-US')} assessment records`,
    );
    await page.screenshot({ path: join(SHOTS, 'export-done.png') });

    // The file: header labels, then the view's rows as the store answers the same view.
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatch(/assessments-export-eu-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows: AssessmentRow[] = [];
    for (let offset = 0; offset < total; offset += 1000) {
      const window = await harness.services.review.store.assessments({
        profileId: profile.id,
        filters,
        sort: sort.map((k) => ({ ...k })),
        offset,
        limit: 1000,
      });
      rows.push(...window.rows);
    }
    const parsed = parse(await readFile(saved[0]!), { bom: true }) as string[][];
    expect(parsed[0]).toEqual(exportColumns('assessments', columns).map((c) => c.label));
    expect(parsed.slice(1)).toEqual(rows.map((row) => columns.map((id) => expectedText(row, id))));

    await page.getByTestId('export-reveal').click();
    await expect.poll(() => revealed).toEqual([saved[0]]);
    await page.getByTestId('export-close').click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(errors).toEqual([]);
  });
});

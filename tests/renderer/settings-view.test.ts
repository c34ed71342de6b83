/**
 * The Settings view with its stores and a fake `window.qm`: each control sends the right patch
 * to settings.update (and goes back when main refuses it), the sync and export settings reach
 * sync.start and the export dialog, clearing an account's cache (with its confirm) empties the
 * views of that account, the demo switch, and diagnostics (toast, or the text to copy by hand).
 */
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ASSESSMENT_COLUMNS, SYNC_CONCURRENCY_MAX, type SettingsPatch } from '../../src-preload/contract.ts';
import ExportDialog from '../../src-renderer/src/components/ExportDialog.vue';
import { useAccountsStore } from '../../src-renderer/src/stores/accounts.ts';
import { useAgentsStore } from '../../src-renderer/src/stores/agents.ts';
import { useAppStore } from '../../src-renderer/src/stores/app.ts';
import { useDataStore } from '../../src-renderer/src/stores/data.ts';
import { exportColumnIds, sizeText, useExportStore } from '../../src-renderer/src/stores/export.ts';
import { useJobsStore } from '../../src-renderer/src/stores/jobs.ts';
import { useReviewStore } from '../../src-renderer/src/stores/review.ts';
import { useSettingsStore } from '../../src-renderer/src/stores/settings.ts';
import { useStoreOverview } from '../../src-renderer/src/stores/store-overview.ts';
import { useThemeStore } from '../../src-renderer/src/stores/theme.ts';
import { useToasts } from '../../src-renderer/src/stores/toasts.ts';
import SettingsView from '../../src-renderer/src/views/SettingsView.vue';
import {
  APP_INFO,
  DIAGNOSTICS_TEXT,
  accountsState,
  assessmentRow,
  createFakeQm,
  emptyStore,
  fail,
  ok,
  profile,
  storedSegment,
  type FakeQm,
} from './fake-qm.ts';
import { scorecard, withInsights } from './fake-review.ts';

const EU = profile({ id: 'eu', label: 'Support EU', color: '#e11d48' });
const US = profile({ id: 'us', label: 'Sales US', color: '#16a34a' });
/** 12.4 MiB and a little: the list shows it in human units. */
const EU_BYTES = 13_002_342;
const US_BYTES = 640;

let fake: FakeQm;
let pinia: Pinia;
let wrapper: VueWrapper | null = null;

async function setup(
  options: { settings?: SettingsPatch; profiles?: (typeof EU)[]; usage?: Record<string, number> } = {},
) {
  const profiles = options.profiles ?? [EU, US];
  fake = createFakeQm({
    accounts: accountsState({ profiles, activeId: profiles[0]?.id ?? null }),
    settings: options.settings ?? {},
    usage: options.usage ?? { eu: EU_BYTES, us: US_BYTES },
  }).install();
  pinia = createPinia();
  setActivePinia(pinia);
  await useAccountsStore().start();
  await useThemeStore().start();
  await useAppStore().load();
  useJobsStore().start();
  useDataStore().start();
}

async function mountView() {
  wrapper = mount(SettingsView, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

const $ = <E extends Element = HTMLElement>(testid: string, root: ParentNode = document) =>
  root.querySelector<E>(`[data-testid="${testid}"]`);
const input = (testid: string) => $<HTMLInputElement>(testid)!;
const click = async (el: Element | null) => {
  (el as HTMLElement).click();
  await flushPromises();
};
async function typeAndCommit(testid: string, text: string, how: 'change' | 'enter' = 'change') {
  const el = input(testid);
  el.value = text;
  el.dispatchEvent(new Event('input'));
  if (how === 'enter') el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  else el.dispatchEvent(new Event('change'));
  await flushPromises();
}
const fieldError = (testid: string) =>
  input(testid).closest('.q-field')?.querySelector('.q-field-error')?.textContent ?? null;
const usageRow = (id: string) => document.querySelector<HTMLElement>(`[data-profile="${id}"]`)!;
const toastMessages = () => useToasts().toasts.map((t) => t.message);

beforeEach(() => {
  document.body.innerHTML = '';
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
});

describe('settings controls', () => {
  it('theme: the select sends { theme } and the page follows it', async () => {
    await setup();
    await mountView();
    const select = $<HTMLSelectElement>('theme-select')!;
    select.value = 'dark';
    select.dispatchEvent(new Event('change'));
    await flushPromises();
    expect(fake.api.settings.update).toHaveBeenLastCalledWith({ theme: 'dark' });
    expect(document.documentElement.dataset.theme).toBe('dark');
  });

  it('page size and concurrency: a valid whole number is saved as { sync: … }, with a hint that says what it does', async () => {
    await setup();
    await mountView();
    expect(input('sync-page-size').value).toBe('1000');
    expect(input('sync-concurrency').value).toBe('8');
    const hintOf = (testid: string) =>
      document.getElementById(input(testid).getAttribute('aria-describedby')!.split(' ').at(-1)!)!
        .textContent;
    expect(hintOf('sync-page-size')).toMatch(/per request/);
    expect(hintOf('sync-concurrency')).toMatch(/at once/);

    await typeAndCommit('sync-page-size', ' 250 ');
    expect(fake.api.settings.update).toHaveBeenLastCalledWith({ sync: { pageSize: 250 } });
    expect(input('sync-page-size').value).toBe('250');
    await typeAndCommit('sync-concurrency', '4', 'enter');
    expect(fake.api.settings.update).toHaveBeenLastCalledWith({ sync: { concurrency: 4 } });
    expect(fake.settings().sync).toEqual({ pageSize: 250, concurrency: 4 });
  });

  it('an out-of-range or non-number value is not sent: the field says why, Esc puts the saved value back', async () => {
    await setup();
    await mountView();
    for (const [testid, text] of [
      ['sync-page-size', '0'],
      ['sync-page-size', '1001'],
      ['sync-page-size', '12.5'],
      ['sync-concurrency', String(SYNC_CONCURRENCY_MAX + 1)],
      ['sync-concurrency', 'many'],
    ] as const) {
      await typeAndCommit(testid, text);
      expect(fieldError(testid)).toMatch(/^Enter a whole number from 1 to \d+\.$/);
      expect(input(testid).getAttribute('aria-invalid')).toBe('true');
    }
    expect(fieldError('sync-concurrency')).toContain(`to ${SYNC_CONCURRENCY_MAX}`);
    expect(fake.api.settings.update).not.toHaveBeenCalled();
    input('sync-concurrency').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await flushPromises();
    expect(input('sync-concurrency').value).toBe('8');
    expect(fieldError('sync-concurrency')).toBeNull();
  });

  it('a refused change puts the control back and shows the error', async () => {
    await setup();
    await mountView();
    fake.api.settings.update.mockResolvedValueOnce(
      fail('internal', 'QM Desk could not save settings. Check the data folder is writable.'),
    );
    await typeAndCommit('sync-page-size', '300');
    expect(input('sync-page-size').value).toBe('1000');
    expect($('sync-settings-error')!.textContent).toContain('could not save settings');
    expect(toastMessages()).toContain('QM Desk could not save settings. Check the data folder is writable.');

    fake.api.settings.update.mockResolvedValueOnce(fail('internal', 'Disk full.'));
    await click($('export-default-bom'));
    expect(input('export-default-bom').checked).toBe(true);
    expect($('export-settings-error')!.textContent).toContain('Disk full.');
    // The next change that works clears the message of its group.
    await click($('export-default-bom'));
    expect(input('export-default-bom').checked).toBe(false);
    expect($('export-settings-error')).toBeNull();
  });

  it('export defaults: BOM, formula guard and columns each send their own patch', async () => {
    await setup();
    await mountView();
    await click($('export-default-bom'));
    expect(fake.api.settings.update).toHaveBeenLastCalledWith({ export: { bom: false } });
    await click($('export-default-guard'));
    expect(fake.api.settings.update).toHaveBeenLastCalledWith({ export: { formulaGuard: false } });
    const all = document.querySelector<HTMLInputElement>(
      '[data-testid="export-default-columns"] [data-testid="segmented-all"]',
    )!;
    all.checked = true;
    all.dispatchEvent(new Event('change'));
    await flushPromises();
    expect(fake.api.settings.update).toHaveBeenLastCalledWith({ export: { columns: 'all' } });
    expect(fake.settings().export).toEqual({ bom: false, formulaGuard: false, columns: 'all' });
  });

  it('what main holds survives a reload, and a change made elsewhere shows at once', async () => {
    await setup();
    await mountView();
    await typeAndCommit('sync-page-size', '120');
    await click($('export-default-guard'));
    wrapper!.unmount();
    wrapper = null;
    // A reloaded window: new stores, the same main.
    pinia = createPinia();
    setActivePinia(pinia);
    await useThemeStore().start();
    await mountView();
    expect(input('sync-page-size').value).toBe('120');
    expect(input('export-default-guard').checked).toBe(false);

    fake.emit('settings.changed', { ...fake.settings(), sync: { pageSize: 500, concurrency: 2 } });
    await flushPromises();
    expect(input('sync-page-size').value).toBe('500');
    expect(input('sync-concurrency').value).toBe('2');
  });
});

describe('the settings reach sync and export', () => {
  it('sync.start carries the page size and concurrency cap of the settings', async () => {
    await setup({ settings: { sync: { pageSize: 200, concurrency: 3 } } });
    const jobs = useJobsStore();
    await jobs.startSync({ segments: ['seg-1'] });
    expect(fake.api.sync.start).toHaveBeenLastCalledWith({
      profileId: 'eu',
      target: { segments: ['seg-1'] },
      options: { pageSize: 200, concurrency: 3 },
    });
    // Changed in the view: the next sync uses the new value.
    await mountView();
    await typeAndCommit('sync-concurrency', '12');
    await jobs.startSync({ stored: true });
    expect(fake.api.sync.start).toHaveBeenLastCalledWith({
      profileId: 'eu',
      target: { stored: true },
      options: { pageSize: 200, concurrency: 12 },
    });
  });

  it('the export dialog starts from the export defaults, and from the new ones after a change', async () => {
    await setup({ settings: { export: { bom: false, formulaGuard: false, columns: 'all' } } });
    const dialog = mount(ExportDialog, { global: { plugins: [pinia] }, attachTo: document.body });
    const exporter = useExportStore();
    const view = {
      kind: 'assessments' as const,
      filters: {},
      sort: [],
      columns: ['agentName', 'answer'],
      total: 40,
    };
    exporter.open(view);
    await flushPromises();
    expect(input('export-bom').checked).toBe(false);
    expect(input('export-guard').checked).toBe(false);
    // Every column of the kind is on, the view's first and in its order.
    const ids = exportColumnIds('assessments');
    expect(exporter.chosen.slice(0, 2)).toEqual(['agentName', 'answer']);
    expect([...exporter.chosen].sort()).toEqual([...ids].sort());
    expect(ids.length).toBe(ASSESSMENT_COLUMNS.length + 1);
    exporter.close();

    await useSettingsStore().update({ export: { bom: true, columns: 'visible' } });
    exporter.open(view);
    await flushPromises();
    expect(input('export-bom').checked).toBe(true);
    expect(input('export-guard').checked).toBe(false);
    expect(exporter.chosen).toEqual(['agentName', 'answer']);
    dialog.unmount();
  });
});

describe('data on this computer', () => {
  it('shows the data and logs folders and opens them', async () => {
    await setup();
    await mountView();
    expect($('data-dir')!.textContent).toBe(APP_INFO.dataDir);
    expect($('logs-dir')!.textContent).toBe(APP_INFO.logsDir);
    await click($('open-logs-folder'));
    expect(fake.api.app.openLogsFolder).toHaveBeenCalledTimes(1);
    await click($('open-data-folder'));
    expect(fake.api.app.openDataFolder).toHaveBeenCalledTimes(1);
  });

  it('lists each account with its colour and cached size in human units', async () => {
    await setup({ profiles: [EU, US, profile({ id: 'new', label: 'New one' })] });
    await mountView();
    const eu = usageRow('eu');
    expect(eu.textContent).toContain('Support EU');
    expect(eu.querySelector<HTMLElement>('.dot')!.style.backgroundColor).toBe(EU.color);
    expect($('usage-size', eu)!.textContent).toBe('12.4 MB');
    expect($('usage-size', usageRow('us'))!.textContent).toBe('640 bytes');
    expect($('usage-size', usageRow('new'))!.textContent).toBe('Nothing cached');
    expect($<HTMLButtonElement>('usage-clear', usageRow('new'))!.disabled).toBe(true);
    expect($('usage-clear', eu)!.getAttribute('aria-label')).toBe('Clear the cached data of Support EU');
  });

  it('without accounts says so', async () => {
    await setup({ profiles: [], usage: {} });
    await mountView();
    expect($('usage-empty')!.textContent).toContain('No accounts yet');
  });

  it('clear: the confirm says what goes, what stays and that jobs stop; Cancel keeps everything', async () => {
    await setup();
    await mountView();
    await click($('usage-clear', usageRow('eu')));
    const dialog = $('clear-dialog')!;
    expect(document.querySelector('[role="dialog"] h2')!.textContent).toBe(
      'Clear the cached data of Support EU?',
    );
    expect(dialog.textContent).toContain('Deleted');
    expect(dialog.textContent).toContain(
      '(assessments, comments, scores, stored segments) and its saved views',
    );
    expect(dialog.textContent).toContain('Kept');
    expect(dialog.textContent).toContain('The account and its credentials');
    expect($('clear-stops-jobs')!.textContent).toContain('running is stopped');
    expect(dialog.textContent).toContain(`${sizeText(EU_BYTES)} on this computer`);
    // Focus starts on Cancel: Enter on a destructive dialog does not delete.
    expect(document.activeElement?.textContent).toBe('Cancel');
    await click(document.activeElement);
    expect($('clear-dialog')).toBeNull();
    expect(fake.api.data.clear).not.toHaveBeenCalled();
  });

  it('clear: after the confirm the size updates and the Review and Agents data of the account is gone', async () => {
    await setup();
    const rows = Array.from({ length: 12 }, (_, i) => assessmentRow(i));
    fake.setStore('eu', {
      ...emptyStore(),
      overview: { ...emptyStore().overview, assessments: 12, segments: 3 },
      segments: [storedSegment(1), storedSegment(2), storedSegment(3)],
      rows: { assessments: rows, comments: [], scores: [] },
    });
    // The agents of the account, until its cache is cleared (main's clear empties the store).
    const insight = { cards: [scorecard(1), scorecard(2)] };
    const insights = withInsights(fake, insight);
    const clearInMain = fake.api.data.clear.getMockImplementation()!;
    fake.api.data.clear.mockImplementation(async (request) => {
      insight.cards = [];
      return clearInMain(request);
    });
    const overview = useStoreOverview();
    overview.start();
    const review = useReviewStore();
    const detach = review.attach('assessments');
    const agents = useAgentsStore();
    agents.start();
    await flushPromises();
    expect(review.sourceOf('assessments').total.value).toBe(12);
    expect(overview.overview?.segments).toBe(3);
    await review.openRow('assessments', rows[0]!.sid);
    expect(review.drawer).not.toBeNull();
    await review.loadViews();
    await review.saveView('Team 1 this week');
    expect(review.views.map((v) => v.name)).toEqual(['Team 1 this week']);
    await agents.open(insight.cards[0]!.agentId);
    expect(agents.total).toBe(2);
    expect(agents.detail).not.toBeNull();

    await mountView();
    await click($('usage-clear', usageRow('eu')));
    await click($('clear-confirm'));
    expect(fake.api.data.clear).toHaveBeenCalledWith({ profileId: 'eu' });
    expect($('clear-dialog')).toBeNull();
    expect($('usage-size', usageRow('eu'))!.textContent).toBe('Nothing cached');
    expect($('usage-size', usageRow('us'))!.textContent).toBe('640 bytes');
    expect(toastMessages()).toContain('Cleared the cached data of Support EU.');
    // The views of the account show their empty state.
    expect(review.sourceOf('assessments').total.value).toBe(0);
    expect(review.drawer).toBeNull();
    expect(review.views).toEqual([]);
    expect(overview.overview?.segments).toBe(0);
    expect(overview.segmentTotal).toBe(0);
    expect(agents.selectedId).toBeNull();
    expect(agents.total).toBe(0);
    expect(insights.agents.scorecards).toHaveBeenLastCalledWith(expect.objectContaining({ profileId: 'eu' }));
    detach();
    overview.dispose();
    agents.dispose();
  });

  it('a clear of another account (another window, the CLI) leaves the active one alone', async () => {
    await setup();
    const overview = useStoreOverview();
    overview.start();
    await flushPromises();
    const calls = fake.api.store.overview.mock.calls.length;
    await mountView();
    const usageCalls = fake.api.data.usage.mock.calls.length;
    fake.emit('data.cleared', { profileId: 'us' });
    await flushPromises();
    expect(fake.api.store.overview.mock.calls.length).toBe(calls);
    // The sizes are read again.
    expect(fake.api.data.usage.mock.calls.length).toBe(usageCalls + 1);
    fake.emit('data.cleared', { profileId: 'eu' });
    await flushPromises();
    expect(fake.api.store.overview.mock.calls.length).toBe(calls + 1);
    overview.dispose();
  });

  it('clear: a refusal stays in the dialog with its message', async () => {
    await setup();
    await mountView();
    fake.api.data.clear.mockResolvedValueOnce(
      fail(
        'store_failed',
        'The cache of Support EU could not be deleted. Close other QM Desk windows and try again.',
      ),
    );
    await click($('usage-clear', usageRow('eu')));
    await click($('clear-confirm'));
    expect($('clear-dialog')).not.toBeNull();
    expect($('clear-error')!.textContent).toContain('could not be deleted');
    expect($('usage-size', usageRow('eu'))!.textContent).toBe('12.4 MB');
  });
});

describe('demo workspace switch', () => {
  it('reflects whether the demo account exists; on opens it, off removes it after a confirm', async () => {
    await setup({ profiles: [EU] });
    await mountView();
    const sw = () => $<HTMLButtonElement>('demo-switch')!;
    expect(sw().getAttribute('role')).toBe('switch');
    expect(sw().getAttribute('aria-checked')).toBe('false');

    await click(sw());
    expect(fake.api.demo.open).toHaveBeenCalledTimes(1);
    expect(sw().getAttribute('aria-checked')).toBe('true');
    expect(useAccountsStore().activeId).toBe('demo');
    expect(usageRow('demo').textContent).toContain('Demo data');

    // Off asks first; Cancel keeps it.
    await click(sw());
    expect($('demo-off-dialog')!.textContent).toContain('demo account and its generated data are removed');
    await click(document.activeElement);
    expect(fake.api.demo.remove).not.toHaveBeenCalled();
    expect(sw().getAttribute('aria-checked')).toBe('true');

    await click(sw());
    await click($('demo-off-confirm'));
    expect(fake.api.demo.remove).toHaveBeenCalledTimes(1);
    expect($('demo-off-dialog')).toBeNull();
    expect(sw().getAttribute('aria-checked')).toBe('false');
  });

  it('shows why the demo could not open, and stays off', async () => {
    await setup({ profiles: [EU] });
    await mountView();
    fake.api.demo.open.mockResolvedValueOnce(
      fail('data_folder_failed', 'QM Desk could not create the demo folder.'),
    );
    await click($('demo-switch'));
    expect($('demo-error')!.textContent).toContain('could not create the demo folder');
    expect($('demo-switch')!.getAttribute('aria-checked')).toBe('false');
  });
});

describe('diagnostics', () => {
  it('copied by main: a toast says so', async () => {
    await setup();
    await mountView();
    await click($('copy-diagnostics'));
    expect(fake.api.app.copyDiagnostics).toHaveBeenCalledTimes(1);
    expect(toastMessages()).toContain('Diagnostics copied');
    expect($('diagnostics-text')).toBeNull();
  });

  it('no clipboard: the text shows in a dialog, selected, to copy by hand', async () => {
    await setup();
    await mountView();
    fake.api.app.copyDiagnostics.mockResolvedValueOnce(ok({ text: DIAGNOSTICS_TEXT, copied: false }));
    await click($('copy-diagnostics'));
    const text = $<HTMLTextAreaElement>('diagnostics-text')!;
    expect(text.value).toBe(DIAGNOSTICS_TEXT);
    expect(text.readOnly).toBe(true);
    expect(document.activeElement).toBe(text);
    expect(text.selectionEnd - text.selectionStart).toBe(DIAGNOSTICS_TEXT.length);
    expect(toastMessages()).not.toContain('Diagnostics copied');
  });
});

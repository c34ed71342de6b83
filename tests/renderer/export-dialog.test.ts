/**
 * The export dialog with its store and a fake `window.qm`: what it sends to export.start (the
 * view's filters and sort, the chosen columns in the chosen order, the options), how it follows
 * the job through the jobs store's events, and what it shows at the end.
 */
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import ExportButton from '../../src-renderer/src/components/ExportButton.vue';
import ExportDialog from '../../src-renderer/src/components/ExportDialog.vue';
import { useAccountsStore } from '../../src-renderer/src/stores/accounts.ts';
import {
  columnsFromView,
  exportColumnIds,
  sizeText,
  useExportStore,
} from '../../src-renderer/src/stores/export.ts';
import { useJobsStore } from '../../src-renderer/src/stores/jobs.ts';
import { useReviewStore } from '../../src-renderer/src/stores/review.ts';
import { useToasts } from '../../src-renderer/src/stores/toasts.ts';
import {
  ASSESSMENT_COLUMNS,
  EXCEL_MAX_ROWS,
  type ExportResult,
  type JobSnapshot,
  type Result,
} from '../../src-preload/contract.ts';
import {
  accountsState,
  assessmentRow,
  createFakeQm,
  emptyStore,
  fail,
  ok,
  profile,
  snapshot,
  type FakeQm,
} from './fake-qm.ts';

const EU = profile({ id: 'eu', label: 'Support EU' });
const US = profile({ id: 'us', label: 'Sales US' });
let fake: FakeQm;
let wrapper: VueWrapper | null = null;
let startAnswer: () => Result<JobSnapshot | null>;

const VIEW = {
  kind: 'assessments' as const,
  filters: { teams: ['Team 1'], since: Date.UTC(2025, 0, 1) },
  sort: [
    { column: 'agentName', dir: 'asc' as const },
    { column: 'timestamp', dir: 'desc' as const },
  ],
  columns: ['timestamp', 'agentName', 'question', 'answer'],
  total: 12_345,
};

function exportJob(overrides: Partial<JobSnapshot> = {}): JobSnapshot {
  return snapshot({
    profileId: 'eu',
    kind: 'export',
    label: 'Export 12,345 assessment records',
    phase: 'Writing the file',
    total: 12_345,
    ...overrides,
  });
}

const result = (overrides: Partial<ExportResult> = {}): ExportResult => ({
  kind: 'export',
  rows: 12_345,
  bytes: 3_355_443,
  files: [
    {
      path: '/home/reviewer/Documents/assessments-support-eu-2025-03-14.csv',
      rows: 12_345,
      bytes: 3_355_443,
    },
  ],
  ...overrides,
});

async function setup(rows = 0) {
  const contents = {
    ...emptyStore(),
    rows: {
      assessments: Array.from({ length: rows }, (_, i) => assessmentRow(i)),
      comments: [],
      scores: [],
    },
  };
  fake = createFakeQm({
    accounts: accountsState({ profiles: [EU, US], activeId: 'eu' }),
    store: contents,
  }).install();
  const job = exportJob();
  startAnswer = () => ok(job);
  const api = fake.api as unknown as { export: Record<string, unknown> };
  api.export['start'] = vi.fn(async () => startAnswer());
  api.export['reveal'] = vi.fn(async () => ok(null));
  setActivePinia(createPinia());
  await useAccountsStore().start();
  useJobsStore().start();
  await flushPromises();
  const store = useExportStore();
  wrapper = mount(ExportDialog, { attachTo: document.body });
  return {
    store,
    job,
    start: api.export['start'] as ReturnType<typeof vi.fn>,
    reveal: api.export['reveal'] as ReturnType<typeof vi.fn>,
  };
}

const $ = <E extends Element = HTMLElement>(testid: string) =>
  document.querySelector<E>(`[data-testid="${testid}"]`);
const click = async (testid: string) => {
  $(testid)!.click();
  await flushPromises();
};
const columnOrder = () =>
  [...document.querySelectorAll<HTMLElement>('[data-testid="export-columns"] [data-column]')].map((li) => ({
    id: li.dataset['column'],
    shown: li.querySelector<HTMLInputElement>('input')!.checked,
  }));

beforeEach(() => {
  document.body.innerHTML = '';
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
});

describe('export columns', () => {
  it('the view’s columns first, in its order, the date with its epoch-ms twin; the others after, off', () => {
    const choices = columnsFromView('assessments', ['question', 'timestamp', 'nope', 'question', 'sid']);
    expect(choices.slice(0, 4).map((c) => [c.id, c.shown])).toEqual([
      ['question', true],
      ['timestamp', true],
      ['timestampMs', true],
      ['sid', true],
    ]);
    expect(choices.map((c) => c.id).sort()).toEqual([...ASSESSMENT_COLUMNS, 'timestampMs'].sort());
    expect(choices.slice(4).every((c) => !c.shown)).toBe(true);
    expect(exportColumnIds('scores')).toContain('twilioPercentage');
    expect([sizeText(620), sizeText(3_355_443)]).toEqual(['620 bytes', `${(3.2).toLocaleString()} MB`]);
  });
});

describe('ExportDialog', () => {
  it('is an accessible modal with the view’s columns, options on by default, and no split offer under the sheet limit', async () => {
    const { store } = await setup();
    store.open(VIEW);
    await flushPromises();
    const dialog = document.querySelector<HTMLElement>('[role="dialog"]')!;
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.getElementById(dialog.getAttribute('aria-labelledby')!)!.textContent).toBe(
      'Export assessments',
    );
    expect($('export-total')!.textContent).toContain('12,345 assessment records');
    expect(columnOrder().slice(0, 5)).toEqual([
      { id: 'timestamp', shown: true },
      { id: 'timestampMs', shown: true },
      { id: 'agentName', shown: true },
      { id: 'question', shown: true },
      { id: 'answer', shown: true },
    ]);
    // Focus starts inside, on the first column's checkbox.
    expect(document.activeElement).toBe($('export-column-timestamp'));
    for (const id of ['export-header', 'export-bom', 'export-guard'])
      expect($<HTMLInputElement>(id)!.checked).toBe(true);
    expect($('export-split-offer')).toBeNull();
  });

  it('sends the view’s filters and sort with the columns as reordered and toggled, and the options', async () => {
    const { store, start } = await setup();
    store.open(VIEW);
    await flushPromises();
    await click('export-down-timestamp'); // timestampMs, timestamp, agentName …
    await click('export-up-answer'); // … question and answer swap
    $<HTMLInputElement>('export-column-agentName')!.click();
    $<HTMLInputElement>('export-column-sid')!.click();
    $<HTMLInputElement>('export-bom')!.click();
    await flushPromises();
    // The moved column keeps the focus, so moving again is one more key press.
    expect(document.activeElement).toBe($('export-up-answer'));
    await click('export-start');
    expect(start).toHaveBeenCalledWith({
      profileId: 'eu',
      kind: 'assessments',
      filters: VIEW.filters,
      sort: VIEW.sort,
      columns: ['timestampMs', 'timestamp', 'answer', 'question', 'sid'],
      options: { header: true, bom: false, formulaGuard: true, splitRows: null },
    });
    expect(store.step).toBe('running');
  });

  it('offers numbered files over Excel’s sheet limit, on by default, and sends the rows per file', async () => {
    const { store, start } = await setup();
    const total = EXCEL_MAX_ROWS * 2 + 10;
    store.open({ ...VIEW, total });
    await flushPromises();
    const offer = $('export-split-offer')!;
    expect(offer.textContent).toContain('Split into 3 numbered files');
    expect($<HTMLInputElement>('export-split')!.checked).toBe(true);
    await click('export-start');
    expect(start.mock.calls[0]![0]).toMatchObject({ options: { splitRows: EXCEL_MAX_ROWS - 1 } });

    // Without a header row a sheet holds one more data row; unticked, one file.
    store.step = 'choose';
    store.header = false;
    await flushPromises();
    await click('export-start');
    expect(start.mock.calls[1]![0]).toMatchObject({ options: { header: false, splitRows: EXCEL_MAX_ROWS } });
    store.step = 'choose';
    store.split = false;
    await flushPromises();
    await click('export-start');
    expect(start.mock.calls[2]![0]).toMatchObject({ options: { splitRows: null } });
  });

  it('stays on the form when the save dialog is cancelled, and shows main’s error there', async () => {
    const { store } = await setup();
    store.open(VIEW);
    await flushPromises();
    startAnswer = () => ok(null);
    await click('export-start');
    expect(store.step).toBe('choose');
    expect($('export-start')).not.toBeNull();
    startAnswer = () => fail('invalid_request', 'Unknown assessments column: answr.');
    await click('export-start');
    expect($('export-error')!.textContent).toContain('Unknown assessments column: answr.');
    expect($('export-error')!.getAttribute('role')).toBe('alert');
  });

  it('follows the job: progress, Cancel through the job runner, then how it ended', async () => {
    const { store, job } = await setup();
    store.open(VIEW);
    await flushPromises();
    await click('export-start');
    fake.emit('jobs.progress', { ...job, done: 4000, rate: 2000, etaSeconds: 5 });
    await flushPromises();
    const bar = document.querySelector('[data-testid="export-progress"] [role="progressbar"]')!;
    expect(bar.getAttribute('aria-valuenow')).toBe('4000');
    expect(bar.getAttribute('aria-valuemax')).toBe('12345');
    expect($('export-counts')!.textContent).toBe('4,000 / 12,345 rows · 2,000/s · 5 s left');

    fake.setJobs([{ ...job, done: 4000 }]);
    await click('export-cancel');
    expect(fake.api.jobs.cancel).toHaveBeenCalledWith({ jobId: job.jobId });
    fake.emit('jobs.done', { ...job, state: 'cancelled', done: 4000, endedAt: job.startedAt + 2000 });
    await flushPromises();
    expect($('export-cancelled')!.textContent).toContain('No file was written');
    await click('export-again');
    expect($('export-start')).not.toBeNull();
  });

  it('on completion shows rows, size and files, and Show in folder asks main by job id', async () => {
    const { store, job, reveal } = await setup();
    store.open(VIEW);
    await flushPromises();
    await click('export-start');
    fake.emit('jobs.done', { ...job, state: 'done', done: 12_345, result: result() });
    await flushPromises();
    const done = $('export-done')!;
    expect(done.textContent).toContain(`Exported 12,345 assessment records (${(3.2).toLocaleString()} MB)`);
    expect(done.textContent).toContain('assessments-support-eu-2025-03-14.csv');
    await click('export-reveal');
    expect(reveal).toHaveBeenCalledWith({ jobId: job.jobId });
    await click('export-close');
    expect(document.querySelector('[role="dialog"]')).toBeNull();
  });

  it('a job that ends while the dialog is hidden is announced as a toast; a failed one shows its error', async () => {
    const { store, job } = await setup();
    const toasts = useToasts();
    store.open(VIEW);
    await flushPromises();
    await click('export-start');
    await click('export-close'); // "Hide": the export goes on
    const split = result({
      files: [
        { path: '/tmp/a-1.csv', rows: 10_000, bytes: 2_000_000 },
        { path: '/tmp/a-2.csv', rows: 2_345, bytes: 1_355_443 },
      ],
    });
    fake.emit('jobs.done', { ...job, state: 'done', done: 12_345, result: split });
    await flushPromises();
    expect(toasts.toasts.at(-1)).toMatchObject({
      kind: 'success',
      message: expect.stringContaining('in 2 files'),
    });

    // Reopened: a new export of the view; this one fails in main.
    store.open(VIEW);
    await flushPromises();
    const second = exportJob();
    startAnswer = () => ok(second);
    await click('export-start');
    fake.emit('jobs.done', {
      ...second,
      state: 'failed',
      error: { code: 'export_write_failed', message: 'The disk holding /tmp is full.' },
    });
    await flushPromises();
    expect($('export-failed')!.textContent).toContain('The disk holding /tmp is full.');
  });

  it('drops an answer for another account, and closes when the account changes', async () => {
    const { store } = await setup();
    store.open(VIEW);
    await flushPromises();
    startAnswer = () => ok(exportJob({ profileId: 'us' }));
    await click('export-start');
    expect(store.jobId).toBeNull();
    fake.emit('accounts.switched', { activeId: 'us' });
    await flushPromises();
    expect(store.isOpen).toBe(false);
    expect(document.querySelector('[role="dialog"]')).toBeNull();
  });

  it('the Export button opens it for the Review table as shown: filters, sort, shown columns in order, count', async () => {
    const { store } = await setup(30);
    const review = useReviewStore();
    const detach = review.attach('assessments');
    review.setFilter('teams', ['Team 1']);
    const layout = review.tables.assessments;
    layout.sort = [{ column: 'answer', dir: 'asc' }];
    layout.order = ['agentName', ...layout.order.filter((k) => k !== 'agentName')];
    layout.hidden = [...layout.hidden, 'team'];
    await flushPromises();
    const total = review.sourceOf('assessments').total.value!;
    expect(total).toBe(
      Array.from({ length: 30 }, (_, i) => assessmentRow(i)).filter((r) => r.team === 'Team 1').length,
    );
    const button = mount(ExportButton, { props: { tab: 'assessments' }, attachTo: document.body });
    await button.find('[data-testid="export-open"]').trigger('click');
    await flushPromises();
    expect(store.view).toEqual({
      kind: 'assessments',
      filters: { teams: ['Team 1'] },
      sort: [{ column: 'answer', dir: 'asc' }],
      columns: layout.order.filter((k) => !layout.hidden.includes(k)),
      total,
    });
    expect(columnOrder()[0]).toEqual({ id: 'agentName', shown: true });
    expect(columnOrder().find((c) => c.id === 'team')).toEqual({ id: 'team', shown: false });
    button.unmount();
    detach();
  });
});

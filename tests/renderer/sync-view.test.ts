import { flushPromises, mount, type DOMWrapper, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import type { JobSnapshot, KnownAgent, Result, StoreOverview } from '../../src-preload/contract.ts';
import App from '../../src-renderer/src/App.vue';
import { LIVE_REFRESH_MS } from '../../src-renderer/src/stores/store-overview.ts';
import {
  accountsState,
  createFakeQm,
  emptyStore,
  ok,
  pressKey,
  profile,
  snapshot,
  storedSegment,
  syncResult,
  uuidOf,
  type FakeQm,
  type FakeStore,
  SYNC_OPTIONS,
} from './fake-qm.ts';

const EU = profile({ id: 'eu', label: 'Support EU' });
const US = profile({ id: 'us', label: 'Sales US' });
const SEG = [uuidOf(1), uuidOf(2), uuidOf(3)] as const;
const WR = `WR${'ab'.repeat(16)}`;
const ANA: KnownAgent = { agentId: uuidOf(7, 'a9e7'), name: 'Ana López', team: 'Team A', segments: 12 };

const VIEWPORT = 300;
const ROW = 30;

let fake: FakeQm;
let wrapper: VueWrapper | null = null;

function storeWith(count: number, overrides: Partial<StoreOverview> = {}): FakeStore {
  const segments = Array.from({ length: count }, (_, i) => storedSegment(i));
  return {
    overview: {
      ...emptyStore().overview,
      segments: count,
      assessments: segments.reduce((n, s) => n + s.assessments, 0),
      comments: segments.reduce((n, s) => n + s.comments, 0),
      agents: 5,
      lastSync: { endedAt: Date.now(), status: 'done', label: 'Sync 3 segments' },
      ...overrides,
    },
    segments,
    agents: [ANA],
  };
}

async function mountApp(
  options: { store?: FakeStore; jobs?: JobSnapshot[]; before?: (qm: FakeQm) => void } = {},
): Promise<VueWrapper> {
  fake = createFakeQm({
    accounts: accountsState({ profiles: [EU, US], activeId: 'eu' }),
    store: options.store ?? emptyStore(),
    jobs: options.jobs ?? [],
  }).install();
  options.before?.(fake);
  const pinia = createPinia();
  setActivePinia(pinia);
  wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  // The stored-segments list is the Review view's fourth tab.
  await wrapper.find('[data-testid="tab-segments"]').trigger('click');
  await flushPromises();
  return wrapper;
}

const $ = (testid: string): DOMWrapper<HTMLElement> => wrapper!.find(`[data-testid="${testid}"]`);
const $$ = (testid: string) => wrapper!.findAll(`[data-testid="${testid}"]`);
const search = () => wrapper!.find<HTMLInputElement>('[data-testid="review-search"]');
const lastStart = () => {
  const call = fake.api.sync.start.mock.lastCall;
  if (!call) throw new Error('sync.start was not called');
  return call[0];
};
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function typeIds(text: string): Promise<void> {
  await search().setValue(text);
  await flushPromises();
}

async function paste(text: string): Promise<void> {
  const data = new DataTransfer();
  data.setData('text/plain', text);
  search().element.dispatchEvent(
    new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
  );
  await flushPromises();
}

async function enter(): Promise<void> {
  await search().trigger('keydown', { key: 'Enter' });
  await flushPromises();
}

beforeEach(() => {
  // happy-dom does no layout: give the table's scroll box a height so it renders rows.
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return this.getAttribute('role') === 'grid' ? VIEWPORT : 0;
  });
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1000);
});

afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

describe('search bar', () => {
  it('takes a pasted spreadsheet column, counts the IDs and syncs them with Enter', async () => {
    await mountApp();
    await paste(`${SEG[0]}\r\n${SEG[1]}\r\n${SEG[0]}\r\n${WR}\r\n`);
    expect(search().element.value).toBe(`${SEG[0]}, ${SEG[1]}, ${SEG[0]}, ${WR}`);
    expect($('sync-summary').text()).toBe('3 IDs · 2 segments · 1 reservation');
    await enter();
    expect(lastStart()).toEqual({
      profileId: 'eu',
      target: { segments: [SEG[0], SEG[1]], agents: [], reservations: [WR], conversations: [] },
      options: SYNC_OPTIONS,
    });
  });

  it('lets the reviewer say the UUIDs are agents or whole conversations', async () => {
    await mountApp();
    await typeIds(SEG.slice(0, 2).join(' '));
    expect($('sync-kind').exists()).toBe(true);
    await $('segmented-agents').setValue(true);
    expect($('sync-summary').text()).toBe('2 IDs · 2 agents');
    await $('sync-start').trigger('click');
    await flushPromises();
    expect(lastStart().target).toMatchObject({ segments: [], agents: SEG.slice(0, 2) });
    // While that sync runs, another one waits.
    await $('segmented-conversations').setValue(true);
    await enter();
    expect(fake.api.sync.start).toHaveBeenCalledTimes(1);
    expect($('sync-blocked').text()).toBe('A sync of this account is running: wait for it or cancel it.');
    const first = (await fake.api.sync.start.mock.results[0]!.value) as Result<JobSnapshot>;
    if (first.ok) fake.emit('jobs.done', { ...first.data, state: 'cancelled' });
    await enter();
    expect(lastStart().target).toMatchObject({ segments: [], conversations: SEG.slice(0, 2) });
    // Esc on the chooser goes back to the search field.
    const radio = $('segmented-agents').element as HTMLInputElement;
    radio.focus();
    await $('sync-kind').trigger('keydown', { key: 'Escape' });
    expect(document.activeElement).toBe(search().element);
    // Only reservations: the shape tells, no chooser.
    await typeIds(WR);
    expect($('sync-kind').exists()).toBe(false);
  });

  it('shows invalid IDs inline with the reason and does not send them', async () => {
    await mountApp();
    await typeIds(`${SEG[0]}, WR1234, seg/42`);
    const items = $$('sync-invalid-item').map((li) => li.text());
    expect(items).toEqual([
      'WR1234 — A reservation SID is WR followed by 32 hex characters. This one has 4.',
      'seg/42 — A segment ID is letters, digits and - . _ : only.',
    ]);
    expect(search().attributes('aria-invalid')).toBe('true');
    expect($('sync-start').attributes('disabled')).toBeDefined();
    await enter();
    expect(fake.api.sync.start).not.toHaveBeenCalled();
    expect($('sync-blocked').text()).toBe('Fix or remove the 2 invalid IDs first.');

    await $('sync-remove-invalid').trigger('click');
    expect(search().element.value).toBe(SEG[0]);
    expect($('sync-invalid').exists()).toBe(false);
    await enter();
    expect(lastStart().target.segments).toEqual([SEG[0]]);
  });

  it('suggests known agents by name; picking one syncs their agent id; Esc closes the list', async () => {
    await mountApp({ store: storeWith(3) });
    await typeIds(`${SEG[0]}, An`);
    await wait(200);
    await flushPromises();
    expect(fake.api.store.agents).toHaveBeenLastCalledWith({ profileId: 'eu', search: 'An', limit: 8 });
    // Esc closes the suggestions without leaving the field or reaching the app.
    search().element.focus();
    await typeIds(`${SEG[0]}, Ana`);
    await wait(200);
    await flushPromises();
    expect($$('agent-suggestion').map((o) => o.text())).toEqual([expect.stringContaining('Ana López')]);
    expect(search().attributes('aria-expanded')).toBe('true');
    await search().trigger('keydown', { key: 'Escape' });
    expect($$('agent-suggestion')).toHaveLength(0);
    expect(search().attributes('aria-expanded')).toBe('false');

    await typeIds(`${SEG[0]}, Ana L`);
    await wait(200);
    await flushPromises();
    await enter(); // picks the highlighted suggestion
    expect(fake.api.sync.start).not.toHaveBeenCalled();
    expect($$('picked-agent').map((c) => c.text())).toEqual(['Ana López']);
    expect(search().element.value).toBe(SEG[0]);
    await enter(); // now syncs
    expect(lastStart().target).toEqual({
      segments: [SEG[0]],
      agents: [ANA.agentId],
      reservations: [],
      conversations: [],
    });
  });

  it('confirms "Sync everything" before pulling the whole account', async () => {
    await mountApp({ store: storeWith(3) });
    await $('sync-all').trigger('click');
    await nextTick();
    const dialog = document.querySelector('[role="dialog"]')!;
    expect(dialog.textContent).toContain('every assessment and comment');
    expect(dialog.textContent).toContain('Support EU');
    (document.querySelector('[data-testid="sync-all-cancel"]') as HTMLElement).click();
    await flushPromises();
    expect(fake.api.sync.start).not.toHaveBeenCalled();

    await $('sync-all').trigger('click');
    await nextTick();
    (document.querySelector('[data-testid="sync-all-confirm"]') as HTMLElement).click();
    await flushPromises();
    expect(lastStart()).toEqual({ profileId: 'eu', target: { all: true }, options: SYNC_OPTIONS });
  });

  it('"Sync again" re-syncs what is stored, and is off while nothing is', async () => {
    await mountApp();
    expect($('sync-again').attributes('disabled')).toBeDefined();
    wrapper!.unmount();
    await mountApp({ store: storeWith(3) });
    await $('sync-again').trigger('click');
    await flushPromises();
    expect(lastStart()).toEqual({ profileId: 'eu', target: { stored: true }, options: SYNC_OPTIONS });
  });

  it('gives every control an accessible name', async () => {
    await mountApp({ store: storeWith(3) });
    await typeIds(SEG[0]);
    for (const el of wrapper!.findAll('button, input')) {
      const node = el.element as HTMLElement;
      const id = node.getAttribute('id');
      const named =
        node.getAttribute('aria-label') ||
        (node.textContent ?? '').trim() ||
        (id && document.querySelector(`label[for="${id}"]`)) ||
        node.closest('label');
      expect(named, node.outerHTML).toBeTruthy();
    }
  });
});

describe('job progress in the status bar', () => {
  it('renders a running job from events: phase, counts, rate, time left, bar; Cancel cancels it', async () => {
    await mountApp();
    const job = snapshot({ profileId: 'eu', label: 'Sync 40 segments', total: 40 });
    fake.emit('jobs.progress', { ...job, phase: 'Fetching assessments', done: 12, rate: 3.5, etaSeconds: 8 });
    await nextTick();
    expect($('job-running').text()).toContain('Sync 40 segments');
    expect($('job-phase').text()).toBe('Fetching assessments');
    expect($('job-counts').text()).toBe('12 / 40 · 3.5/s · 8 s left');
    const bar = $('job-bar');
    expect(bar.attributes()).toMatchObject({
      role: 'progressbar',
      'aria-valuenow': '12',
      'aria-valuemax': '40',
    });
    expect(bar.find('.fill').attributes('style')).toContain('width: 30%');
    expect($('sync-status').text()).toBe('Syncing 30%');
    // Sync buttons wait while this account syncs.
    expect($('sync-again').attributes('disabled')).toBeDefined();

    fake.setJobs([job]);
    await $('job-cancel').trigger('click');
    await flushPromises();
    expect(fake.api.jobs.cancel).toHaveBeenCalledWith({ jobId: job.jobId });
    fake.emit('jobs.done', { ...job, state: 'cancelled', done: 12 });
    await flushPromises();
    expect($('job-running').exists()).toBe(false);
    expect($('job-ended').text()).toContain(
      'Cancelled — synced so far is kept; press Sync with the same IDs to resume where it stopped',
    );
  });

  it('says how the sync ended and refreshes the store view', async () => {
    await mountApp();
    expect(wrapper!.text()).toContain(
      'No assessments cached for this account yet. Paste segment IDs above and press Sync.',
    );
    const job = snapshot({ profileId: 'eu', total: 3 });
    fake.emit('jobs.progress', job);
    const overviewCalls = fake.api.store.overview.mock.calls.length;
    fake.setStore('eu', storeWith(3));
    fake.emit('jobs.done', {
      ...job,
      state: 'done',
      done: 3,
      result: syncResult({ segments: 3, segmentsSynced: 3, assessments: 33, comments: 3 }),
    });
    await flushPromises();
    expect($('job-ended').text()).toContain('Synced 3 segments: 33 assessments, 3 comments');
    expect(fake.api.store.overview.mock.calls.length).toBe(overviewCalls + 1);
    expect($('stored-counts').text()).toContain('3 segments');
    expect(wrapper!.findAll('[data-testid="stored-table"] [role="row"][data-index]')).toHaveLength(3);
    expect(document.querySelector('[data-testid="toast"]')?.textContent).toContain('Synced 3 segments');
  });

  it('refreshes the counts while a sync runs, and shows the first rows in place of the empty state', async () => {
    await mountApp();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const job = snapshot({ profileId: 'eu', total: 3 });
      fake.emit('jobs.progress', job);
      fake.setStore('eu', storeWith(2));
      fake.emit('jobs.progress', { ...job, done: 1 });
      fake.emit('jobs.progress', { ...job, done: 2 });
      const before = fake.api.store.overview.mock.calls.length;
      vi.advanceTimersByTime(LIVE_REFRESH_MS);
      await vi.runAllTimersAsync();
      // One refresh for both events, while the job is still running.
      expect(fake.api.store.overview.mock.calls.length).toBe(before + 1);
    } finally {
      vi.useRealTimers();
    }
    await flushPromises();
    expect($('stored-counts').text()).toContain('2 segments');
    expect(wrapper!.findAll('[data-testid="stored-table"] [role="row"][data-index]')).toHaveLength(2);
    expect($('job-running').exists()).toBe(true);
  });

  it('heals from jobs.list after a reload: a running job shows at once', async () => {
    const running = snapshot({
      profileId: 'eu',
      label: 'Sync everything',
      phase: 'Fetching comments',
      done: 7,
    });
    await mountApp({ jobs: [running, snapshot({ profileId: 'us', label: 'Other account' })] });
    expect($('job-running').text()).toContain('Sync everything');
    expect($('job-counts').text()).toBe('7');
    expect($('job-bar').classes()).toContain('indeterminate');
    expect($('job-running').text()).not.toContain('Other account');
  });
});

describe('failed segments', () => {
  it('lists each failure with its message; Retry syncs just it, Retry all syncs them all', async () => {
    await mountApp({ store: storeWith(3) });
    const job = snapshot({ profileId: 'eu' });
    fake.emit('jobs.progress', job);
    const failures = [
      {
        kind: 'segment' as const,
        id: SEG[0]!,
        error: { code: 'server' as const, message: 'Twilio had a server error.' },
      },
      {
        kind: 'segment' as const,
        id: SEG[1]!,
        error: { code: 'not_found' as const, message: 'Twilio does not know this segment.' },
      },
    ];
    fake.emit('jobs.done', {
      ...job,
      state: 'done',
      result: syncResult({ segments: 40, segmentsSynced: 38, assessments: 700, comments: 180, failures }),
    });
    await flushPromises();
    expect($('job-ended').text()).toContain('2 of 40 segments failed');
    const rows = $$('sync-failure');
    expect(rows.map((r) => r.attributes('data-failure-id'))).toEqual([SEG[0], SEG[1]]);
    expect(rows[1]!.text()).toContain('Twilio does not know this segment.');

    await rows[1]!.find('[data-testid="retry-one"]').trigger('click');
    await flushPromises();
    expect(lastStart()).toEqual({
      profileId: 'eu',
      target: { segments: [SEG[1]], agents: [], reservations: [], conversations: [] },
      options: SYNC_OPTIONS,
    });
    const retry = fake.api.sync.start.mock.results.at(-1)!.value as Promise<Result<JobSnapshot>>;
    const started = await retry;
    fake.emit('jobs.done', {
      ...(started.ok ? started.data : job),
      state: 'done',
      result: syncResult({ segments: 1, segmentsSynced: 1 }),
    });
    await flushPromises();
    expect($$('sync-failure').map((r) => r.attributes('data-failure-id'))).toEqual([SEG[0]]);

    await $('retry-all').trigger('click');
    await flushPromises();
    expect(lastStart().target.segments).toEqual([SEG[0]]);
  });
});

describe('network state', () => {
  it('says offline, and Twilio unreachable after a sync failed on the network; data stays browsable', async () => {
    await mountApp({ store: storeWith(3) });
    expect($('net-status').text()).toBe('Online');
    window.dispatchEvent(new Event('offline'));
    await nextTick();
    expect($('net-status').text()).toBe('Offline');
    expect($('net-note').text()).toContain('cached data still browsable');
    window.dispatchEvent(new Event('online'));
    await nextTick();

    const job = snapshot({ profileId: 'eu' });
    fake.emit('jobs.progress', job);
    fake.emit('jobs.done', {
      ...job,
      state: 'failed',
      error: { code: 'network', message: 'Twilio could not be reached. Check the connection and try again.' },
    });
    await flushPromises();
    expect($('net-status').text()).toBe('Twilio unreachable');
    expect($('net-note').text()).toContain('cached data still browsable');
    expect(wrapper!.findAll('[data-testid="stored-table"] [role="row"][data-index]')).toHaveLength(3);

    // The next sync that gets through clears it.
    const next = snapshot({ profileId: 'eu' });
    fake.emit('jobs.progress', next);
    fake.emit('jobs.done', {
      ...next,
      state: 'done',
      result: syncResult({ segments: 1, segmentsSynced: 1 }),
    });
    await flushPromises();
    expect($('net-status').text()).toBe('Online');
  });
});

describe('what is in the store', () => {
  it('shows the counts and the stored segments, fetched a page at a time as the table scrolls', async () => {
    await mountApp({ store: storeWith(500) });
    expect($('stored-counts').text()).toContain('500 segments');
    expect($('last-synced').text()).toMatch(/^Last synced \d{1,2}:\d{2}/);
    const calls = () => fake.api.store.segments.mock.calls.map(([q]) => q.offset);
    expect(calls()).toEqual([0]);
    const grid = wrapper!.find('[data-testid="stored-table"]');
    expect(grid.attributes('aria-rowcount')).toBe('501');
    const first = grid.find('[data-index="0"]');
    // The default order is last synced, newest first.
    expect(first.find('.short-id').attributes('title')).toBe(storedSegment(499).segmentId);
    expect(first.text()).toContain('Agent 4');

    grid.element.scrollTop = 250 * ROW;
    grid.element.dispatchEvent(new Event('scroll'));
    await flushPromises();
    expect(calls()).toEqual([0, 200]);
    expect(grid.find('[data-index="250"]').text()).toContain(String(storedSegment(249).assessments));
  });

  it('sorts by a header click and filters by segment or agent', async () => {
    await mountApp({ store: storeWith(20) });
    await $('sort-assessments').trigger('click');
    await flushPromises();
    expect(fake.api.store.segments).toHaveBeenLastCalledWith(
      expect.objectContaining({ sort: { column: 'assessments', dir: 'desc' }, offset: 0 }),
    );
    expect(wrapper!.find('[role="columnheader"][aria-sort="descending"]').text()).toContain('Assessments');
    await $('sort-assessments').trigger('click');
    await flushPromises();
    expect(fake.api.store.segments).toHaveBeenLastCalledWith(
      expect.objectContaining({ sort: { column: 'assessments', dir: 'asc' } }),
    );

    await $('stored-filter').setValue('Agent 3');
    await flushPromises();
    expect(fake.api.store.segments).toHaveBeenLastCalledWith(expect.objectContaining({ search: 'Agent 3' }));
    expect($('stored-shown').text()).toBe('4 matches');
  });

  it('drops store answers that arrive after an account switch', async () => {
    await mountApp({ store: storeWith(3) });
    fake.setStore('us', storeWith(0));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const late = storeWith(9);
    fake.api.store.overview.mockImplementationOnce(async (request: { profileId: string }) => {
      await gate;
      return ok({ ...late.overview, profileId: request.profileId });
    });
    // Asked for 'eu' (a refresh), answered only after the switch to 'us'.
    fake.emit('jobs.done', { ...snapshot({ profileId: 'eu' }), state: 'cancelled' });
    await flushPromises();
    await wrapper!.find('[data-testid="account-switcher"]').trigger('click');
    await wrapper!.find('[role="option"][data-account-label="Sales US"]').trigger('click');
    await flushPromises();
    release();
    await flushPromises();
    expect(wrapper!.text()).toContain('No assessments cached for this account yet.');
    expect(wrapper!.text()).not.toContain('9 segments');

    // An answer that names another profile is never shown, whatever the request.
    fake.api.store.overview.mockResolvedValueOnce(ok({ ...late.overview, profileId: 'eu' }));
    fake.emit('jobs.done', { ...snapshot({ profileId: 'us' }), state: 'cancelled' });
    await flushPromises();
    expect(wrapper!.text()).not.toContain('9 segments');
  });

  it('says it is reading the store until the first answer, then teaches when it is empty', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await mountApp({
      before: (qm) =>
        qm.api.store.overview.mockImplementationOnce(async (request: { profileId: string }) => {
          await gate;
          return ok({ ...emptyStore().overview, profileId: request.profileId });
        }),
    });
    expect($('stored-loading').text()).toBe('Reading the local store…');
    release();
    await flushPromises();
    expect($('stored-loading').exists()).toBe(false);
    expect($('empty-state').text()).toContain('Paste segment IDs above and press Sync.');
  });

  it('/ still focuses the search', async () => {
    await mountApp();
    pressKey({ key: '/', code: 'Slash' });
    await nextTick();
    expect(document.activeElement).toBe(search().element);
  });
});

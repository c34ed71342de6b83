import { flushPromises, mount, type DOMWrapper, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import App from '../../src-renderer/src/App.vue';
import { useReviewStore } from '../../src-renderer/src/stores/review.ts';
import { useViewStore } from '../../src-renderer/src/stores/view.ts';
import {
  accountsState,
  assessmentRow,
  commentRow,
  createFakeQm,
  emptyStore,
  fail,
  ok,
  pressKey,
  profile,
  scoreRow,
  type FakeQm,
  type FakeStore,
} from './fake-qm.ts';

const EU = profile({ id: 'eu', label: 'Support EU' });
const US = profile({ id: 'us', label: 'Sales US' });
const VIEWPORT = 330;

let fake: FakeQm;
let wrapper: VueWrapper | null = null;

function storeWith(assessments: number, comments = 40, scores = 60): FakeStore {
  return {
    ...emptyStore(),
    overview: { ...emptyStore().overview, assessments, comments, segments: 10, agents: 5 },
    rows: {
      assessments: Array.from({ length: assessments }, (_, i) => assessmentRow(i)),
      comments: Array.from({ length: comments }, (_, i) => commentRow(i)),
      scores: Array.from({ length: scores }, (_, i) => scoreRow(i)),
    },
  };
}

async function mountApp(
  store: FakeStore = storeWith(2000),
  before?: (qm: FakeQm) => void,
): Promise<VueWrapper> {
  fake = createFakeQm({ accounts: accountsState({ profiles: [EU, US], activeId: 'eu' }), store }).install();
  before?.(fake);
  const pinia = createPinia();
  setActivePinia(pinia);
  wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

const $ = (testid: string): DOMWrapper<HTMLElement> => wrapper!.find(`[data-testid="${testid}"]`);
const grid = (tab = 'assessments') => $(`table-${tab}`);
const rowsIn = (tab = 'assessments') => grid(tab).findAll('[role="row"][data-index]');
const headers = (tab = 'assessments') =>
  grid(tab)
    .findAll('[role="columnheader"]')
    .map((h) => h.text().replace(/[▲▼]\d?/g, ''));
const lastCall = <T>(mock: { mock: { lastCall?: T[] } }): T => {
  if (!mock.mock.lastCall) throw new Error('not called');
  return mock.mock.lastCall[0]!;
};
const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sameDate = (ms: number) => new Date(ms).toISOString();

beforeEach(() => {
  localStorage.clear();
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return this.getAttribute('role') === 'grid' ? VIEWPORT : 0;
  });
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1200);
});

afterEach(() => {
  // A pending save of the remembered state must not land in the next test's storage.
  useReviewStore().$dispose();
  wrapper?.unmount();
  wrapper = null;
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

describe('review tables', () => {
  it('shows the assessments newest first with the total, asking the store for one window', async () => {
    await mountApp();
    expect($('row-count').text()).toBe('2,000 assessment records');
    expect(lastCall(fake.api.store.assessments)).toEqual({
      profileId: 'eu',
      filters: {},
      sort: [{ column: 'timestamp', dir: 'desc' }],
      offset: 0,
      limit: 100,
    });
    expect(fake.api.store.assessments).toHaveBeenCalledTimes(1);
    // Newest first: the last generated row, its date in local time with UTC on hover.
    const first = rowsIn()[0]!;
    const newest = assessmentRow(1999);
    expect(first.find('time').attributes('datetime')).toBe(sameDate(newest.timestamp!));
    expect(first.find('[role="gridcell"]').attributes('title')).toMatch(/ UTC$/);
    expect(first.text()).toContain(newest.agentName!);
    // The segment id is shortened in the middle, whole on hover.
    expect(first.find('.short-id').attributes('title')).toBe(newest.segmentId);
    expect(rowsIn().length).toBeLessThan(30);
    expect(headers()).toEqual([
      'Date',
      'Segment',
      'Agent',
      'Team',
      'Questionnaire',
      'Question',
      'Category',
      'Answer',
      'Answer score',
      'Weight',
      'Report',
      'Assessor',
    ]);
    // Nothing else was asked: the other tables load when shown.
    expect(fake.api.store.comments).not.toHaveBeenCalled();
    expect(fake.api.store.scores).not.toHaveBeenCalled();
  });

  it('sorts by a header click, Shift+click adds a key, and the store gets the keys', async () => {
    await mountApp();
    await $('sort-agentName').trigger('click');
    await flushPromises();
    expect(lastCall(fake.api.store.assessments).sort).toEqual([{ column: 'agentName', dir: 'asc' }]);
    await $('sort-answerScore').trigger('click', { shiftKey: true });
    await flushPromises();
    expect(lastCall(fake.api.store.assessments).sort).toEqual([
      { column: 'agentName', dir: 'asc' },
      { column: 'answerScore', dir: 'desc' },
    ]);
    expect(rowsIn()[0]!.text()).toContain('Ana López');
  });

  it('switches tabs with the arrow keys; each tab has its count and columns', async () => {
    await mountApp();
    const tab = $('tab-assessments');
    await tab.trigger('keydown', { key: 'ArrowRight' });
    await flushPromises();
    expect($('tab-comments').attributes('aria-selected')).toBe('true');
    expect(document.activeElement).toBe($('tab-comments').element);
    expect($('row-count').text()).toBe('40 comments');
    expect(headers('comments')).toContain('Comment');
    await $('tab-comments').trigger('keydown', { key: 'ArrowRight' });
    await flushPromises();
    expect($('row-count').text()).toBe('60 assessments');
    // Twilio's percentage beside the computed score; a mismatch says so in words and with an icon.
    const mismatch = grid('scores').find('[data-testid="mismatch"]');
    expect(mismatch.text()).toBe('Differs');
    expect(mismatch.find('svg').exists()).toBe(true);
    await $('tab-scores').trigger('keydown', { key: 'ArrowRight' });
    await flushPromises();
    expect($('stored').exists()).toBe(true);
  });

  it('remembers columns, widths and the scroll position across view switches and per account', async () => {
    await mountApp();
    await $('columns-open').trigger('click');
    await $('column-shown-team').setValue(false);
    await $('column-shown-sid').setValue(true);
    await $('column-up-agentName').trigger('click');
    await $('resize-question').trigger('keydown', { key: 'ArrowRight', shiftKey: true });
    await flushPromises();
    const arranged = headers();
    expect(arranged).not.toContain('Team');
    expect(arranged).toContain('Record SID');
    expect(arranged.indexOf('Agent')).toBe(1);
    expect($('resize-question').attributes('aria-valuenow')).toBe('300');
    grid().element.focus();
    await grid().trigger('keydown', { key: 'End' });
    await flushPromises();
    expect(rowsIn().at(-1)!.attributes('data-index')).toBe('1999');

    const view = useViewStore();
    view.show('settings');
    await flushPromises();
    expect(grid().exists()).toBe(false);
    view.show('review');
    await flushPromises();
    expect(headers()).toEqual(arranged);
    expect(rowsIn().at(-1)!.attributes('data-index')).toBe('1999');

    // Another account has its own layout; coming back restores this one.
    fake.emit('accounts.switched', { activeId: 'us' });
    await flushPromises();
    expect(headers()).toContain('Team');
    fake.emit('accounts.switched', { activeId: 'eu' });
    await flushPromises();
    expect(headers()).toEqual(arranged);
    expect(rowsIn().at(-1)!.attributes('data-index')).toBe('1999');
    // And it survives a restart (the app mounts afresh, reading what was remembered).
    await wait(350);
    wrapper!.unmount();
    await mountApp();
    expect(headers()).toEqual(arranged);
  });

  it('says what is happening for every state: reading, failed, nothing stored, nothing matches', async () => {
    let release!: () => void;
    await mountApp(storeWith(0, 0, 0), (qm) => {
      qm.api.store.assessments.mockImplementationOnce(async (request) => {
        await new Promise<void>((r) => (release = r));
        return ok({ profileId: request.profileId, total: 0, offset: 0, rows: [] });
      });
    });
    expect($('table-state-loading').text()).toBe('Reading assessments from the local store…');
    release();
    await flushPromises();
    expect($('empty-state').text()).toContain(
      'No assessments cached for this account yet. Paste segment IDs above and press Sync.',
    );
    wrapper!.unmount();

    await mountApp(storeWith(50), (qm) =>
      qm.api.store.assessments.mockResolvedValueOnce(fail('store_corrupt', 'The local store is damaged.')),
    );
    expect($('table-state-error').text()).toContain('The assessments could not be read.');
    expect($('table-state-error').text()).toContain('The local store is damaged.');
    await $('table-state-error').find('button').trigger('click');
    await flushPromises();
    expect(rowsIn()).not.toHaveLength(0);

    useReviewStore().setFilter('teams', ['No such team']);
    await flushPromises();
    expect(squash($('table-state-nomatch').text())).toBe(
      'No assessments match these filters · Clear filters',
    );
    await $('table-clear-filters').trigger('click');
    await flushPromises();
    expect(rowsIn()).not.toHaveLength(0);
  });

  it('drops an answer for another account', async () => {
    await mountApp(storeWith(30), (qm) =>
      qm.api.store.assessments.mockImplementationOnce(async () =>
        ok({ profileId: 'us', total: 999, offset: 0, rows: [assessmentRow(1)] }),
      ),
    );
    expect(rowsIn()).toHaveLength(0);
    expect($('row-count').exists()).toBe(false);
  });

  it('copies the selected rows through main as TSV, with the shown columns', async () => {
    await mountApp(storeWith(30));
    await rowsIn()[0]!.trigger('click');
    await rowsIn()[2]!.trigger('click', { shiftKey: true });
    await grid().trigger('keydown', { key: 'c', ctrlKey: true });
    await flushPromises();
    expect(lastCall(fake.api.export.copyRows)).toEqual({
      profileId: 'eu',
      kind: 'assessments',
      keys: [assessmentRow(29).sid, assessmentRow(28).sid, assessmentRow(27).sid],
      columns: [
        'timestamp',
        'segmentId',
        'agentName',
        'team',
        'questionnaire',
        'question',
        'category',
        'answer',
        'answerScore',
        'weight',
        'report',
        'assessor',
      ],
      header: true,
    });
    expect(wrapper!.text()).toContain('Copied 3 assessment records as tab-separated text');
  });

  it('shows the rows behind a number: showRows replaces the filters and the tab', async () => {
    await mountApp();
    useReviewStore().setFilter('teams', ['Team 1']);
    useReviewStore().showRows('scores', { agentIds: [scoreRow(2).agentId!] });
    await flushPromises();
    expect($('tab-scores').attributes('aria-selected')).toBe('true');
    expect(lastCall(fake.api.store.scores).filters).toEqual({ agentIds: [scoreRow(2).agentId] });
    expect($('row-count').text()).toBe('12 assessments');
  });
});

describe('filter bar', () => {
  it('adds a filter from a typeahead with counts, sums it up in one line, and clears', async () => {
    await mountApp();
    await $('filter-add').trigger('click');
    await $('filter-field-agentIds').trigger('click');
    await flushPromises();
    await wait(10);
    expect(lastCall(fake.api.store.distinct)).toMatchObject({
      profileId: 'eu',
      kind: 'assessments',
      column: 'agentId',
      filters: {},
    });
    const options = wrapper!.findAll('[data-testid="picker-option"]');
    expect(options.map((o) => o.find('.label').text())).toEqual([
      'Ana López',
      'Bo Chen',
      'Cleo Ward',
      'Dev Patel',
      'Eli Moreau',
    ]);
    expect(options[0]!.find('.count').text()).toBe('400');
    // Type to narrow, arrows and Enter pick.
    await $('picker-find').setValue('cl');
    await wait(150);
    await flushPromises();
    expect(wrapper!.findAll('[data-testid="picker-option"]').map((o) => o.find('.label').text())).toEqual([
      'Cleo Ward',
    ]);
    await $('picker-find').trigger('keydown', { key: 'Enter' });
    await flushPromises();
    const cleo = assessmentRow(2).agentId!;
    expect(lastCall(fake.api.store.assessments).filters).toEqual({ agentIds: [cleo] });
    expect($('row-count').text()).toBe('400 assessment records');
    expect($('chip-agentIds').text()).toContain('Agent:Cleo Ward');
    expect($('filter-summary').text()).toBe('1 filter · Clear');

    // Esc closes the picker and returns focus to its button.
    await $('picker-find').trigger('keydown', { key: 'Escape' });
    await flushPromises();
    expect($('picker-find').exists()).toBe(false);

    useReviewStore().setFilter('report', true);
    await flushPromises();
    expect($('filter-summary').text()).toBe('2 filters · Clear');
    expect($('chip-report').text()).toContain('reported only');
    await $('filter-clear').trigger('click');
    await flushPromises();
    expect($('filter-summary').exists()).toBe(false);
    expect(lastCall(fake.api.store.assessments).filters).toEqual({});
    expect(document.activeElement).toBe($('filter-text').element);
  });

  it('searches comment text and marks the matches, never rendering row text as HTML', async () => {
    const store = storeWith(10, 3);
    store.rows!.comments.push(commentRow(3, { text: 'Said <b>refund</b> twice: refund policy' }));
    await mountApp(store);
    await $('tab-comments').trigger('click');
    await flushPromises();
    await $('filter-text').setValue('refund');
    await wait(300);
    await flushPromises();
    expect(lastCall(fake.api.store.comments).filters).toEqual({ text: 'refund' });
    expect($('row-count').text()).toBe('3 comments');
    const marked = grid('comments').findAll('mark');
    expect(marked.map((m) => m.text())).toContain('refund');
    expect(grid('comments').find('b').exists()).toBe(false);
    expect(grid('comments').text()).toContain('Said <b>');
    expect($('filter-summary').text()).toBe('1 filter · Clear');
  });

  it('narrows to a score range, and says what is wrong with a range that cannot be', async () => {
    await mountApp();
    await $('tab-scores').trigger('click');
    await flushPromises();
    await $('filter-add').trigger('click');
    await $('filter-field-score').trigger('click');
    await flushPromises();
    expect(document.activeElement).toBe($('score-min').element);
    await $('score-min').setValue('90');
    await $('score-max').setValue('80');
    await $('score-max').trigger('change');
    expect($('editor-score').find('[role="alert"]').text()).toBe('The lower end is above the upper end.');
    // "From 90" alone applied when it was typed; the impossible range is not sent.
    expect(lastCall(fake.api.store.scores).filters).toEqual({ scoreMin: 90 });
    await $('score-min').setValue('60');
    await $('score-min').trigger('change');
    await flushPromises();
    expect(lastCall(fake.api.store.scores).filters).toEqual({ scoreMin: 60, scoreMax: 80 });
    const expected = Array.from({ length: 60 }, (_, i) => scoreRow(i).score!).filter(
      (s) => s >= 60 && s <= 80,
    );
    expect($('row-count').text()).toBe(`${expected.length} assessments`);
    expect($('chip-score').text()).toContain('Score:60–80 %');
    await $('chip-remove-score').trigger('click');
    await flushPromises();
    expect(lastCall(fake.api.store.scores).filters).toEqual({});
  });

  it('Ctrl/Cmd+F focuses the filter bar', async () => {
    await mountApp();
    const event = pressKey({ key: 'f', code: 'KeyF', ctrlKey: true });
    await nextTick();
    expect(event.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe($('filter-text').element);
    pressKey({ key: 'f', code: 'KeyF', metaKey: true }, $('sort-team').element);
    expect(document.activeElement).toBe($('filter-text').element);
  });

  it('saves the filters as a named view and reopens it in one click', async () => {
    await mountApp();
    const review = useReviewStore();
    review.setFilter('teams', ['Team 1']);
    review.setFilter('report', false);
    await $('views-open').trigger('click');
    await flushPromises();
    expect(fake.api.views.list).toHaveBeenCalledWith({ profileId: 'eu' });
    await $('view-name').setValue('Team 1, not reported');
    await $('view-save').trigger('submit');
    await flushPromises();
    expect(fake.api.views.save).toHaveBeenCalledWith({
      profileId: 'eu',
      name: 'Team 1, not reported',
      filters: { teams: ['Team 1'], report: false },
    });
    expect($('views-open').text()).toContain('View: Team 1, not reported');
    expect(
      wrapper!
        .findAll('[data-testid="saved-view"] button:first-child')
        .map((v) => v.attributes('aria-label')),
    ).toEqual(['Team 1, not reported (2 filters)']);
    await $('view-name').trigger('keydown', { key: 'Escape' });
    await flushPromises();
    expect($('view-name').exists()).toBe(false);

    review.clearFilters();
    await flushPromises();
    expect(squash($('views-open').text())).toBe('Views 1');
    await $('views-open').trigger('click');
    await flushPromises();
    const saved = wrapper!.findAll('[data-testid="saved-view"]');
    await saved[0]!.find('button').trigger('click');
    await flushPromises();
    expect(lastCall(fake.api.store.assessments).filters).toEqual({ teams: ['Team 1'], report: false });
    expect($('filter-summary').text()).toBe('2 filters · Clear');

    await $('views-open').trigger('click');
    await $('saved-view-remove').trigger('click');
    await flushPromises();
    expect(fake.api.views.remove).toHaveBeenCalledWith({ profileId: 'eu', name: 'Team 1, not reported' });
    expect(wrapper!.findAll('[data-testid="saved-view"]')).toHaveLength(0);
  });

  it('keeps filters per account', async () => {
    await mountApp();
    useReviewStore().setFilter('teams', ['Team 2']);
    await flushPromises();
    fake.emit('accounts.switched', { activeId: 'us' });
    await flushPromises();
    expect($('filter-summary').exists()).toBe(false);
    expect(lastCall(fake.api.store.assessments)).toMatchObject({ profileId: 'us', filters: {} });
    fake.emit('accounts.switched', { activeId: 'eu' });
    await flushPromises();
    expect($('chip-teams').text()).toContain('Team 2');
    expect(lastCall(fake.api.store.assessments)).toMatchObject({
      profileId: 'eu',
      filters: { teams: ['Team 2'] },
    });
  });
});

describe('keyboard and the drawer', () => {
  it('arrows move, Enter opens the drawer, it follows the active row, Esc closes it back to the table', async () => {
    await mountApp(storeWith(30));
    grid().element.focus();
    await grid().trigger('keydown', { key: 'ArrowDown' });
    await grid().trigger('keydown', { key: 'ArrowDown' });
    await grid().trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(lastCall(fake.api.store.row)).toEqual({
      profileId: 'eu',
      kind: 'assessments',
      sid: assessmentRow(28).sid,
    });
    expect($('drawer').exists()).toBe(true);
    expect($('drawer-fields').text()).toContain(assessmentRow(28).question!);

    await grid().trigger('keydown', { key: 'ArrowDown' });
    await wait(200);
    await flushPromises();
    expect(lastCall(fake.api.store.row).sid).toBe(assessmentRow(27).sid);

    const esc = pressKey({ key: 'Escape' });
    await flushPromises();
    expect(esc.defaultPrevented).toBe(true);
    expect($('drawer').exists()).toBe(false);
    expect(document.activeElement).toBe(grid().element);
  });

  it('opens a score row as its whole assessment, or says why it cannot', async () => {
    const store = storeWith(2000);
    // The newest score row names a segment none of whose answers are stored.
    store.rows!.scores.push(scoreRow(900));
    await mountApp(store);
    await $('tab-scores').trigger('click');
    await flushPromises();
    const row = scoreRow(59);
    await rowsIn('scores')[1]!.trigger('dblclick');
    await flushPromises();
    expect(lastCall(fake.api.store.assessments)).toMatchObject({
      filters: { segmentIds: [row.segmentId], questionnaireSids: ['GQ0001'], assessors: [row.assessor] },
      sort: [{ column: 'timestamp', dir: 'asc' }],
      limit: 1,
    });
    // Its first answer (segment 59 holds records 236..239; assessor-1 gave 237 and 239).
    expect(lastCall(fake.api.store.row)).toEqual({
      profileId: 'eu',
      kind: 'assessments',
      sid: assessmentRow(237).sid,
    });
    expect($('drawer').exists()).toBe(true);

    await rowsIn('scores')[0]!.trigger('dblclick');
    await flushPromises();
    expect($('drawer-error').text()).toContain('Sync its segment again.');
  });

  it('gives every control an accessible name', async () => {
    await mountApp();
    await $('filter-add').trigger('click');
    await $('filter-field-questionSids').trigger('click');
    await flushPromises();
    await rowsIn()[0]!.trigger('dblclick');
    await flushPromises();
    for (const el of wrapper!.findAll('button, input, [role="separator"], [tabindex="0"]')) {
      const node = el.element as HTMLElement;
      const id = node.getAttribute('id');
      const named =
        node.getAttribute('aria-label') ||
        node.getAttribute('aria-labelledby') ||
        (node.textContent ?? '').trim() ||
        (id && document.querySelector(`label[for="${id}"]`)) ||
        node.closest('label');
      expect(named, node.outerHTML.slice(0, 200)).toBeTruthy();
    }
  });
});

import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CalibrationReport } from '../../src-preload/contract.ts';
import LeniencyChart from '../../src-renderer/src/components/charts/LeniencyChart.vue';
import FigureTable from '../../src-renderer/src/components/insights/FigureTable.vue';
import { countText, pointsText, shareText, signedText } from '../../src-renderer/src/insights/format.ts';
import { useAccountsStore } from '../../src-renderer/src/stores/accounts.ts';
import { useReviewStore } from '../../src-renderer/src/stores/review.ts';
import CalibrationView from '../../src-renderer/src/views/CalibrationView.vue';
import { chartStub, settle } from './chart-stub.ts';
import { accountsState, createFakeQm, fail, profile } from './fake-qm.ts';
import { calibrationReport, withInsights } from './fake-review.ts';

vi.mock('vue-echarts', () => import('./chart-stub.ts'));

let wrapper: VueWrapper | null = null;
let insights: ReturnType<typeof withInsights>;

async function mountView(report?: (profileId: string) => CalibrationReport) {
  const fake = createFakeQm({
    accounts: accountsState({ profiles: [profile({ id: 'eu', label: 'Support EU' })], activeId: 'eu' }),
  }).install();
  insights = withInsights(fake, { cards: [], ...(report ? { report } : {}) });
  const pinia = createPinia();
  setActivePinia(pinia);
  await useAccountsStore().start();
  wrapper = mount(CalibrationView, { global: { plugins: [pinia] }, attachTo: document.body });
  await settle();
  return wrapper;
}

const $ = (testid: string) => wrapper!.find(`[data-testid="${testid}"]`);
const cellsOf = (testid: string): string[][] =>
  $(testid)
    .findAll('tbody tr')
    .map((r) => r.findAll('td').map((td) => td.text()));
const report = calibrationReport('eu');
const allSegments = report.segments.map((s) => s.segmentId);

/** Where a click-through left Review: its table and filters. */
const landed = () => {
  const review = useReviewStore();
  return { tab: review.tab, filters: review.filters };
};
/** Points Review somewhere else, so the next click has to set it again. */
const elsewhere = (): void => useReviewStore().showRows('comments', { teams: ['elsewhere'] });

beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return this.getAttribute('role') === 'grid' ? 360 : 0;
  });
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1200);
});

afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

describe('calibration view', () => {
  it('sums up the shared segments, and opens their scores', async () => {
    await mountView();
    expect(insights.calibration.report).toHaveBeenCalledWith({ profileId: 'eu' });
    const summary = $('calibration-summary');
    expect(summary.findAll('dd').map((d) => d.text())).toEqual(
      [report.segments.length, report.assessors.length, report.questions.length].map(countText),
    );
    await summary.find('[data-drill="segments"]').trigger('click');
    expect(landed()).toEqual({ tab: 'scores', filters: { segmentIds: allSegments } });
  });

  it('leniency: most lenient first, chart and table from one list, each opening the shared segments', async () => {
    await mountView();
    const sorted = [...report.assessors].sort((a, b) => b.leniency! - a.leniency!);
    expect(cellsOf('calibration-assessors')).toEqual(
      sorted.map((a) => [a.assessor, signedText(a.leniency!), countText(a.sharedSegments)]),
    );
    const table = wrapper!
      .findAllComponents(FigureTable)
      .find((t) => t.attributes('data-testid') === 'calibration-assessors')!;
    // One data object behind both: the chart cannot say another number than its table.
    expect(wrapper!.findComponent(LeniencyChart).props('assessors')).toBe(
      (table.props() as { rows: unknown }).rows,
    );

    const cy = sorted.findIndex((a) => a.assessor === 'cy@example.com');
    const cySegments = report.segments
      .filter((s) => s.scores.some((x) => x.assessor === 'cy@example.com'))
      .map((s) => s.segmentId);
    expect(cySegments).toHaveLength(1);
    chartStub(wrapper!).vm.$emit('click', { componentType: 'series', seriesIndex: 0, dataIndex: cy });
    expect(landed()).toEqual({ tab: 'scores', filters: { segmentIds: cySegments } });
    elsewhere();
    await $('calibration-assessors')
      .findAll('tbody tr')
      [cy]!.find('[data-column="sharedSegments"] button')
      .trigger('click');
    expect(landed()).toEqual({ tab: 'scores', filters: { segmentIds: cySegments } });
  });

  it('agreement per question: least agreement first, opening that question on the shared segments', async () => {
    await mountView();
    const sorted = [...report.questions].sort((a, b) => a.agreement! - b.agreement!);
    expect(cellsOf('calibration-questions')).toEqual(
      sorted.map((q) => [q.question!, countText(q.pairs), shareText(q.agreement)]),
    );
    await $('calibration-questions').find('tbody tr [data-column="agreement"] button').trigger('click');
    expect(landed()).toEqual({
      tab: 'assessments',
      filters: {
        segmentIds: allSegments,
        questionSids: [sorted[0]!.questionSid],
      },
    });
  });

  it('spread per segment: widest first, Enter opens that segment’s assessments', async () => {
    await mountView();
    const grid = $('calibration-segments');
    const widest = [...report.segments].sort((a, b) => b.spread! - a.spread!)[0]!;
    const first = grid.findAll('[data-index="0"] [role="gridcell"]').map((c) => c.text());
    expect(first.at(-1)).toBe(`${pointsText(widest.spread!)} pts`);
    expect(first[3]).toBe('ann 82.5% · bob 64.3%');
    await grid.trigger('keydown', { key: 'ArrowDown' });
    await grid.trigger('keydown', { key: 'Enter' });
    expect(landed()).toEqual({
      tab: 'scores',
      filters: {
        segmentIds: [widest.segmentId],
        questionnaireSids: [widest.questionnaireSid],
      },
    });
    // Sorting by spread again turns the order round.
    await grid.find('[data-testid="sort-spread"]').trigger('click');
    await flushPromises();
    const narrowest = [...report.segments].sort((a, b) => a.spread! - b.spread!)[0]!;
    expect(grid.findAll('[data-index="0"] [role="gridcell"]').at(-1)!.text()).toBe(
      `${pointsText(narrowest.spread!)} pts`,
    );
  });

  it('when main lists only the widest segments, a figure opens the assessor’s or question’s rows', async () => {
    // 40 more shared segments than the two listed: the list is the widest spreads only.
    await mountView((profileId) => {
      const r = calibrationReport(profileId);
      return { ...r, segmentCount: r.segments.length + 40 };
    });
    expect($('calibration-widest').text()).toContain(
      `The ${report.segments.length} widest spreads of ${report.segments.length + 40} are listed`,
    );
    expect($('calibration-summary').find('[data-drill="segments"]').exists()).toBe(false);
    const bob = $('calibration-assessors').find('tr[data-key="bob@example.com"]');
    await bob.find('[data-column="leniency"] button').trigger('click');
    expect(landed()).toEqual({ tab: 'scores', filters: { assessors: ['bob@example.com'] } });
    await $('calibration-questions')
      .find('tr[data-key="QS01"] [data-column="agreement"] button')
      .trigger('click');
    expect(landed()).toEqual({ tab: 'assessments', filters: { questionSids: ['QS01'] } });
  });

  it('teaches when no segment has two assessors', async () => {
    await mountView((profileId) => ({
      profileId,
      segmentCount: 0,
      segments: [],
      questions: [],
      assessors: [],
    }));
    expect($('empty-state').text()).toContain('No segment has been assessed by more than one reviewer yet.');
  });

  it('says what failed, and retries', async () => {
    const fake = createFakeQm({
      accounts: accountsState({ profiles: [profile({ id: 'eu', label: 'Support EU' })], activeId: 'eu' }),
    }).install();
    insights = withInsights(fake, { cards: [] });
    insights.calibration.report.mockResolvedValueOnce(
      fail('store_failed', 'The local store could not be read.'),
    );
    const pinia = createPinia();
    setActivePinia(pinia);
    await useAccountsStore().start();
    wrapper = mount(CalibrationView, { global: { plugins: [pinia] }, attachTo: document.body });
    await settle();
    expect($('calibration-error').text()).toContain('The local store could not be read.');
    await $('calibration-error').find('button').trigger('click');
    await flushPromises();
    expect($('calibration-error').exists()).toBe(false);
    expect($('calibration-summary').exists()).toBe(true);
  });

  it('drops a report that answers for another account', async () => {
    await mountView((profileId) => ({ ...calibrationReport(profileId), profileId: 'other' }));
    expect($('calibration-summary').exists()).toBe(false);
  });
});

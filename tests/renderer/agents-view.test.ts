import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AgentScorecard } from '../../src-preload/contract.ts';
import ScoreOverTimeChart from '../../src-renderer/src/components/charts/ScoreOverTimeChart.vue';
import ScorePerAgentChart from '../../src-renderer/src/components/charts/ScorePerAgentChart.vue';
import { countText, scoreText, trendView } from '../../src-renderer/src/insights/format.ts';
import { periodRange, periodTitle } from '../../src-renderer/src/insights/periods.ts';
import { useAccountsStore } from '../../src-renderer/src/stores/accounts.ts';
import { useReviewStore } from '../../src-renderer/src/stores/review.ts';
import { CHART_AGENTS, useAgentsStore } from '../../src-renderer/src/stores/agents.ts';
import { useViewStore } from '../../src-renderer/src/stores/view.ts';
import AgentsView from '../../src-renderer/src/views/AgentsView.vue';
import { chartStub, settle } from './chart-stub.ts';
import { accountsState, createFakeQm, fail, ok, profile, type FakeQm } from './fake-qm.ts';
import { agentDetail, answerDistribution, scorecard, scorecardWindow, withInsights } from './fake-review.ts';

vi.mock('vue-echarts', () => import('./chart-stub.ts'));

const VIEWPORT = 600;
const cards: AgentScorecard[] = Array.from({ length: 30 }, (_, i) => scorecard(i));

let fake: FakeQm;
let insights: ReturnType<typeof withInsights>;
let wrapper: VueWrapper | null = null;

async function mountView(list: AgentScorecard[] = cards): Promise<VueWrapper> {
  fake = createFakeQm({
    accounts: accountsState({ profiles: [profile({ id: 'eu', label: 'Support EU' })], activeId: 'eu' }),
  }).install();
  insights = withInsights(fake, { cards: list });
  const pinia = createPinia();
  setActivePinia(pinia);
  await useAccountsStore().start();
  wrapper = mount(AgentsView, { global: { plugins: [pinia] }, attachTo: document.body });
  await settle();
  return wrapper;
}

const $ = (testid: string) => wrapper!.find(`[data-testid="${testid}"]`);
const rowCells = (index: number): string[] =>
  wrapper!
    .findAll(`[data-testid="agents-table"] [data-index="${index}"] [role="gridcell"]`)
    .map((c) => c.text());
/** What the store would list first, in this order. */
const expectedOrder = (q: Parameters<typeof scorecardWindow>[1]): AgentScorecard[] =>
  scorecardWindow(cards, { limit: 1000, ...q }).rows;

/** Where a click-through left Review: its table and filters. */
const landed = () => {
  const review = useReviewStore();
  return { tab: review.tab, filters: review.filters };
};
/** Points Review somewhere else, so the next click has to set it again. */
const elsewhere = (): void => useReviewStore().showRows('comments', { teams: ['elsewhere'] });

beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return this.getAttribute('role') === 'grid' ? VIEWPORT : 0;
  });
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1200);
});

afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

describe('agent scorecards', () => {
  it('lists every agent with counts, score and trend as text, most assessed first', async () => {
    await mountView();
    expect(insights.agents.scorecards).toHaveBeenCalledWith(
      expect.objectContaining({ profileId: 'eu', sort: { column: 'assessments', dir: 'desc' }, search: '' }),
    );
    expect($('agents-count').text()).toBe(`${cards.length} agents`);
    const order = expectedOrder({ profileId: 'eu' });
    for (const i of [0, 1, 5]) {
      const c = order[i]!;
      const [name, team, assessments, comments, score, trend] = rowCells(i);
      expect([name, team, assessments, comments, score]).toEqual([
        c.name,
        c.team,
        countText(c.assessments),
        countText(c.comments),
        scoreText(c.meanScore),
      ]);
      // The trend reads as an arrow and a signed number, with words for screen readers.
      const t = trendView(c.trend);
      expect(trend).toBe(`${t.text}${t.label}`);
    }
    const withTrend = wrapper!.findAll('[data-trend="up"], [data-trend="down"]');
    expect(withTrend.length).toBeGreaterThan(0);
    for (const mark of withTrend) expect(mark.text()).toMatch(/^[▲▼] [+−-]\d/);
  });

  it('sorts in the store by header click and searches by name', async () => {
    await mountView();
    await $('sort-meanScore').trigger('click');
    await flushPromises();
    expect(insights.agents.scorecards).toHaveBeenLastCalledWith(
      expect.objectContaining({ sort: { column: 'meanScore', dir: 'desc' } }),
    );
    expect(rowCells(0)[0]).toBe(
      expectedOrder({ profileId: 'eu', sort: { column: 'meanScore', dir: 'desc' } })[0]!.name,
    );
    await $('sort-meanScore').trigger('click');
    await flushPromises();
    expect(rowCells(0)[0]).toBe(
      expectedOrder({ profileId: 'eu', sort: { column: 'meanScore', dir: 'asc' } })[0]!.name,
    );

    const target = cards[17]!;
    await $('agents-search').setValue(target.name!);
    await flushPromises();
    expect(insights.agents.scorecards).toHaveBeenLastCalledWith(
      expect.objectContaining({ search: target.name }),
    );
    expect($('agents-count').text()).toBe('1 agent match');
    expect(rowCells(0)[0]).toBe(target.name);

    await $('agents-search').setValue('nobody');
    await flushPromises();
    expect($('agents-table').text()).toContain('No agent matches “nobody”.');
  });

  it('opens the rows behind each count in Review', async () => {
    await mountView();
    const first = expectedOrder({ profileId: 'eu' })[0]!;
    const row = wrapper!.find('[data-testid="agents-table"] [data-index="0"]');
    await row.find('[data-drill="assessments"]').trigger('click');
    expect(landed()).toEqual({ tab: 'scores', filters: { agentIds: [first.agentId] } });
    expect(useViewStore().current).toBe('review');
    // The filter chip can read the agent's name, not their id.
    expect(useReviewStore().labelOf('agentIds', first.agentId)).toBe(first.name);
    await row.find('[data-drill="comments"]').trigger('click');
    expect(landed()).toEqual({ tab: 'comments', filters: { agentIds: [first.agentId] } });
    await row.find('[data-drill="meanScore"]').trigger('click');
    expect(landed()).toEqual({ tab: 'scores', filters: { agentIds: [first.agentId] } });
  });

  it('charts the first agents in the table’s order, and a bar opens that agent’s rows', async () => {
    await mountView();
    const chart = wrapper!.findComponent(ScorePerAgentChart);
    const order = expectedOrder({ profileId: 'eu' }).slice(0, CHART_AGENTS);
    // The chart is drawn from the very rows the table shows.
    expect(chart.props('cards')).toEqual(order);
    chartStub(wrapper!).vm.$emit('click', { componentType: 'series', seriesIndex: 0, dataIndex: 4 });
    expect(landed()).toEqual({ tab: 'scores', filters: { agentIds: [order[4]!.agentId] } });
  });

  it('teaches when there are no agents, and says what failed with a retry', async () => {
    await mountView([]);
    expect($('empty-state').text()).toContain('No agents cached for this account yet.');
    wrapper!.unmount();

    fake = createFakeQm({
      accounts: accountsState({ profiles: [profile({ id: 'eu', label: 'Support EU' })], activeId: 'eu' }),
    }).install();
    insights = withInsights(fake, { cards });
    insights.agents.scorecards.mockResolvedValueOnce(
      fail('store_failed', 'The local store could not be read.'),
    );
    const pinia = createPinia();
    setActivePinia(pinia);
    await useAccountsStore().start();
    wrapper = mount(AgentsView, { global: { plugins: [pinia] }, attachTo: document.body });
    await settle();
    expect($('agents-error').text()).toContain('The local store could not be read.');
    await $('agents-error').find('button').trigger('click');
    await flushPromises();
    expect($('agents-error').exists()).toBe(false);
    expect($('agents-count').text()).toBe(`${cards.length} agents`);
  });
});

describe('agent page', () => {
  async function openFirst() {
    await mountView();
    const grid = $('agents-table');
    (grid.element as HTMLElement).focus();
    await grid.trigger('keydown', { key: 'ArrowDown' });
    await grid.trigger('keydown', { key: 'Enter' });
    await settle();
    const card = expectedOrder({ profileId: 'eu' })[0]!;
    return { card, detail: agentDetail('eu', card) };
  }

  it('opens with Enter and shows the agent’s figures, focused on their name', async () => {
    const { card } = await openFirst();
    expect(insights.agents.detail).toHaveBeenCalledWith({ profileId: 'eu', agentId: card.agentId });
    expect(insights.scores.answers).toHaveBeenCalledWith({
      profileId: 'eu',
      filters: { agentIds: [card.agentId] },
    });
    expect($('agent-title').text()).toBe(card.name);
    expect(document.activeElement).toBe($('agent-title').element);
    const figures = $('agent-figures');
    expect(figures.find('[data-drill="assessments"]').text()).toBe(countText(card.assessments));
    expect(figures.find('[data-drill="comments"]').text()).toBe(countText(card.comments));
    expect(figures.find('[data-drill="meanScore"]').text()).toBe(scoreText(card.meanScore));
    await figures.find('[data-drill="comments"]').trigger('click');
    expect(landed()).toEqual({ tab: 'comments', filters: { agentIds: [card.agentId] } });
  });

  it('score over time: chart and table share the numbers, and both open that period’s rows', async () => {
    const { card, detail } = await openFirst();
    const chart = wrapper!.findComponent(ScoreOverTimeChart);
    expect(chart.props('points')).toEqual(detail.overTime);
    const rows = $('agent-over-time-table').findAll('tbody tr');
    expect(rows.map((r) => r.findAll('td').map((td) => td.text()))).toEqual(
      detail.overTime.map((p) => [
        periodTitle(p.period, 'week'),
        countText(p.assessments),
        scoreText(p.meanScore),
      ]),
    );

    const week = detail.overTime[1]!;
    const range = periodRange(week.period, 'week')!;
    const expected = { agentIds: [card.agentId], since: range.since, until: range.until };
    await rows[1]!.find('[data-column="assessments"] button').trigger('click');
    expect(landed()).toEqual({ tab: 'scores', filters: expected });
    elsewhere();
    chartStub(wrapper!).vm.$emit('click', { componentType: 'series', seriesIndex: 0, dataIndex: 1 });
    expect(landed()).toEqual({ tab: 'scores', filters: expected });
    // A week runs Monday 00:00 to Sunday 23:59:59.999 UTC.
    expect(range.until - range.since).toBe(7 * 86_400_000 - 1);
  });

  it('weakest questions and categories, comments by tag and segments open their rows', async () => {
    const { card, detail } = await openFirst();
    const agentIds = [card.agentId];
    const q = detail.weakestQuestions[0]!;
    const qRow = $('agent-weak-questions').find(`tr[data-key="${q.key}"]`);
    expect(qRow.find('[data-column="meanScore"]').text()).toBe(scoreText(q.meanScore));
    await qRow.find('[data-column="meanLost"] button').trigger('click');
    expect(landed()).toEqual({ tab: 'assessments', filters: { agentIds, questionSids: [q.key] } });
    expect(useReviewStore().labelOf('questionSids', q.key)).toBe(q.label);
    expect(useReviewStore().labelOf('agentIds', card.agentId)).toBe(card.name);

    const c = detail.weakestCategories[0]!;
    await $('agent-weak-categories')
      .find(`tr[data-key="${c.key}"] [data-column="assessments"] button`)
      .trigger('click');
    expect(landed()).toEqual({ tab: 'assessments', filters: { agentIds, categorySids: [c.key] } });

    const tags = $('agent-comments-by-tag').findAll('tbody tr');
    await tags[0]!.find('button').trigger('click');
    expect(landed()).toEqual({ tab: 'comments', filters: { agentIds, tagIds: ['tag-hold'] } });
    // Untagged comments cannot be filtered alone: the agent's comments are the closest rows.
    expect(tags[1]!.text()).toContain('No tag');
    await tags[1]!.find('button').trigger('click');
    expect(landed()).toEqual({ tab: 'comments', filters: { agentIds } });

    const seg = detail.segments[1]!;
    const segRow = $('agent-segments').find(`tr[data-key="${seg.segmentId}"]`);
    await segRow.find('[data-column="comments"] button').trigger('click');
    expect(landed()).toEqual({ tab: 'comments', filters: { segmentIds: [seg.segmentId] } });
  });

  it('answers per question: each count opens the records with that answer', async () => {
    const { card } = await openFirst();
    const dist = answerDistribution('eu');
    const breakdown = $('answer-breakdown');
    const q = dist.questions[1]!;
    const row = breakdown.find(`tr[data-key="${q.questionSid}"]`);
    expect(row.findAll('button').map((b) => b.text())).toEqual(
      q.answers.map((a) => `${a.answer} ${countText(a.count)}`),
    );
    await row.find('[data-answer="N/A"]').trigger('click');
    expect(landed()).toEqual({
      tab: 'assessments',
      filters: {
        agentIds: [card.agentId],
        questionSids: [q.questionSid],
        answers: ['N/A'],
      },
    });
  });

  it('lists the eight weakest questions until asked for all', async () => {
    await mountView();
    insights.agents.detail.mockImplementationOnce(async (q) => {
      const base = agentDetail(
        q.profileId,
        cards.find((c) => c.agentId === q.agentId)!,
      );
      const many = Array.from({ length: 12 }, (_, i) => ({ ...base.weakestQuestions[0]!, key: `QS${i}` }));
      return ok({ ...base, weakestQuestions: many });
    });
    await wrapper!
      .find('[data-testid="agents-table"] [data-index="0"] [data-testid="agent-open"]')
      .trigger('click');
    await settle();
    const rows = () => $('agent-weak-questions').findAll('tbody tr').length;
    expect(rows()).toBe(8);
    const toggle = wrapper!.find('[data-testid="agent-weak-questions"] + button');
    expect(toggle.text()).toBe('Show all 12');
    await toggle.trigger('click');
    expect(rows()).toBe(12);
    expect(toggle.attributes('aria-expanded')).toBe('true');
  });

  it('goes back to the scorecards with the keyboard on the table', async () => {
    await openFirst();
    await $('agent-back').trigger('click');
    await flushPromises();
    expect($('agent-page').exists()).toBe(false);
    expect(document.activeElement).toBe($('agents-table').element);
    // Same list, same row: Enter opens that agent again.
    expect($('agents-table').attributes('aria-activedescendant')).toBe(
      $('agents-table').find('[data-index="0"]').attributes('id'),
    );
    expect(useAgentsStore().selectedId).toBeNull();
  });

  it('says when the page could not be read, and retries', async () => {
    await mountView();
    insights.agents.detail.mockResolvedValueOnce(fail('store_failed', 'The local store could not be read.'));
    await wrapper!
      .find('[data-testid="agents-table"] [data-index="2"] [data-testid="agent-open"]')
      .trigger('click');
    await flushPromises();
    expect($('agent-error').text()).toContain('The local store could not be read.');
    await $('agent-error').find('button').trigger('click');
    await flushPromises();
    expect($('agent-error').exists()).toBe(false);
    expect($('agent-title').text()).toBe(expectedOrder({ profileId: 'eu' })[2]!.name);
  });
});

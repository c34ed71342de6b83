import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import AnswerDistributionChart from '../../src-renderer/src/components/charts/AnswerDistributionChart.vue';
import ScorePerAgentChart from '../../src-renderer/src/components/charts/ScorePerAgentChart.vue';
import {
  answerDistributionChart,
  answerSeriesOf,
  leniencyChart,
  scoreOverTimeChart,
  scorePerAgentChart,
} from '../../src-renderer/src/components/charts/options.ts';
import { LIGHT_PALETTE } from '../../src-renderer/src/components/charts/palette.ts';
import { round1, scoreText, signedText } from '../../src-renderer/src/insights/format.ts';
import { periodLabel } from '../../src-renderer/src/insights/periods.ts';
import { useSettingsStore } from '../../src-renderer/src/stores/settings.ts';
import { useThemeStore } from '../../src-renderer/src/stores/theme.ts';
import { accountsState, createFakeQm } from './fake-qm.ts';
import { agentDetail, answerDistribution, calibrationReport, scorecard } from './fake-review.ts';
import { chartStub, settle, type ChartStubProps } from './chart-stub.ts';

vi.mock('vue-echarts', () => import('./chart-stub.ts'));

type Series = { type: string; name?: string; data: Array<number | string | { value: number | string }> };
const seriesOf = (option: unknown): Series[] => (option as { series: Series[] }).series;
const valuesOf = (s: Series): Array<number | string> =>
  s.data.map((d) => (typeof d === 'object' ? d.value : d));
const categoriesOf = (option: unknown, axis: 'xAxis' | 'yAxis'): string[] =>
  (option as Record<string, { data: string[] }>)[axis]!.data;
/** A score cell's text back to the number it shows ("82.4%" → 82.4). */
const shown = (text: string): number => Number(text.replace('%', '').replace('−', '-'));

const cards = Array.from({ length: 6 }, (_, i) => scorecard(i));

describe('chart options come from the table data', () => {
  it('score per agent: one bar per card in table order, each equal to the table’s score', () => {
    const cardsWithGap = [...cards, scorecard(9, { meanScore: null })];
    const { option, summary } = scorePerAgentChart(cardsWithGap, LIGHT_PALETTE);
    expect(categoriesOf(option, 'yAxis')).toEqual(cardsWithGap.map((c) => c.name));
    const values = valuesOf(seriesOf(option)[0]!);
    cards.forEach((card, i) => expect(values[i]).toBe(shown(scoreText(card.meanScore))));
    expect(values.at(-1)).toBe('-');
    const best = [...cards].sort((a, b) => b.meanScore! - a.meanScore!)[0]!;
    expect(summary).toContain(`highest ${best.name} ${scoreText(best.meanScore)}`);
  });

  it('score over time: periods as labels, gaps where a period has no score', () => {
    const detail = agentDetail('eu', cards[0]!);
    const { option, summary } = scoreOverTimeChart(detail.overTime, 'week', LIGHT_PALETTE);
    expect(categoriesOf(option, 'xAxis')).toEqual(detail.overTime.map((p) => periodLabel(p.period, 'week')));
    expect(valuesOf(seriesOf(option)[0]!)).toEqual(
      detail.overTime.map((p) => (p.meanScore === null ? '-' : round1(p.meanScore))),
    );
    expect(summary).toMatch(/^Average score over time, 4 periods: highest Week of/);
  });

  it('leniency: signed values, lenient and strict drawn apart, the axis line at zero', () => {
    const { assessors } = calibrationReport('eu');
    const { option, summary } = leniencyChart(assessors, LIGHT_PALETTE);
    const series = seriesOf(option)[0]! as unknown as {
      data: Array<{ value: number; itemStyle: { color: string } }>;
    };
    expect(series.data.map((d) => d.value)).toEqual(assessors.map((a) => round1(a.leniency!)));
    const colours = series.data.map((d) => d.itemStyle.color);
    assessors.forEach((a, i) =>
      expect(colours[i]).toBe(a.leniency! >= 0 ? LIGHT_PALETTE.bar : LIGHT_PALETTE.ranks[3]),
    );
    const yAxis = (option as { yAxis: { axisLine: { show?: boolean } } }).yAxis;
    expect(yAxis.axisLine.show).not.toBe(false);
    expect(summary).toContain(`most lenient ann@example.com ${signedText(8.96)}`);
    expect(summary).toContain(`strictest bob@example.com ${signedText(-7.71)}`);
  });

  it('answer distribution: a series per answer, best score first, counts per question', () => {
    const { questions } = answerDistribution('eu');
    const { option, legend } = answerDistributionChart(questions, LIGHT_PALETTE);
    const series = seriesOf(option);
    expect(series.map((s) => s.name)).toEqual(['Yes', 'No', 'N/A']);
    for (const s of series)
      expect(valuesOf(s)).toEqual(
        questions.map((q) => q.answers.find((a) => a.answer === s.name)?.count ?? '-'),
      );
    // Colour follows the score rank, N/A (no score) is grey.
    const colours = (series as Array<Series & { itemStyle: { color: string } }>).map(
      (s) => s.itemStyle.color,
    );
    expect(colours).toEqual([LIGHT_PALETTE.ranks[0], LIGHT_PALETTE.ranks[4], LIGHT_PALETTE.none]);
    // The legend (HTML beside the canvas) names the same colours.
    expect(legend).toEqual(series.map((s, i) => ({ name: s.name, colour: colours[i] })));
    expect(answerSeriesOf(questions).map((s) => s.level)).toEqual([1, 0, null]);
  });

  it('answer colours follow each question’s own scale: the best of 1–5 and of Yes/No look alike', () => {
    const questions = [
      {
        questionSid: 'QS1',
        question: 'Rating',
        answers: [5, 4, 3, 2, 1].map((score) => ({ answer: `${score} stars`, count: score * 2, score })),
      },
      {
        questionSid: 'QS2',
        question: 'Yes or no',
        answers: [
          { answer: 'Yes', count: 4, score: 1 },
          { answer: 'No', count: 3, score: 0 },
        ],
      },
    ];
    const { legend } = answerDistributionChart(questions, LIGHT_PALETTE);
    const colour = new Map(legend!.map((l) => [l.name, l.colour]));
    expect(colour.get('5 stars')).toBe(LIGHT_PALETTE.ranks[0]);
    expect(colour.get('Yes')).toBe(LIGHT_PALETTE.ranks[0]);
    expect(colour.get('1 stars')).toBe(LIGHT_PALETTE.ranks[4]);
    expect(colour.get('No')).toBe(LIGHT_PALETTE.ranks[4]);
    expect(colour.get('3 stars')).toBe(LIGHT_PALETTE.ranks[2]);
    // Stacked best to worst.
    expect(
      legend!
        .map((l) => l.name)
        .slice(0, 2)
        .sort(),
    ).toEqual(['5 stars', 'Yes']);
  });

  it('never uses the HTML tooltip (its inline styles break the CSP)', () => {
    const options = [
      scorePerAgentChart(cards, LIGHT_PALETTE).option,
      leniencyChart(calibrationReport('eu').assessors, LIGHT_PALETTE).option,
      answerDistributionChart(answerDistribution('eu').questions, LIGHT_PALETTE).option,
    ];
    for (const option of options)
      expect((option.tooltip as { renderMode: string }).renderMode).toBe('richText');
  });
});

describe('chart components', () => {
  let wrapper: VueWrapper | null = null;

  beforeEach(() => {
    createFakeQm({ accounts: accountsState() }).install();
    setActivePinia(createPinia());
  });
  afterEach(() => {
    wrapper?.unmount();
    wrapper = null;
    document.documentElement.removeAttribute('style');
  });

  it('has a text alternative and reports the clicked bar', async () => {
    wrapper = mount(ScorePerAgentChart, { props: { cards } });
    await settle();
    const img = wrapper.find('[role="img"]');
    expect(img.attributes('aria-label')).toBe(scorePerAgentChart(cards, LIGHT_PALETTE).summary);
    chartStub(wrapper).vm.$emit('click', { componentType: 'series', seriesIndex: 0, dataIndex: 3 });
    expect(wrapper.emitted('select')).toEqual([[cards[3]]]);
    // A click on an axis label is not a bar.
    chartStub(wrapper).vm.$emit('click', { componentType: 'yAxis', dataIndex: 1 });
    expect(wrapper.emitted('select')).toHaveLength(1);
  });

  it('draws on canvas and re-reads the theme colours when the theme changes', async () => {
    const root = document.documentElement;
    root.style.setProperty('--chart-bar', '#111111');
    wrapper = mount(ScorePerAgentChart, { props: { cards } });
    await settle();
    const props = (): ChartStubProps => chartStub(wrapper!).props() as ChartStubProps;
    expect(props().initOptions).toEqual({ renderer: 'canvas' });
    const colour = () =>
      (seriesOf(props().option)[0] as unknown as { itemStyle: { color: string } }).itemStyle.color;
    expect(colour()).toBe('#111111');

    root.style.setProperty('--chart-bar', '#222222');
    useSettingsStore().settings.theme = useThemeStore().effective === 'dark' ? 'light' : 'dark';
    await nextTick();
    await nextTick();
    expect(colour()).toBe('#222222');
  });

  it('answer chart: a click names the question and the answer of that bar part', async () => {
    const { questions } = answerDistribution('eu');
    wrapper = mount(AnswerDistributionChart, { props: { questions } });
    await settle();
    expect(wrapper.findAll('[aria-label="Legend"] li').map((li) => li.text())).toEqual(['Yes', 'No', 'N/A']);
    // Series 1 is "No" (second-best score); data index 1 is the second question.
    chartStub(wrapper).vm.$emit('click', { componentType: 'series', seriesIndex: 1, dataIndex: 1 });
    expect(wrapper.emitted('select')).toEqual([[questions[1], 'No']]);
  });
});

/**
 * Chart options built from the same data objects the tables beside the charts show, rounded the
 * same way (round1), so a bar and its table cell always say the same number. Each builder also
 * returns the text alternative a screen reader gets instead of the canvas.
 */
import type {
  AgentDetail,
  AgentScorecard,
  AnswerDistribution,
  CalibrationReport,
} from '../../../../src-preload/contract.ts';
import { pointsText, round1, scoreText, signedText } from '../../insights/format.ts';
import { periodTitle, periodLabel, type PeriodUnit } from '../../insights/periods.ts';
import type { ChartOption } from './echarts.ts';
import type { ChartPalette } from './palette.ts';

export interface ChartModel {
  option: ChartOption;
  /** A one-paragraph text alternative: what is drawn and its extremes. */
  summary: string;
  /** Pixel height that fits the bars. */
  height: number;
  /** What each colour stands for, where bars differ by more than their axis label (drawn as HTML). */
  legend?: { name: string; colour: string }[];
}

/** ECharts' "no value here" (a gap, not a zero bar). */
const EMPTY = '-';
type Value = number | typeof EMPTY;
const valueOf = (n: number | null): Value => (n === null ? EMPTY : round1(n));

const ROW_PX = 24;
const listHeight = (rows: number): number => Math.max(120, rows * ROW_PX + 48);

interface TooltipParams {
  dataIndex: number;
  seriesIndex?: number;
  seriesName?: string;
}

function base(palette: ChartPalette): ChartOption {
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { fontFamily: palette.font, color: palette.text, fontSize: 12 },
    tooltip: {
      trigger: 'item',
      // Drawn on the canvas: the HTML tooltip would need inline styles the CSP refuses.
      renderMode: 'richText',
      backgroundColor: palette.tooltipBg,
      borderColor: palette.axis,
      textStyle: { color: palette.text, fontFamily: palette.font, fontSize: 12 },
    },
  };
}

const categoryAxis = (palette: ChartPalette, labels: string[], inverse: boolean) => ({
  type: 'category' as const,
  data: labels,
  inverse,
  axisLine: { lineStyle: { color: palette.axis } },
  axisTick: { show: false },
  axisLabel: {
    color: palette.textMuted,
    fontFamily: palette.font,
    width: 160,
    overflow: 'truncate' as const,
  },
});

const valueAxis = (palette: ChartPalette, extra: Record<string, unknown> = {}) => ({
  type: 'value' as const,
  axisLabel: { color: palette.textMuted, fontFamily: palette.font },
  splitLine: { lineStyle: { color: palette.grid } },
  axisLine: { show: false },
  ...extra,
});

function extremes<T>(items: readonly T[], value: (item: T) => number | null): { high: T; low: T } | null {
  const scored = items.filter((item) => value(item) !== null);
  if (scored.length === 0) return null;
  const sorted = [...scored].sort((a, b) => value(b)! - value(a)!);
  return { high: sorted[0]!, low: sorted[sorted.length - 1]! };
}

const agentName = (card: AgentScorecard): string => card.name ?? card.agentId;

/** Mean assessment score per agent, one horizontal bar each, in the table's order. */
export function scorePerAgentChart(cards: readonly AgentScorecard[], palette: ChartPalette): ChartModel {
  const labels = cards.map(agentName);
  const ends = extremes(cards, (c) => c.meanScore);
  const summary =
    `Average score per agent, ${cards.length} ${cards.length === 1 ? 'agent' : 'agents'}` +
    (ends
      ? `: highest ${agentName(ends.high)} ${scoreText(ends.high.meanScore)}, lowest ${agentName(ends.low)} ${scoreText(ends.low.meanScore)}.`
      : ': no scores yet.');
  return {
    summary,
    height: listHeight(cards.length),
    option: {
      ...base(palette),
      grid: { left: 8, right: 48, top: 8, bottom: 24 },
      xAxis: valueAxis(palette, {
        min: 0,
        max: 100,
        interval: 50,
        axisLabel: { color: palette.textMuted, formatter: '{value}%' },
      }),
      yAxis: categoryAxis(palette, labels, true),
      series: [
        {
          type: 'bar',
          name: 'Average score',
          data: cards.map((c) => valueOf(c.meanScore)),
          itemStyle: { color: palette.bar, borderRadius: [0, 3, 3, 0] },
          barMaxWidth: 16,
          cursor: 'pointer',
          label: {
            show: true,
            position: 'right',
            color: palette.text,
            // The table's text, so bar and cell read alike ("94.0%", not "94%").
            formatter: (p: unknown) => scoreText(cards[(p as TooltipParams).dataIndex]?.meanScore),
          },
          tooltip: {
            formatter: (p: unknown) => {
              const card = cards[(p as TooltipParams).dataIndex]!;
              return `${agentName(card)}\n${scoreText(card.meanScore)} over ${card.assessments.toLocaleString()} assessments`;
            },
          },
        },
      ],
    },
  };
}

/** An agent's mean score per period, one vertical bar each, oldest first. */
export function scoreOverTimeChart(
  points: Readonly<AgentDetail['overTime']>,
  unit: PeriodUnit,
  palette: ChartPalette,
): ChartModel {
  const ends = extremes(points, (p) => p.meanScore);
  const summary =
    `Average score over time, ${points.length} ${points.length === 1 ? 'period' : 'periods'}` +
    (ends
      ? `: highest ${periodTitle(ends.high.period, unit)} ${scoreText(ends.high.meanScore)}, lowest ${periodTitle(ends.low.period, unit)} ${scoreText(ends.low.meanScore)}.`
      : ': no scores yet.');
  return {
    summary,
    height: 220,
    option: {
      ...base(palette),
      grid: { left: 8, right: 16, top: 24, bottom: 8 },
      xAxis: {
        ...categoryAxis(
          palette,
          points.map((p) => periodLabel(p.period, unit)),
          false,
        ),
      },
      yAxis: valueAxis(palette, {
        min: 0,
        max: 100,
        interval: 25,
        axisLabel: { color: palette.textMuted, formatter: '{value}%' },
      }),
      series: [
        {
          type: 'bar',
          name: 'Average score',
          data: points.map((p) => valueOf(p.meanScore)),
          itemStyle: { color: palette.bar, borderRadius: [3, 3, 0, 0] },
          barMaxWidth: 28,
          cursor: 'pointer',
          label: {
            show: points.length <= 16,
            position: 'top',
            color: palette.text,
            formatter: (p: unknown) => {
              const score = points[(p as TooltipParams).dataIndex]?.meanScore;
              return score === null || score === undefined ? '' : pointsText(score);
            },
          },
          tooltip: {
            formatter: (p: unknown) => {
              const point = points[(p as TooltipParams).dataIndex]!;
              return `${periodTitle(point.period, unit)}\n${scoreText(point.meanScore)} over ${point.assessments.toLocaleString()} assessments`;
            },
          },
        },
      ],
    },
  };
}

type Assessor = CalibrationReport['assessors'][number];

/** Each assessor's mean difference from the others on shared segments: right is more lenient. */
export function leniencyChart(assessors: readonly Assessor[], palette: ChartPalette): ChartModel {
  const ends = extremes(assessors, (a) => a.leniency);
  const summary =
    `Assessor leniency, ${assessors.length} ${assessors.length === 1 ? 'assessor' : 'assessors'}, in score points against the other assessors of the same segments` +
    (ends
      ? `: most lenient ${ends.high.assessor} ${signedText(ends.high.leniency!)}, strictest ${ends.low.assessor} ${signedText(ends.low.leniency!)}.`
      : ': no shared segments scored yet.');
  return {
    summary,
    height: listHeight(assessors.length),
    option: {
      ...base(palette),
      grid: { left: 8, right: 48, top: 8, bottom: 24 },
      xAxis: valueAxis(palette, {
        axisLabel: { color: palette.textMuted, formatter: (v: number) => signedText(v) },
      }),
      // The category axis crosses the value axis at zero: the line between stricter and more lenient.
      yAxis: categoryAxis(
        palette,
        assessors.map((a) => a.assessor),
        true,
      ),
      series: [
        {
          type: 'bar',
          name: 'Leniency',
          data: assessors.map((a) => ({
            value: valueOf(a.leniency),
            itemStyle: { color: (a.leniency ?? 0) >= 0 ? palette.bar : palette.ranks[3]! },
          })),
          barMaxWidth: 16,
          cursor: 'pointer',
          label: {
            show: true,
            position: 'right',
            color: palette.text,
            formatter: (p: unknown) => {
              const leniency = assessors[(p as TooltipParams).dataIndex]!.leniency;
              return leniency === null ? '' : signedText(leniency);
            },
          },
          tooltip: {
            formatter: (p: unknown) => {
              const a = assessors[(p as TooltipParams).dataIndex]!;
              const diff = a.leniency === null ? 'no difference known' : `${signedText(a.leniency)} points`;
              return `${a.assessor}\n${diff} over ${a.sharedSegments.toLocaleString()} shared segments`;
            },
          },
        },
      ],
    },
  };
}

type Question = AnswerDistribution['questions'][number];

export interface AnswerSeries {
  answer: string;
  /**
   * Where the answer sits in its question's scale, 0 (the lowest score) to 1 (the highest),
   * averaged over the questions that offer it; null for answers without a score (N/A). Scales
   * differ (Yes/No is 1/0, a rating 1–5), so raw scores would not compare.
   */
  level: number | null;
}

/** Every answer name across the questions, best first, answers without a score last. */
export function answerSeriesOf(questions: readonly Question[]): AnswerSeries[] {
  const seen = new Map<string, { total: number; n: number }>();
  for (const q of questions) {
    const scores = q.answers.map((a) => a.score).filter((x): x is number => x !== null);
    const low = Math.min(...scores);
    const span = Math.max(...scores) - low;
    for (const a of q.answers) {
      const entry = seen.get(a.answer) ?? { total: 0, n: 0 };
      if (a.score !== null) {
        entry.total += span > 0 ? (a.score - low) / span : 1;
        entry.n++;
      }
      seen.set(a.answer, entry);
    }
  }
  return [...seen]
    .map(([answer, { total, n }]) => ({ answer, level: n ? total / n : null }))
    .sort((a, b) => (b.level ?? -Infinity) - (a.level ?? -Infinity) || a.answer.localeCompare(b.answer));
}

const questionName = (q: Question): string => q.question ?? q.questionSid;

/** How often each answer was given, per question: one stacked horizontal bar per question. */
export function answerDistributionChart(questions: readonly Question[], palette: ChartPalette): ChartModel {
  const series = answerSeriesOf(questions);
  // Best is the first rank colour, worst the last, whatever the scale.
  const colourOf = (s: AnswerSeries): string => {
    if (s.level === null) return palette.none;
    const steps = palette.ranks.length - 1;
    return palette.ranks[Math.round((1 - s.level) * steps)]!;
  };
  const total = questions.reduce((n, q) => n + q.answers.reduce((m, a) => m + a.count, 0), 0);
  const summary =
    `Answer distribution, ${questions.length} ${questions.length === 1 ? 'question' : 'questions'}, ` +
    `${total.toLocaleString()} answers in all; the table beside lists each question's answer counts.`;
  return {
    summary,
    height: listHeight(questions.length),
    legend: series.map((s) => ({ name: s.answer, colour: colourOf(s) })),
    option: {
      ...base(palette),
      grid: { left: 8, right: 24, top: 8, bottom: 24 },
      xAxis: valueAxis(palette),
      yAxis: categoryAxis(palette, questions.map(questionName), true),
      series: series.map((s) => ({
        type: 'bar' as const,
        name: s.answer,
        stack: 'answers',
        data: questions.map((q) => q.answers.find((a) => a.answer === s.answer)?.count ?? EMPTY),
        itemStyle: { color: colourOf(s) },
        barMaxWidth: 16,
        cursor: 'pointer',
        tooltip: {
          formatter: (p: unknown) => {
            const q = questions[(p as TooltipParams).dataIndex]!;
            const count = q.answers.find((a) => a.answer === s.answer)?.count ?? 0;
            return `${questionName(q)}\n${s.answer}: ${count.toLocaleString()}`;
          },
        },
      })),
    },
  };
}

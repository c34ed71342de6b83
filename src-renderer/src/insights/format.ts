/** How scores, differences and shares read in the Agents and Calibration views. */

const ONE_DECIMAL = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const SIGNED = new Intl.NumberFormat(undefined, {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
  signDisplay: 'exceptZero',
});

/** Rounds to the one decimal every view shows, so a chart and its table round alike. */
export const round1 = (value: number): number => Math.round(value * 10) / 10;

/** "82.4%" for an assessment score (a percentage); "—" when there is none. */
export function scoreText(score: number | null | undefined): string {
  return score === null || score === undefined ? '—' : `${ONE_DECIMAL.format(round1(score))}%`;
}

/** "+3.2" / "−1.5" / "0.0": a difference in score points, always signed. */
export function signedText(value: number): string {
  return SIGNED.format(round1(value));
}

/** "12.5": score points without a sign (a spread). */
export function pointsText(value: number): string {
  return ONE_DECIMAL.format(round1(value));
}

/** "62%" for a share between 0 and 1. */
export function shareText(share: number | null | undefined): string {
  return share === null || share === undefined ? '—' : `${Math.round(share * 100)}%`;
}

const DATE = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** "9 Mar 2025" in the reviewer's locale and time zone. */
export function dateText(ms: number): string {
  return DATE.format(new Date(ms));
}

export function countText(n: number): string {
  return n.toLocaleString();
}

export type TrendDirection = 'up' | 'down' | 'flat' | 'none';

export interface TrendView {
  direction: TrendDirection;
  /** An arrow and a signed number, so the direction never rests on colour alone. */
  text: string;
  /** What a screen reader says, and the hover text. */
  label: string;
}

/** Trend in score points (last 30 days against the 30 before). Under 0.05 points counts as flat. */
export function trendView(trend: number | null | undefined): TrendView {
  if (trend === null || trend === undefined)
    return {
      direction: 'none',
      text: '—',
      label: 'No trend: needs assessments in the last 30 days and in the 30 days before',
    };
  const rounded = round1(trend);
  if (rounded === 0) return { direction: 'flat', text: '→ 0.0', label: 'Steady: no change over 30 days' };
  const up = rounded > 0;
  return {
    direction: up ? 'up' : 'down',
    text: `${up ? '▲' : '▼'} ${signedText(rounded)}`,
    label: `${up ? 'Up' : 'Down'} ${ONE_DECIMAL.format(Math.abs(rounded))} points over 30 days`,
  };
}

/** Leniency in words: positive scores higher than the other assessors, negative lower. */
export function leniencyLabel(leniency: number | null): string {
  if (leniency === null) return 'No shared segment scored';
  const rounded = round1(leniency);
  if (rounded === 0) return 'In line with the other assessors';
  const points = ONE_DECIMAL.format(Math.abs(rounded));
  return rounded > 0 ? `${points} points more lenient` : `${points} points stricter`;
}

/**
 * Score periods as the store names them, turned into the date range a click filters by. The
 * store buckets in UTC; a period is named by its first day (`2025-03-03`), or as `2025-03`
 * (month) or `2025-W10` (ISO week).
 */

export type PeriodUnit = 'day' | 'week' | 'month';

export interface PeriodRange {
  /** Epoch ms of the first instant, inclusive. */
  since: number;
  /** Epoch ms of the last instant, inclusive (the filters' `until` is inclusive). */
  until: number;
}

const DAY_MS = 86_400_000;

/** Monday of ISO week 1 is the Monday of the week holding 4 January. */
function isoWeekStart(year: number, week: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7;
  return jan4 - weekday * DAY_MS + (week - 1) * 7 * DAY_MS;
}

function endOf(start: number, unit: PeriodUnit): number {
  if (unit === 'day') return start + DAY_MS - 1;
  if (unit === 'week') return start + 7 * DAY_MS - 1;
  const d = new Date(start);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - 1;
}

/** The range a period covers, or null when its name is not one the store uses. */
export function periodRange(period: string, unit: PeriodUnit = 'week'): PeriodRange | null {
  let match = /^(\d{4})-W(\d{2})$/.exec(period);
  if (match) {
    const since = isoWeekStart(Number(match[1]), Number(match[2]));
    return { since, until: endOf(since, 'week') };
  }
  match = /^(\d{4})-(\d{2})$/.exec(period);
  if (match) {
    const since = Date.UTC(Number(match[1]), Number(match[2]) - 1, 1);
    return { since, until: endOf(since, 'month') };
  }
  match = /^(\d{4})-(\d{2})-(\d{2})/.exec(period);
  if (match) {
    const since = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    return { since, until: endOf(since, unit) };
  }
  return null;
}

/**
 * The unit of a run of periods: months are named YYYY-MM; day-named periods are weeks when
 * every one starts on a Monday (the store's weeks do) and no two are a day apart, else days.
 */
export function unitOf(periods: readonly string[]): PeriodUnit {
  const first = periods[0];
  if (first && /^\d{4}-\d{2}$/.test(first)) return 'month';
  if (first && /^\d{4}-W\d{2}$/.test(first)) return 'week';
  const starts = periods
    .map((p) => periodRange(p, 'day')?.since)
    .filter((ms): ms is number => ms !== undefined);
  const mondays = starts.every((ms) => new Date(ms).getUTCDay() === 1);
  const dayApart = starts.some((ms, i) => i > 0 && Math.abs(ms - starts[i - 1]!) === DAY_MS);
  return mondays && !dayApart ? 'week' : 'day';
}

const DAY = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
const MONTH = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' });

/** "3 Mar" for a day or the week starting then, "Mar 2025" for a month; the name itself otherwise. */
export function periodLabel(period: string, unit: PeriodUnit = 'week'): string {
  const range = periodRange(period, unit);
  if (!range) return period;
  if (unit === 'month' || /^\d{4}-\d{2}$/.test(period)) return MONTH.format(range.since);
  return DAY.format(range.since);
}

/** Longer words for a screen reader and the table: "Week of 3 Mar", "Mar 2025". */
export function periodTitle(period: string, unit: PeriodUnit = 'week'): string {
  const label = periodLabel(period, unit);
  if (!periodRange(period, unit)) return label;
  if (unit === 'week' || /-W\d{2}$/.test(period)) return `Week of ${label}`;
  return label;
}

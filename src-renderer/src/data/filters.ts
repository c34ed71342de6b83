import type { DistinctColumn, QueryFilters } from '../../../src-preload/contract.ts';

/** The filters whose value is a list of alternatives, each picked from the store's distinct values. */
export type ListFilterKey =
  | 'segmentIds'
  | 'agentIds'
  | 'teams'
  | 'queues'
  | 'questionnaireSids'
  | 'questionSids'
  | 'categorySids'
  | 'answers'
  | 'tagIds'
  | 'assessors';

export interface ListField {
  key: ListFilterKey;
  label: string;
  /** The picker's values come from this column. */
  column: DistinctColumn;
  /** Values are ids with a readable name beside them (a question's text for its SID …). */
  named: boolean;
  mono?: boolean;
}

export const LIST_FIELDS: readonly ListField[] = [
  { key: 'segmentIds', label: 'Segment', column: 'segmentId', named: false, mono: true },
  { key: 'agentIds', label: 'Agent', column: 'agentId', named: true },
  { key: 'teams', label: 'Team', column: 'team', named: false },
  { key: 'queues', label: 'Queue', column: 'queue', named: false },
  { key: 'questionnaireSids', label: 'Questionnaire', column: 'questionnaireSid', named: true },
  { key: 'questionSids', label: 'Question', column: 'questionSid', named: true },
  { key: 'categorySids', label: 'Category', column: 'categorySid', named: true },
  { key: 'answers', label: 'Answer', column: 'answer', named: false },
  { key: 'tagIds', label: 'Comment tag', column: 'tagId', named: true },
  { key: 'assessors', label: 'Assessor', column: 'assessor', named: false },
];

/** Every filter the bar shows as one chip: the list filters, the date and score ranges, the report flag, the text. */
export type FilterField = ListFilterKey | 'date' | 'score' | 'report' | 'text';

export const FIELD_LABELS: Record<FilterField, string> = {
  ...(Object.fromEntries(LIST_FIELDS.map((f) => [f.key, f.label])) as Record<ListFilterKey, string>),
  date: 'Date',
  score: 'Score',
  report: 'Report flag',
  text: 'Comment text',
};

export const listField = (key: ListFilterKey): ListField => LIST_FIELDS.find((f) => f.key === key)!;

/** Filters without empty lists, blank text or unset values (what is sent, stored and counted). */
export function cleanFilters(filters: QueryFilters): QueryFilters {
  const out: QueryFilters = {};
  for (const field of LIST_FIELDS) {
    const values = filters[field.key];
    if (values?.length) out[field.key] = [...new Set(values)];
  }
  if (filters.report !== undefined) out.report = filters.report;
  if (filters.since !== undefined) out.since = filters.since;
  if (filters.until !== undefined) out.until = filters.until;
  if (filters.scoreMin !== undefined) out.scoreMin = filters.scoreMin;
  if (filters.scoreMax !== undefined) out.scoreMax = filters.scoreMax;
  const text = filters.text?.trim();
  if (text) out.text = text;
  return out;
}

/** The chips in bar order. */
export function activeFields(filters: QueryFilters): FilterField[] {
  const clean = cleanFilters(filters);
  const fields: FilterField[] = [];
  if (clean.text) fields.push('text');
  for (const field of LIST_FIELDS) if (clean[field.key]) fields.push(field.key);
  if (clean.since !== undefined || clean.until !== undefined) fields.push('date');
  if (clean.scoreMin !== undefined || clean.scoreMax !== undefined) fields.push('score');
  if (clean.report !== undefined) fields.push('report');
  return fields;
}

/** "1 filter", "3 filters" */
export function filterCountText(filters: QueryFilters): string {
  const n = activeFields(filters).length;
  return `${n} ${n === 1 ? 'filter' : 'filters'}`;
}

/** The filters with one field removed (a picker's values are counted under the other filters). */
export function withoutField(filters: QueryFilters, field: FilterField): QueryFilters {
  const out = { ...cleanFilters(filters) };
  if (field === 'date') {
    delete out.since;
    delete out.until;
  } else if (field === 'score') {
    delete out.scoreMin;
    delete out.scoreMax;
  } else delete out[field];
  return out;
}

export const sameFilters = (a: QueryFilters, b: QueryFilters): boolean =>
  JSON.stringify(sortedKeys(cleanFilters(a))) === JSON.stringify(sortedKeys(cleanFilters(b)));

const sortedKeys = (filters: QueryFilters): Array<[string, unknown]> =>
  Object.entries(filters)
    .map(([k, v]): [string, unknown] => [k, Array.isArray(v) ? [...v].sort() : v])
    .sort(([a], [b]) => a.localeCompare(b));

// ---- dates: the reviewer picks days in their own time zone ----------------------------------------

const pad = (n: number): string => String(n).padStart(2, '0');

/** "2025-03-07" for an <input type="date">, in local time. */
export function dayInputValue(ms: number | undefined): string {
  if (ms === undefined) return '';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function parseDay(value: string): [number, number, number] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return m ? [Number(m[1]), Number(m[2]) - 1, Number(m[3])] : null;
}

/** The first millisecond of a local day, or undefined for an empty or invalid input. */
export function dayStart(value: string): number | undefined {
  const day = parseDay(value);
  return day ? new Date(day[0], day[1], day[2]).getTime() : undefined;
}

/** The last millisecond of a local day (`until` is inclusive). */
export function dayEnd(value: string): number | undefined {
  const day = parseDay(value);
  return day ? new Date(day[0], day[1], day[2] + 1).getTime() - 1 : undefined;
}

/** The last `days` days up to the end of today, as since/until. */
export function lastDays(days: number, now = new Date()): { since: number; until: number } {
  const today = dayInputValue(now.getTime());
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (days - 1)).getTime();
  return { since: start, until: dayEnd(today)! };
}

const DAY = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** "3 Mar 2025 – 9 Mar 2025", "from 3 Mar 2025", "until 9 Mar 2025" */
export function dateRangeText(since: number | undefined, until: number | undefined): string {
  if (since !== undefined && until !== undefined) return `${DAY.format(since)} – ${DAY.format(until)}`;
  if (since !== undefined) return `from ${DAY.format(since)}`;
  if (until !== undefined) return `until ${DAY.format(until)}`;
  return 'any date';
}

// ---- scores: percentages of the computed score, both ends included --------------------------------

const PERCENT = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** "60–80 %", "at least 60 %", "at most 80 %" */
export function scoreRangeText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `${PERCENT.format(min)}–${PERCENT.format(max)} %`;
  if (min !== undefined) return `at least ${PERCENT.format(min)} %`;
  if (max !== undefined) return `at most ${PERCENT.format(max)} %`;
  return 'any score';
}

/** A typed percentage: undefined when blank, null when it is not a number from 0 to 100. */
export function parsePercent(text: string): number | undefined | null {
  const trimmed = text.trim().replace(',', '.').replace(/\s*%$/, '');
  if (trimmed === '') return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) && n >= 0 && n <= 100 ? n : null;
}

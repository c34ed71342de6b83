import type { CalibrationReport, QueryFilters } from '../../../src-preload/contract.ts';
import { useReviewStore, type RowTab } from '../stores/review.ts';
import { useViewStore } from '../stores/view.ts';
import { periodRange, type PeriodUnit } from './periods.ts';

export type { RowTab };

export interface Drill {
  tab: RowTab;
  filters: QueryFilters;
  /** Readable names of filter values (an agent's name for their id), so the filter chips read well. */
  names?: Record<string, Array<{ value: string; label: string }>>;
}

/** The drill with one more readable name for a filter value (nothing when the name is unknown). */
export function named(drill: Drill, field: keyof QueryFilters, value: string, label: string | null): Drill {
  if (!label || label === value) return drill;
  const names = { ...drill.names, [field]: [...(drill.names?.[field] ?? []), { value, label }] };
  return { ...drill, names };
}

/** A filter list holds at most this many values (the contract's limit). */
const MAX_VALUES = 1000;

/**
 * The rows behind a number: Review's table of that kind (assessment records, comments, or one
 * row per assessment) with exactly these filters, and the app switched to Review.
 */
export function useDrill(): (drill: Drill) => void {
  const review = useReviewStore();
  const view = useViewStore();
  return ({ tab, filters, names }) => {
    for (const [field, values] of Object.entries(names ?? {})) review.rememberLabels(field, values);
    review.showRows(tab, filters);
    view.show('review');
  };
}

// The filters behind each figure, shared by a chart and the table beside it. ---------------------

export const agentFilters = (agentId: string): QueryFilters => ({ agentIds: [agentId] });

export function periodDrill(
  base: QueryFilters,
  period: string,
  unit: PeriodUnit,
  tab: RowTab = 'scores',
): Drill {
  const range = periodRange(period, unit);
  return { tab, filters: range ? { ...base, since: range.since, until: range.until } : { ...base } };
}

export function tagDrill(base: QueryFilters, tagId: string | null): Drill {
  // Comments without a tag cannot be named by a filter: the agent's comments are the closest rows.
  return { tab: 'comments', filters: tagId === null ? { ...base } : { ...base, tagIds: [tagId] } };
}

export const questionDrill = (base: QueryFilters, questionSid: string): Drill => ({
  tab: 'assessments',
  filters: { ...base, questionSids: [questionSid] },
});

export const categoryDrill = (base: QueryFilters, categorySid: string): Drill => ({
  tab: 'assessments',
  filters: { ...base, categorySids: [categorySid] },
});

export const answerDrill = (base: QueryFilters, questionSid: string, answer: string): Drill => ({
  tab: 'assessments',
  filters: { ...base, questionSids: [questionSid], answers: [answer] },
});

export const segmentDrill = (segmentId: string, tab: RowTab = 'scores'): Drill => ({
  tab,
  filters: { segmentIds: [segmentId] },
});

type CalibrationSegment = CalibrationReport['segments'][number];

/** Scores on a segment that count for leniency: known ones, when there are at least two. */
const comparedScores = (s: CalibrationSegment) => {
  const known = s.scores.filter((x) => x.score !== null);
  return known.length >= 2 ? known : [];
};

/** Whether the report lists every shared segment (main lists only the widest spreads of a large store). */
export function listsEverySegment(report: CalibrationReport): boolean {
  return report.segments.length >= report.segmentCount;
}

/** Segment ids as a filter list, or nothing when there are more than a filter can carry. */
function segmentList(segments: readonly CalibrationSegment[]): QueryFilters {
  const ids = [...new Set(segments.map((s) => s.segmentId))];
  return ids.length > 0 && ids.length <= MAX_VALUES ? { segmentIds: ids } : {};
}

/** One segment's assessments by its several assessors, with the same questionnaire. */
export function calibrationSegmentDrill(segment: CalibrationSegment): Drill {
  return {
    tab: 'scores',
    filters: {
      segmentIds: [segment.segmentId],
      ...(segment.questionnaireSid ? { questionnaireSids: [segment.questionnaireSid] } : {}),
    },
  };
}

/**
 * The assessments a leniency figure rests on: every score on the segments this assessor shares.
 * When the report does not list all of them, the assessor's own assessments are the closest rows.
 */
export function leniencyDrill(report: CalibrationReport, assessor: string): Drill {
  const shared = report.segments.filter((s) => comparedScores(s).some((x) => x.assessor === assessor));
  const list = listsEverySegment(report) ? segmentList(shared) : {};
  return { tab: 'scores', filters: list.segmentIds ? list : { assessors: [assessor] } };
}

/**
 * The answers an agreement figure compares: this question on the segments with several
 * assessors (all its answers when the report does not list every such segment).
 */
export function agreementDrill(report: CalibrationReport, questionSid: string): Drill {
  const list = listsEverySegment(report) ? segmentList(report.segments) : {};
  return { tab: 'assessments', filters: { ...list, questionSids: [questionSid] } };
}

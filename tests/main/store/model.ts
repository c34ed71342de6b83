/**
 * A plain-JS model of what the store's queries should answer, built straight from the generator's
 * records: rows, filters, sort order, FTS word matching. Tests compare the store against it.
 */
import type { AssessmentRow, CommentRow, QueryFilters, RowKind } from '../../../src-preload/contract.ts';
import type { Fixture } from './fixture.ts';

export interface ModelRow {
  /** Arrival order: the store's tiebreak. */
  seq: number;
  kind: RowKind;
  row: AssessmentRow | CommentRow;
  /** What only a filter needs (the assessment columns a comment has not, and the reverse). */
  tagId: string | null;
  text: string | null;
}

export interface ModelRowOf<R extends AssessmentRow | CommentRow> extends ModelRow {
  row: R;
}

export interface Model {
  assessments: Array<ModelRowOf<AssessmentRow>>;
  comments: Array<ModelRowOf<CommentRow>>;
}

const num = (v: string | number | null | undefined): number | null =>
  v === null || v === undefined || v === '' ? null : Number(v);

/** Rows as the store should hold them once the fixture's records, segments and reference are in. */
export function buildModel(fixture: Fixture, options: { segmentsWithDetails?: Set<string> } = {}): Model {
  const { data } = fixture;
  const segments = new Map(data.segments().map((s) => [s.segment_id, s]));
  const agents = new Map(data.agents().map((a) => [a.id, a]));
  const withDetails = options.segmentsWithDetails ?? new Set(segments.keys());
  const sets = data.answerSets();
  const setOfQuestion = new Map(data.questions().map((q) => [q.question_sid, q.answer_set_id]));
  const scores = new Map<string, number>();
  for (const set of sets.answer_sets) for (const a of set.answers) scores.set(`${set.id}/${a.id}`, a.score);
  const shared = (r: { segment_id: string; agent_id: string }) => {
    const seg = withDetails.has(r.segment_id) ? segments.get(r.segment_id) : undefined;
    // A segment without details shows its agent's name and team once any segment of the agent taught them.
    const agentKnown = [...withDetails].some((id) => segments.get(id)?.agent_id === r.agent_id);
    const agent = agentKnown ? agents.get(r.agent_id) : undefined;
    return {
      agentName: seg?.agent_name ?? agent?.name ?? null,
      team: seg?.agent_team_name ?? agent?.team ?? null,
      queue: seg?.queue ?? null,
    };
  };
  const assessments = data.assessments().map((r, seq): ModelRowOf<AssessmentRow> => {
    const q = r.assessment.questionnaire;
    const setId = setOfQuestion.get(q.question.question_sid);
    const score =
      r.answer_id === sets.not_applicable.id ? null : (scores.get(`${setId}/${r.answer_id}`) ?? null);
    const row: AssessmentRow = {
      sid: r.assessment_sid,
      segmentId: r.segment_id,
      agentId: r.agent_id,
      ...shared(r),
      questionnaireSid: q.questionnaire_sid,
      questionnaire: q.name,
      questionSid: q.question.question_sid,
      question: q.question.name,
      categorySid: q.question.category.category_sid,
      category: q.question.category.name,
      answerId: r.answer_id,
      answer: r.answer_text,
      answerScore: score,
      weight: num(r.weight),
      offset: num(r.offset),
      report: r.report,
      assessor: r.user_name,
      assessorEmail: r.user_email,
      timestamp: num(r.timestamp),
    };
    return { seq, kind: 'assessments', row, tagId: null, text: null };
  });
  const comments = data.comments().map((r, seq): ModelRowOf<CommentRow> => {
    const row: CommentRow = {
      sid: r.assessment_sid,
      segmentId: r.segment_id,
      agentId: r.agent_id,
      ...shared(r),
      text: r.comment.comment,
      tagId: r.comment.category?.category_id ?? null,
      tag: r.comment.category?.name ?? null,
      offset: num(r.offset),
      weight: num(r.weight),
      report: r.report,
      assessor: r.user_name,
      assessorEmail: r.user_email,
      timestamp: num(r.timestamp),
    };
    return { seq, kind: 'comments', row, tagId: row.tagId, text: row.text };
  });
  return { assessments, comments };
}

// ---- FTS, as unicode61 with remove_diacritics 2 tokenizes ----

/** Case and accents folded. */
export const fold = (text: string): string => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

export const tokens = (text: string): string[] => (text.match(/[\p{L}\p{N}]+/gu) ?? []).map(fold);

/** The words of a search text as the store reads them: [word, prefix?]; words without letters are dropped. */
export function searchTerms(text: string): Array<{ word: string[]; prefix: boolean }> {
  return text
    .split(/\s+/)
    .map((w) => ({ prefix: w.endsWith('*'), word: tokens(w.replace(/\*+$/, '')) }))
    .filter((t) => t.word.length > 0);
}

/** Every term (a phrase of tokens, the last maybe a prefix) occurs in the text. */
export function matchesText(text: string | null, search: string): boolean {
  if (text === null) return false;
  const have = tokens(text);
  return searchTerms(search).every(({ word, prefix }) =>
    have.some((_, i) =>
      word.every((w, k) => {
        const t = have[i + k];
        if (t === undefined) return false;
        return prefix && k === word.length - 1 ? t.startsWith(w) : t === w;
      }),
    ),
  );
}

// ---- filters and sort ----

type Field = keyof AssessmentRow | keyof CommentRow;

const LIST: Array<[keyof QueryFilters, Field, RowKind | 'both']> = [
  ['segmentIds', 'segmentId', 'both'],
  ['agentIds', 'agentId', 'both'],
  ['teams', 'team', 'both'],
  ['queues', 'queue', 'both'],
  ['assessors', 'assessor', 'both'],
  ['questionnaireSids', 'questionnaireSid', 'assessments'],
  ['questionSids', 'questionSid', 'assessments'],
  ['categorySids', 'categorySid', 'assessments'],
  ['answers', 'answer', 'assessments'],
  ['tagIds', 'tagId', 'comments'],
];

const get = (r: ModelRow, field: Field): unknown => (r.row as unknown as Record<string, unknown>)[field];

/** The filter's own conditions on rows of their kind; none of the other kind's. */
function ownMatch(r: ModelRow, f: QueryFilters, foreign: boolean): boolean {
  for (const [name, field, kind] of LIST) {
    const values = f[name] as string[] | undefined;
    if (values === undefined || values.length === 0) continue;
    if (foreign ? kind !== r.kind : kind !== 'both' && kind !== r.kind) continue;
    if (!values.includes(get(r, field) as string)) return false;
  }
  if (foreign)
    return (
      r.kind !== 'comments' ||
      f.text === undefined ||
      searchTerms(f.text).length === 0 ||
      matchesText(r.text, f.text)
    );
  if (f.report !== undefined && get(r, 'report') !== f.report) return false;
  const ts = get(r, 'timestamp') as number | null;
  if (f.since !== undefined && (ts === null || ts < f.since)) return false;
  if (f.until !== undefined && (ts === null || ts > f.until)) return false;
  if (
    r.kind === 'comments' &&
    f.text !== undefined &&
    searchTerms(f.text).length > 0 &&
    !matchesText(r.text, f.text)
  )
    return false;
  return true;
}

function hasForeign(kind: RowKind, f: QueryFilters): boolean {
  const other = kind === 'assessments' ? 'comments' : 'assessments';
  const list = LIST.some(
    ([name, , k]) => k === other && ((f[name] as string[] | undefined)?.length ?? 0) > 0,
  );
  return list || (kind === 'assessments' && f.text !== undefined && searchTerms(f.text).length > 0);
}

/** Rows of `kind` matching the filters (a filter of the other kind: segments having such a row). */
export function filterRows(model: Model, kind: RowKind, f: QueryFilters): ModelRow[] {
  const rows: ModelRow[] = model[kind];
  let segments: Set<string | null> | null = null;
  if (hasForeign(kind, f)) {
    const other = kind === 'assessments' ? model.comments : model.assessments;
    segments = new Set(other.filter((r) => ownMatch(r, f, true)).map((r) => r.row.segmentId));
  }
  return rows.filter((r) => ownMatch(r, f, false) && (segments === null || segments.has(r.row.segmentId)));
}

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

/** SQLite's order: NULL first, numbers, then text by bytes (BINARY). */
function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return Buffer.compare(utf8(String(a)), utf8(String(b)));
}

/** The store's order: the keys, then arrival order in the last key's direction (none after sid). */
export function sortRows(rows: ModelRow[], sort: Array<{ column: string; dir: 'asc' | 'desc' }>): ModelRow[] {
  const lastDir = sort.at(-1)?.dir ?? 'asc';
  return [...rows].sort((a, b) => {
    for (const { column, dir } of sort) {
      const c = compareValues(get(a, column as Field), get(b, column as Field));
      if (c !== 0) return dir === 'asc' ? c : -c;
    }
    return lastDir === 'asc' ? a.seq - b.seq : b.seq - a.seq;
  });
}

/**
 * The fixed map from the contract's column and filter names to SQL. Nothing from outside ever
 * becomes SQL text: names are looked up here, values are bound parameters.
 */
import type { SQLInputValue } from 'node:sqlite';
import type {
  AssessmentColumn,
  CommentColumn,
  DistinctColumn,
  QueryFilters,
  RowKind,
  ScoreColumn,
} from '../../src-preload/contract.ts';
import { ftsQuery } from './fts.ts';
import type { Dep } from './orders.ts';

export const ASSESSMENT_SQL: Record<AssessmentColumn, string> = {
  sid: 'sid',
  segmentId: 'segment_id',
  agentId: 'agent_id',
  agentName: 'agent_name',
  team: 'team',
  queue: 'queue',
  questionnaireSid: 'questionnaire_sid',
  questionnaire: 'questionnaire',
  questionSid: 'question_sid',
  question: 'question',
  categorySid: 'category_sid',
  category: 'category',
  answerId: 'answer_id',
  answer: 'answer',
  answerScore: 'answer_score',
  weight: 'weight',
  offset: 'rec_offset',
  report: 'report',
  assessor: 'assessor',
  assessorEmail: 'assessor_email',
  timestamp: 'timestamp',
};

export const COMMENT_SQL: Record<CommentColumn, string> = {
  sid: 'sid',
  segmentId: 'segment_id',
  agentId: 'agent_id',
  agentName: 'agent_name',
  team: 'team',
  queue: 'queue',
  text: 'text',
  tagId: 'tag_id',
  tag: 'tag',
  offset: 'rec_offset',
  weight: 'weight',
  report: 'report',
  assessor: 'assessor',
  assessorEmail: 'assessor_email',
  timestamp: 'timestamp',
};

/** The scores table: one row of assessment_scores per assessment. */
export const SCORE_SQL: Record<ScoreColumn, string> = {
  assessmentKey: 'akey',
  segmentId: 'segment_id',
  agentId: 'agent_id',
  agentName: 'agent_name',
  team: 'team',
  queue: 'queue',
  questionnaireSid: 'questionnaire_sid',
  questionnaire: 'questionnaire',
  assessor: 'assessor',
  assessorEmail: 'assessor_email',
  timestamp: 'timestamp',
  answered: 'answered',
  notApplicable: 'not_applicable',
  unscored: 'unscored',
  score: 'score',
  twilioPercentage: 'twilio_percentage',
  mismatch: 'mismatch',
};

export type TableKind = RowKind | 'scores';

export const COLUMN_SQL: Record<TableKind, Record<string, string>> = {
  assessments: ASSESSMENT_SQL,
  comments: COMMENT_SQL,
  scores: SCORE_SQL,
};

/** The table behind each kind. */
export const TABLE: Record<TableKind, string> = {
  assessments: 'assessments',
  comments: 'comments',
  scores: 'assessment_scores',
};

/**
 * Every filter but these is a list (LIST_FILTERS): a filter added to the contract does not compile
 * until it is mapped here or handled in buildWhere.
 */
type ListFilter = Exclude<
  keyof QueryFilters,
  'report' | 'since' | 'until' | 'text' | 'scoreMin' | 'scoreMax'
>;

/** Which table a list filter belongs to, and its column there. */
const LIST_FILTERS: Record<ListFilter, { kind: RowKind | 'both'; column: string }> = {
  segmentIds: { kind: 'both', column: 'segment_id' },
  agentIds: { kind: 'both', column: 'agent_id' },
  teams: { kind: 'both', column: 'team' },
  queues: { kind: 'both', column: 'queue' },
  assessors: { kind: 'both', column: 'assessor' },
  questionnaireSids: { kind: 'assessments', column: 'questionnaire_sid' },
  questionSids: { kind: 'assessments', column: 'question_sid' },
  categorySids: { kind: 'assessments', column: 'category_sid' },
  answers: { kind: 'assessments', column: 'answer' },
  tagIds: { kind: 'comments', column: 'tag_id' },
};

/** The filter a picker column narrows (left out when listing that column's values). */
export const DISTINCT_FILTER: Record<DistinctColumn, { filter: ListFilter; label: string | null }> = {
  segmentId: { filter: 'segmentIds', label: null },
  agentId: { filter: 'agentIds', label: 'agent_name' },
  team: { filter: 'teams', label: null },
  queue: { filter: 'queues', label: null },
  questionnaireSid: { filter: 'questionnaireSids', label: 'questionnaire' },
  questionSid: { filter: 'questionSids', label: 'question' },
  categorySid: { filter: 'categorySids', label: 'category' },
  answer: { filter: 'answers', label: null },
  tagId: { filter: 'tagIds', label: 'tag' },
  assessor: { filter: 'assessors', label: null },
};

/** The table that holds a picker column when the asked kind has no such column. */
export function distinctTable(kind: RowKind, column: DistinctColumn): RowKind {
  const owner = LIST_FILTERS[DISTINCT_FILTER[column].filter].kind;
  return owner === 'both' ? kind : owner;
}

export interface Where {
  /** ANDed conditions over the table's bare column names. */
  conditions: string[];
  params: SQLInputValue[];
  /** What the result depends on (a cached order is dropped when one changes). */
  deps: Dep[];
}

const other = (kind: RowKind): RowKind => (kind === 'assessments' ? 'comments' : 'assessments');

/** Filters normalised: empty lists and blank text dropped, list values sorted and deduplicated. */
export function normaliseFilters(filters: QueryFilters): QueryFilters {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(filters).sort() as Array<keyof QueryFilters>) {
    const value = filters[key];
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      if (value.length > 0) out[key] = [...new Set(value)].sort();
    } else if (key === 'text') {
      const query = ftsQuery(value as string);
      if (query !== null) out[key] = value;
    } else {
      out[key] = value;
    }
  }
  return out as QueryFilters;
}

/**
 * WHERE clause for one table. A filter that belongs to the other table (the question on
 * comments, the comment text or tag on assessments) narrows to segments that have a matching row
 * there. `omit` leaves one list filter out (a picker lists its alternatives under the others).
 */
export function buildWhere(kind: RowKind, filters: QueryFilters, omit?: ListFilter): Where {
  const own: string[] = [];
  const params: SQLInputValue[] = [];
  const foreign: string[] = [];
  const foreignParams: SQLInputValue[] = [];
  for (const [name, def] of Object.entries(LIST_FILTERS) as Array<
    [ListFilter, (typeof LIST_FILTERS)[ListFilter]]
  >) {
    const values = filters[name];
    if (values === undefined || values.length === 0 || name === omit) continue;
    const clause = `${def.column} IN (${values.map(() => '?').join(', ')})`;
    if (def.kind === 'both' || def.kind === kind) {
      own.push(clause);
      params.push(...values);
    } else {
      foreign.push(clause);
      foreignParams.push(...values);
    }
  }
  if (filters.report !== undefined) {
    own.push('report = ?');
    params.push(filters.report ? 1 : 0);
  }
  if (filters.since !== undefined) {
    own.push('timestamp >= ?');
    params.push(filters.since);
  }
  if (filters.until !== undefined) {
    own.push('timestamp <= ?');
    params.push(filters.until);
  }
  const match = ftsQuery(filters.text);
  if (match !== null) {
    const clause = 'id IN (SELECT rowid FROM comments_fts WHERE comments_fts MATCH ?)';
    if (kind === 'comments') {
      own.push(clause);
      params.push(match);
    } else {
      foreign.push(clause);
      foreignParams.push(match);
    }
  }
  const deps: Dep[] = [kind];
  if (foreign.length > 0) {
    own.push(`segment_id IN (SELECT segment_id FROM ${other(kind)} WHERE ${foreign.join(' AND ')})`);
    params.push(...foreignParams);
    deps.push(other(kind));
  }
  // The score of the row's assessment; a comment: its segment has an assessment in the range.
  const score = scoreRange(filters);
  if (score.conditions.length > 0) {
    const range = `SELECT ${kind === 'assessments' ? 'id' : 'segment_id'} FROM assessment_scores WHERE ${score.conditions.join(' AND ')}`;
    own.push(`${kind === 'assessments' ? 'assessment_id' : 'segment_id'} IN (${range})`);
    params.push(...score.params);
    deps.push('scores');
  }
  return { conditions: own, params, deps };
}

function scoreRange(filters: QueryFilters): { conditions: string[]; params: SQLInputValue[] } {
  const conditions: string[] = [];
  const params: SQLInputValue[] = [];
  if (filters.scoreMin !== undefined) {
    conditions.push('score >= ?');
    params.push(filters.scoreMin);
  }
  if (filters.scoreMax !== undefined) {
    conditions.push('score <= ?');
    params.push(filters.scoreMax);
  }
  return { conditions, params };
}

/** Record filters that narrow an assessment to those with a matching record (ANDed in one record). */
const RECORD_FILTERS: ReadonlySet<ListFilter> = new Set(['questionSids', 'categorySids', 'answers']);

/**
 * WHERE clause over assessment_scores. Its own columns filter directly; since/until apply to the
 * assessment's (earliest) timestamp; question, category, answer and report keep the assessments
 * having a record that matches them all; comment text and tags keep the segments with such a
 * comment; the score range applies to the computed score.
 */
export function buildScoreWhere(filters: QueryFilters): Where {
  const conditions: string[] = [];
  const params: SQLInputValue[] = [];
  const records: string[] = [];
  const recordParams: SQLInputValue[] = [];
  const deps: Dep[] = ['scores'];
  for (const [name, def] of Object.entries(LIST_FILTERS) as Array<
    [ListFilter, (typeof LIST_FILTERS)[ListFilter]]
  >) {
    const values = filters[name];
    if (values === undefined || values.length === 0 || def.kind === 'comments') continue;
    const clause = `${def.column} IN (${values.map(() => '?').join(', ')})`;
    if (RECORD_FILTERS.has(name)) {
      records.push(clause);
      recordParams.push(...values);
    } else {
      conditions.push(clause);
      params.push(...values);
    }
  }
  if (filters.report !== undefined) {
    records.push('report = ?');
    recordParams.push(filters.report ? 1 : 0);
  }
  if (records.length > 0) {
    conditions.push(`id IN (SELECT assessment_id FROM assessments WHERE ${records.join(' AND ')})`);
    params.push(...recordParams);
    deps.push('assessments');
  }
  if (filters.since !== undefined) {
    conditions.push('timestamp >= ?');
    params.push(filters.since);
  }
  if (filters.until !== undefined) {
    conditions.push('timestamp <= ?');
    params.push(filters.until);
  }
  const score = scoreRange(filters);
  conditions.push(...score.conditions);
  params.push(...score.params);
  const tags = filters.tagIds ?? [];
  const match = ftsQuery(filters.text);
  const comments: string[] = [];
  const commentParams: SQLInputValue[] = [];
  if (tags.length > 0) {
    comments.push(`tag_id IN (${tags.map(() => '?').join(', ')})`);
    commentParams.push(...tags);
  }
  if (match !== null) {
    comments.push('id IN (SELECT rowid FROM comments_fts WHERE comments_fts MATCH ?)');
    commentParams.push(match);
  }
  if (comments.length > 0) {
    conditions.push(`segment_id IN (SELECT segment_id FROM comments WHERE ${comments.join(' AND ')})`);
    params.push(...commentParams);
    deps.push('comments');
  }
  return { conditions, params, deps };
}

export const whereSql = (conditions: string[]): string =>
  conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;

/**
 * ORDER BY for up to three keys, ending on the row id (arrival order) so the order is total. The
 * id runs in the last key's direction: a one-key order is then a plain walk of that column's index
 * (each index holds the row id), about ten times cheaper to materialise than a sid tiebreak.
 */
export function buildOrder(
  kind: TableKind,
  sort: ReadonlyArray<{ column: string; dir: 'asc' | 'desc' }>,
): string {
  const map = COLUMN_SQL[kind];
  const keys: string[] = [];
  const used = new Set<string>();
  let last = 'ASC';
  for (const { column, dir } of sort) {
    const sql = map[column];
    if (sql === undefined) throw new Error(`unknown ${kind} column ${column}`);
    if (used.has(sql)) continue;
    used.add(sql);
    last = dir === 'desc' ? 'DESC' : 'ASC';
    keys.push(`${sql} ${last}`);
  }
  // sid (and an assessment's key) is unique: after it nothing is left to break.
  if (!used.has('sid') && !used.has('akey')) keys.push(`id ${last}`);
  return `ORDER BY ${keys.join(', ')}`;
}

/** The select list of a row, with the contract's names as aliases. */
export function selectList(kind: TableKind, alias: string): string {
  return Object.entries(COLUMN_SQL[kind])
    .map(([name, sql]) => `${alias}.${sql} AS "${name}"`)
    .join(', ');
}

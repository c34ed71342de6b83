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
} from '../../src-preload/contract.ts';
import { ftsQuery } from './fts.ts';

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

export const COLUMN_SQL: Record<RowKind, Record<string, string>> = {
  assessments: ASSESSMENT_SQL,
  comments: COMMENT_SQL,
};

type ListFilter = Exclude<keyof QueryFilters, 'report' | 'since' | 'until' | 'text'>;

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
  /** Kinds whose rows the result depends on (a cached order is dropped when one changes). */
  deps: RowKind[];
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
  const deps: RowKind[] = [kind];
  if (foreign.length > 0) {
    own.push(`segment_id IN (SELECT segment_id FROM ${other(kind)} WHERE ${foreign.join(' AND ')})`);
    params.push(...foreignParams);
    deps.push(other(kind));
  }
  return { conditions: own, params, deps };
}

export const whereSql = (conditions: string[]): string =>
  conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;

/**
 * ORDER BY for up to three keys, ending on the row id (arrival order) so the order is total. The
 * id runs in the last key's direction: a one-key order is then a plain walk of that column's index
 * (each index holds the row id), about ten times cheaper to materialise than a sid tiebreak.
 */
export function buildOrder(
  kind: RowKind,
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
  // sid is unique: after it nothing is left to break.
  if (!used.has('sid')) keys.push(`id ${last}`);
  return `ORDER BY ${keys.join(', ')}`;
}

/** The select list of a row, with the contract's names as aliases. */
export function selectList(kind: RowKind, alias: string): string {
  return Object.entries(COLUMN_SQL[kind])
    .map(([name, sql]) => `${alias}.${sql} AS "${name}"`)
    .join(', ');
}

/**
 * The columns an export can have, per kind: a stable id (what `--columns` and a saved view name),
 * the header label, and how the cell is made from a store row. Ids are the view's column ids
 * (ASSESSMENT_COLUMNS, COMMENT_COLUMNS of the contract) plus `timestampMs`: the view's one
 * timestamp becomes two export columns, ISO 8601 in UTC and the raw epoch milliseconds.
 * Nested API fields are already flattened by the store (questionnaire, question, category,
 * answer, assessor, agent name and team from segments); cells keep the store's values as they
 * are, so the file shows what the reviewer sees.
 *
 * Scores are one row per assessment (SCORE_COLUMNS): the app's computed score beside Twilio's
 * percentage where known, both as the store computed them (unrounded).
 */
import {
  ASSESSMENT_COLUMNS,
  COMMENT_COLUMNS,
  SCORE_COLUMNS,
  type AssessmentColumn,
  type AssessmentRow,
  type AssessmentScoreRow,
  type CommentColumn,
  type CommentRow,
  type ScoreColumn,
} from '../../src-preload/contract.ts';
import { AppError } from '../errors.ts';
import type { CsvRow, CsvValue } from './csv.ts';

export interface ExportRows {
  assessments: AssessmentRow;
  comments: CommentRow;
  scores: AssessmentScoreRow;
}
export type ExportKind = keyof ExportRows;

export type AssessmentExportColumnId = AssessmentColumn | 'timestampMs';
export type CommentExportColumnId = CommentColumn | 'timestampMs';
export type ScoreExportColumnId = ScoreColumn | 'timestampMs';
export interface ExportColumnIds {
  assessments: AssessmentExportColumnId;
  comments: CommentExportColumnId;
  scores: ScoreExportColumnId;
}

/** The view's column ids of each kind (what a sort names). */
export const VIEW_COLUMNS: { [K in ExportKind]: readonly string[] } = {
  assessments: ASSESSMENT_COLUMNS,
  comments: COMMENT_COLUMNS,
  scores: SCORE_COLUMNS,
};

export interface ExportColumn<R> {
  id: string;
  label: string;
  value(row: R): CsvValue;
}

type Definitions<Id extends string, R> = { [K in Id]: { label: string; value(row: R): CsvValue } };

/** Epoch milliseconds as ISO 8601 UTC with milliseconds (`2022-07-09T01:08:14.199Z`). */
export function isoUtc(ms: number | null): string | null {
  if (ms === null) return null;
  const date = new Date(ms);
  // Outside ±8.64e15 ms there is no date; the raw column still carries the number.
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** What every record has, assessment or comment. */
const shared = {
  segmentId: { label: 'Segment ID', value: (r) => r.segmentId },
  agentId: { label: 'Agent ID', value: (r) => r.agentId },
  agentName: { label: 'Agent name', value: (r) => r.agentName },
  team: { label: 'Team', value: (r) => r.team },
  queue: { label: 'Queue', value: (r) => r.queue },
  offset: { label: 'Offset', value: (r) => r.offset },
  weight: { label: 'Weight', value: (r) => r.weight },
  report: { label: 'Report', value: (r) => r.report },
  assessor: { label: 'Assessor', value: (r) => r.assessor },
  assessorEmail: { label: 'Assessor email', value: (r) => r.assessorEmail },
  timestamp: { label: 'Timestamp (UTC)', value: (r) => isoUtc(r.timestamp) },
  timestampMs: { label: 'Timestamp (epoch ms)', value: (r) => r.timestamp },
} satisfies Definitions<
  Exclude<AssessmentExportColumnId & CommentExportColumnId, 'sid'>,
  AssessmentRow | CommentRow
>;

const assessmentDefinitions: Definitions<AssessmentExportColumnId, AssessmentRow> = {
  ...shared,
  sid: { label: 'Assessment SID', value: (r) => r.sid },
  questionnaireSid: { label: 'Questionnaire SID', value: (r) => r.questionnaireSid },
  questionnaire: { label: 'Questionnaire', value: (r) => r.questionnaire },
  questionSid: { label: 'Question SID', value: (r) => r.questionSid },
  question: { label: 'Question', value: (r) => r.question },
  categorySid: { label: 'Category SID', value: (r) => r.categorySid },
  category: { label: 'Category', value: (r) => r.category },
  answerId: { label: 'Answer ID', value: (r) => r.answerId },
  answer: { label: 'Answer', value: (r) => r.answer },
  answerScore: { label: 'Answer score', value: (r) => r.answerScore },
};

const commentDefinitions: Definitions<CommentExportColumnId, CommentRow> = {
  ...shared,
  sid: { label: 'Comment SID', value: (r) => r.sid },
  text: { label: 'Comment', value: (r) => r.text },
  tagId: { label: 'Comment category ID', value: (r) => r.tagId },
  tag: { label: 'Comment category', value: (r) => r.tag },
};

const scoreDefinitions: Definitions<ScoreExportColumnId, AssessmentScoreRow> = {
  assessmentKey: { label: 'Assessment key', value: (r) => r.assessmentKey },
  segmentId: { label: 'Segment ID', value: (r) => r.segmentId },
  agentId: { label: 'Agent ID', value: (r) => r.agentId },
  agentName: { label: 'Agent name', value: (r) => r.agentName },
  team: { label: 'Team', value: (r) => r.team },
  queue: { label: 'Queue', value: (r) => r.queue },
  questionnaireSid: { label: 'Questionnaire SID', value: (r) => r.questionnaireSid },
  questionnaire: { label: 'Questionnaire', value: (r) => r.questionnaire },
  assessor: { label: 'Assessor', value: (r) => r.assessor },
  assessorEmail: { label: 'Assessor email', value: (r) => r.assessorEmail },
  timestamp: { label: 'Timestamp (UTC)', value: (r) => isoUtc(r.timestamp) },
  timestampMs: { label: 'Timestamp (epoch ms)', value: (r) => r.timestamp },
  answered: { label: 'Answered', value: (r) => r.answered },
  notApplicable: { label: 'Not applicable', value: (r) => r.notApplicable },
  unscored: { label: 'Unscored', value: (r) => r.unscored },
  score: { label: 'Score %', value: (r) => r.score },
  twilioPercentage: { label: 'Twilio %', value: (r) => r.twilioPercentage },
  mismatch: { label: 'Score differs from Twilio', value: (r) => r.mismatch },
};

/** The view's columns with `timestampMs` right after `timestamp`. */
function withRawTimestamp<C extends string>(columns: readonly C[]): Array<C | 'timestampMs'> {
  return columns.flatMap((c) => (c === 'timestamp' ? [c, 'timestampMs' as const] : [c]));
}

const ORDER: { [K in ExportKind]: readonly ExportColumnIds[K][] } = {
  assessments: withRawTimestamp(ASSESSMENT_COLUMNS),
  comments: withRawTimestamp(COMMENT_COLUMNS),
  scores: withRawTimestamp(SCORE_COLUMNS),
};

const DEFINITIONS: { [K in ExportKind]: Definitions<ExportColumnIds[K], ExportRows[K]> } = {
  assessments: assessmentDefinitions,
  comments: commentDefinitions,
  scores: scoreDefinitions,
};

function definitionsOf<K extends ExportKind>(kind: K): Definitions<ExportColumnIds[K], ExportRows[K]> {
  return DEFINITIONS[kind];
}

/** Every column of the kind, in the default order. */
export function allColumnIds<K extends ExportKind>(kind: K): readonly ExportColumnIds[K][] {
  return ORDER[kind];
}

/**
 * The columns named by `ids`, in that order (default: all). Unknown or repeated ids are refused
 * with the list of valid ones, since they come from a command line or a saved view.
 */
export function exportColumns<K extends ExportKind>(
  kind: K,
  ids: readonly string[] = ORDER[kind],
): ExportColumn<ExportRows[K]>[] {
  const definitions = definitionsOf(kind);
  const known = new Set<string>(ORDER[kind]);
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new AppError(
      'invalid_request',
      `Unknown ${kind} column${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. ` +
        `The columns are: ${ORDER[kind].join(', ')}.`,
      { detail: { unknown } },
    );
  }
  const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (repeated.length > 0) {
    throw new AppError(
      'invalid_request',
      `Each column can be exported once; repeated: ${repeated.join(', ')}.`,
      {
        detail: { repeated },
      },
    );
  }
  if (ids.length === 0) throw new AppError('invalid_request', 'Choose at least one column to export.');
  return ids.map((id) => {
    const { label, value } = definitions[id as ExportColumnIds[K]];
    return { id, label, value };
  });
}

/** The export columns for a view's visible columns: its order, its timestamp in both forms. */
type ViewColumnOf<K extends ExportKind> = K extends 'assessments'
  ? AssessmentColumn
  : K extends 'comments'
    ? CommentColumn
    : ScoreColumn;

export function columnsForView<K extends ExportKind>(
  kind: K,
  viewColumns: readonly ViewColumnOf<K>[],
): ExportColumn<ExportRows[K]>[] {
  return exportColumns(kind, withRawTimestamp(viewColumns));
}

export const headerOf = (columns: readonly ExportColumn<never>[]): string[] => columns.map((c) => c.label);

/** One record as cells in column order. */
export function cellsOf<R>(columns: readonly ExportColumn<R>[], row: R): CsvValue[] {
  const cells = new Array<CsvValue>(columns.length);
  for (let i = 0; i < columns.length; i++) cells[i] = (columns[i] as ExportColumn<R>).value(row);
  return cells;
}

/** The encoder options that lay records out in these columns: header labels and cells. */
export function csvLayout<R>(columns: readonly ExportColumn<R>[]): {
  header: string[];
  cells: (record: R) => CsvRow;
} {
  return { header: headerOf(columns), cells: (record) => cellsOf(columns, record) };
}

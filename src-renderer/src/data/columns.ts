import type {
  AssessmentRow,
  AssessmentScoreRow,
  CommentRow,
  ExportKind,
} from '../../../src-preload/contract.ts';
import { dateTimeText, utcText } from '../format.ts';

/** The Review tables: one per row kind the store serves. */
export type RowTab = ExportKind;
export const ROW_TABS: readonly RowTab[] = ['assessments', 'comments', 'scores'];

export interface TabRows {
  assessments: AssessmentRow;
  comments: CommentRow;
  scores: AssessmentScoreRow;
}
export type AnyRow = TabRows[RowTab];

/** How a cell looks: ids shortened with copy, dates local with UTC on hover, numbers right-aligned. */
export type CellKind = 'text' | 'id' | 'date' | 'number' | 'score' | 'flag' | 'mismatch' | 'comment';

export interface ColumnDef<R> {
  /** The contract's column id (sort keys, export and copy columns use it). */
  key: keyof R & string;
  label: string;
  kind: CellKind;
  /** Default width in px. */
  width: number;
  /** Not shown until chosen in the column chooser. */
  hidden?: boolean;
}

type Defs<R> = ReadonlyArray<ColumnDef<R>>;

const ASSESSMENT_DEFS: Defs<AssessmentRow> = [
  { key: 'timestamp', label: 'Date', kind: 'date', width: 192 },
  { key: 'segmentId', label: 'Segment', kind: 'id', width: 130 },
  { key: 'agentName', label: 'Agent', kind: 'text', width: 150 },
  { key: 'team', label: 'Team', kind: 'text', width: 120 },
  { key: 'queue', label: 'Queue', kind: 'text', width: 120, hidden: true },
  { key: 'questionnaire', label: 'Questionnaire', kind: 'text', width: 170 },
  { key: 'question', label: 'Question', kind: 'text', width: 260 },
  { key: 'category', label: 'Category', kind: 'text', width: 140 },
  { key: 'answer', label: 'Answer', kind: 'text', width: 140 },
  { key: 'answerScore', label: 'Answer score', kind: 'number', width: 128 },
  { key: 'weight', label: 'Weight', kind: 'number', width: 80 },
  { key: 'report', label: 'Report', kind: 'flag', width: 80 },
  { key: 'assessor', label: 'Assessor', kind: 'text', width: 150 },
  { key: 'sid', label: 'Record SID', kind: 'id', width: 130, hidden: true },
  { key: 'agentId', label: 'Agent ID', kind: 'id', width: 130, hidden: true },
  { key: 'questionnaireSid', label: 'Questionnaire SID', kind: 'id', width: 130, hidden: true },
  { key: 'questionSid', label: 'Question SID', kind: 'id', width: 130, hidden: true },
  { key: 'categorySid', label: 'Category SID', kind: 'id', width: 130, hidden: true },
  { key: 'answerId', label: 'Answer ID', kind: 'id', width: 130, hidden: true },
  { key: 'offset', label: 'Offset (s)', kind: 'number', width: 90, hidden: true },
  { key: 'assessorEmail', label: 'Assessor email', kind: 'text', width: 180, hidden: true },
];

const COMMENT_DEFS: Defs<CommentRow> = [
  { key: 'timestamp', label: 'Date', kind: 'date', width: 192 },
  { key: 'segmentId', label: 'Segment', kind: 'id', width: 130 },
  { key: 'agentName', label: 'Agent', kind: 'text', width: 150 },
  { key: 'team', label: 'Team', kind: 'text', width: 120 },
  { key: 'queue', label: 'Queue', kind: 'text', width: 120, hidden: true },
  { key: 'text', label: 'Comment', kind: 'comment', width: 420 },
  { key: 'tag', label: 'Tag', kind: 'text', width: 130 },
  { key: 'report', label: 'Report', kind: 'flag', width: 80 },
  { key: 'assessor', label: 'Assessor', kind: 'text', width: 150 },
  { key: 'sid', label: 'Comment SID', kind: 'id', width: 130, hidden: true },
  { key: 'agentId', label: 'Agent ID', kind: 'id', width: 130, hidden: true },
  { key: 'tagId', label: 'Tag ID', kind: 'id', width: 130, hidden: true },
  { key: 'offset', label: 'Offset (s)', kind: 'number', width: 90, hidden: true },
  { key: 'weight', label: 'Weight', kind: 'number', width: 80, hidden: true },
  { key: 'assessorEmail', label: 'Assessor email', kind: 'text', width: 180, hidden: true },
];

const SCORE_DEFS: Defs<AssessmentScoreRow> = [
  { key: 'timestamp', label: 'Date', kind: 'date', width: 192 },
  { key: 'segmentId', label: 'Segment', kind: 'id', width: 130 },
  { key: 'agentName', label: 'Agent', kind: 'text', width: 150 },
  { key: 'team', label: 'Team', kind: 'text', width: 120 },
  { key: 'queue', label: 'Queue', kind: 'text', width: 120, hidden: true },
  { key: 'questionnaire', label: 'Questionnaire', kind: 'text', width: 160 },
  { key: 'score', label: 'Score %', kind: 'score', width: 90 },
  { key: 'twilioPercentage', label: 'Twilio %', kind: 'score', width: 90 },
  { key: 'mismatch', label: 'Check', kind: 'mismatch', width: 100 },
  { key: 'assessor', label: 'Assessor', kind: 'text', width: 140 },
  { key: 'answered', label: 'Answered', kind: 'number', width: 104 },
  { key: 'notApplicable', label: 'N/A', kind: 'number', width: 64 },
  { key: 'unscored', label: 'Unscored', kind: 'number', width: 96, hidden: true },
  { key: 'assessmentKey', label: 'Assessment key', kind: 'id', width: 150, hidden: true },
  { key: 'agentId', label: 'Agent ID', kind: 'id', width: 130, hidden: true },
  { key: 'questionnaireSid', label: 'Questionnaire SID', kind: 'id', width: 130, hidden: true },
  { key: 'assessorEmail', label: 'Assessor email', kind: 'text', width: 180, hidden: true },
];

export const COLUMN_DEFS: { [T in RowTab]: Defs<TabRows[T]> } = {
  assessments: ASSESSMENT_DEFS,
  comments: COMMENT_DEFS,
  scores: SCORE_DEFS,
};

/** The field that names a row to the store (copy, drawer). */
export const ROW_KEY: { [T in RowTab]: keyof TabRows[T] & string } = {
  assessments: 'sid',
  comments: 'sid',
  scores: 'assessmentKey',
};

export const TAB_WORDS: Record<RowTab, [string, string]> = {
  assessments: ['assessment record', 'assessment records'],
  comments: ['comment', 'comments'],
  scores: ['assessment', 'assessments'],
};

export const TAB_LABELS: Record<RowTab, string> = {
  assessments: 'Assessments',
  comments: 'Comments',
  scores: 'Scores',
};

const NUMBER = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const SCORE = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const SCORE_PRECISE = new Intl.NumberFormat(undefined, {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

export const numberText = (n: number): string => NUMBER.format(n);
/** "82.5" (a percentage, one decimal, as the tables show it). */
export const scoreText = (n: number): string => SCORE.format(n);
/** "82.50" (the drawer: the precision Twilio reports). */
export const preciseScoreText = (n: number): string => SCORE_PRECISE.format(n);

/** Text columns sort A→Z first; numbers and dates largest or newest first. */
export const firstDirection = (kind: CellKind): 'asc' | 'desc' =>
  kind === 'text' || kind === 'id' || kind === 'comment' ? 'asc' : 'desc';

export const isNumeric = (kind: CellKind): boolean => kind === 'number' || kind === 'score';

const read = <R>(def: ColumnDef<R>, row: R): unknown => row[def.key];

/** A cell as text: what the table shows, and what the drawer lists. */
export function cellText<R>(def: ColumnDef<R>, row: R): string {
  const value = read(def, row);
  if (value === null || value === undefined) return '';
  switch (def.kind) {
    case 'date':
      return typeof value === 'number' ? dateTimeText(value) : String(value);
    case 'number':
      return typeof value === 'number' ? numberText(value) : String(value);
    case 'score':
      return typeof value === 'number' ? scoreText(value) : String(value);
    case 'flag':
      return value === true ? 'Yes' : value === false ? 'No' : '';
    case 'mismatch':
      return value === true ? 'Differs' : '';
    default:
      return String(value);
  }
}

/** Hover text: a date's UTC time, the whole value of a long text or id. */
export function cellTitle<R>(def: ColumnDef<R>, row: R): string | undefined {
  const value = read(def, row);
  if (value === null || value === undefined || value === '') return undefined;
  if (def.kind === 'date') return typeof value === 'number' ? utcText(value) : undefined;
  if (def.kind === 'mismatch')
    return value === true ? 'Twilio reports a different percentage than the computed score' : undefined;
  if (def.kind === 'text' || def.kind === 'comment' || def.kind === 'id') return String(value);
  return undefined;
}

/** Flex records (as the client parses them) to the column values of their table rows. */
import type { SQLInputValue } from 'node:sqlite';
import type { Assessment, Comment } from '../flex/schemas.ts';
import type { ReferenceLookup } from './reference.ts';

/** What a row takes from its segment (or, without segment details, from its agent). */
export interface SegmentFields {
  agentName: string | null;
  team: string | null;
  queue: string | null;
}

export const ASSESSMENT_FIELDS = [
  'segment_id',
  'agent_id',
  'agent_name',
  'team',
  'queue',
  'questionnaire_sid',
  'questionnaire',
  'question_sid',
  'question',
  'category_sid',
  'category',
  'answer_id',
  'answer',
  'answer_score',
  'weight',
  'rec_offset',
  'report',
  'assessor',
  'assessor_email',
  'timestamp',
  'max_score',
  'is_na',
] as const;

export const COMMENT_FIELDS = [
  'segment_id',
  'agent_id',
  'agent_name',
  'team',
  'queue',
  'text',
  'tag_id',
  'tag',
  'rec_offset',
  'weight',
  'report',
  'assessor',
  'assessor_email',
  'timestamp',
] as const;

const real = (value: number | null): number | null =>
  value !== null && Number.isFinite(value) ? value : null;
const integer = (value: number | null): number | null =>
  value !== null && Number.isFinite(value) ? Math.trunc(value) : null;
const flag = (value: boolean | null): number | null => (value === null ? null : Number(value));

/** Values in ASSESSMENT_FIELDS order. */
export function assessmentValues(
  record: Assessment,
  segment: SegmentFields,
  ref: ReferenceLookup,
): SQLInputValue[] {
  const questionnaire = record.assessment?.questionnaire ?? null;
  const question = questionnaire?.question ?? null;
  const category = question?.category ?? null;
  const questionnaireSid = questionnaire?.questionnaire_sid ?? null;
  const questionSid = question?.question_sid ?? null;
  const categorySid = category?.category_sid ?? null;
  const scoring = ref.scoring(questionSid, record.answer_id);
  return [
    record.segment_id,
    record.agent_id,
    segment.agentName,
    segment.team,
    segment.queue,
    questionnaireSid,
    questionnaire?.name ?? ref.questionnaireName(questionnaireSid),
    questionSid,
    question?.name ?? ref.questionText(questionSid),
    categorySid,
    category?.name ?? ref.categoryName(categorySid),
    record.answer_id,
    record.answer_text ?? ref.answerName(record.answer_id),
    scoring.kind === 'scored' ? scoring.score : null,
    real(record.weight),
    real(record.offset),
    flag(record.report),
    record.user_name,
    record.user_email,
    integer(record.timestamp),
    scoring.kind === 'scored' ? scoring.max : null,
    scoring.kind === 'na' ? 1 : 0,
  ];
}

/** Values in COMMENT_FIELDS order. */
export function commentValues(
  record: Comment,
  segment: SegmentFields,
  ref: ReferenceLookup,
): SQLInputValue[] {
  const tagId = record.comment?.category?.category_id ?? null;
  return [
    record.segment_id,
    record.agent_id,
    segment.agentName,
    segment.team,
    segment.queue,
    record.comment?.comment ?? null,
    tagId,
    record.comment?.category?.name ?? ref.tagName(tagId),
    real(record.offset),
    real(record.weight),
    flag(record.report),
    record.user_name,
    record.user_email,
    integer(record.timestamp),
  ];
}

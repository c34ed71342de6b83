/**
 * Everything about one row, for the detail drawer (runs in the reader worker): its columns, the
 * record as Twilio sent it, its whole assessment record by record with the computed score beside
 * Twilio's, its segment, and the segment's other assessments and comments.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type {
  AssessmentRecordDetail,
  AssessmentRow,
  CommentRow,
  RowDetail,
  RowKind,
} from '../../src-preload/contract.ts';
import { AppError } from '../errors.ts';
import { selectList } from './columns.ts';
import { SCORE_SELECT, SEGMENT_FROM, SEGMENT_SELECT, toScoreRow, toSegment, withReport } from './shape.ts';
import { snapshot } from './sql.ts';

const RAW = { assessments: 'assessment_raw', comments: 'comment_raw' } as const;

export function rowDetail(
  db: DatabaseSync,
  statement: (sql: string) => StatementSync,
  kind: RowKind,
  sid: string,
): Omit<RowDetail, 'profileId'> {
  return snapshot(db, () => {
    const found = statement(
      `SELECT t.id AS id, ${kind === 'assessments' ? 't.assessment_id' : 'NULL'} AS assessmentId, r.json AS json,
         ${selectList(kind, 't')}
       FROM ${kind} t LEFT JOIN ${RAW[kind]} r ON r.id = t.id WHERE t.sid = ?`,
    ).get(sid) as Record<string, unknown> | undefined;
    if (found === undefined) {
      throw new AppError(
        'not_found',
        'That row is no longer in the local data (a sync since removed it). Close the details and look again.',
        { detail: { kind, sid } },
      );
    }
    const { id, assessmentId, json, ...columns } = found;
    const row = withReport(columns as unknown as AssessmentRow | CommentRow);
    const segmentId = row.segmentId;

    const scoreRow = statement(`SELECT s.id AS id, ${SCORE_SELECT} FROM assessment_scores s WHERE s.id = ?`);
    let assessment: RowDetail['assessment'] = null;
    if (typeof assessmentId === 'number') {
      const score = scoreRow.get(assessmentId) as Record<string, unknown> | undefined;
      if (score !== undefined) {
        // Records in questionnaire order (as Twilio lists the questions), then as they arrived.
        const records = statement(
          `SELECT r.sid AS sid, r.question_sid AS questionSid, r.question AS question, r.category AS category,
             r.answer AS answer, r.answer_score AS answerScore, r.max_score AS maxScore, r.weight AS weight,
             r.is_na AS na
           FROM assessments r LEFT JOIN questionnaire_questions p
             ON p.questionnaire_sid = r.questionnaire_sid AND p.question_sid = r.question_sid
           WHERE r.assessment_id = ? ORDER BY p.position IS NULL, p.position, r.id`,
        ).all(assessmentId) as Array<Record<string, unknown>>;
        assessment = {
          ...toScoreRow(score),
          records: records.map(({ na, ...r }) => ({
            ...(r as unknown as Omit<AssessmentRecordDetail, 'notApplicable'>),
            notApplicable: na === 1,
          })),
        };
      }
    }

    const segment =
      segmentId === null
        ? null
        : (statement(`SELECT ${SEGMENT_SELECT} ${SEGMENT_FROM} WHERE s.segment_id = ?`).get(segmentId) ??
          null);
    const assessments =
      segmentId === null
        ? []
        : (
            statement(
              `SELECT s.id AS id, ${SCORE_SELECT} FROM assessment_scores s WHERE s.segment_id = ?
               ORDER BY s.first_record, s.id`,
            ).all(segmentId) as Array<Record<string, unknown>>
          )
            .filter((a) => a.id !== assessmentId)
            .map(toScoreRow);
    const comments =
      segmentId === null
        ? []
        : (
            statement(
              `SELECT t.id AS id, ${selectList('comments', 't')} FROM comments t WHERE t.segment_id = ?
               ORDER BY t.timestamp, t.id`,
            ).all(segmentId) as Array<Record<string, unknown>>
          )
            .filter((c) => !(kind === 'comments' && c.id === id))
            .map(({ id: _id, ...c }) => withReport(c as unknown as CommentRow));
    return {
      kind,
      row,
      raw: typeof json === 'string' ? (JSON.parse(json) as Record<string, unknown>) : {},
      assessment,
      segment: segment === null ? null : toSegment(segment),
      siblings: { assessments, comments },
    };
  });
}

/** SQL rows to the contract's row shapes, shared by the reader's queries. */
import type { AssessmentScoreRow, StoredSegment } from '../../src-preload/contract.ts';
import { selectList } from './columns.ts';

/** report is stored as 0/1. */
export function withReport<R extends { report: unknown }>(row: R): R {
  const out = { ...row };
  out.report = row.report === null ? null : row.report === 1;
  return out;
}

/** The select list of a scores row (alias s: assessment_scores). */
export const SCORE_SELECT = selectList('scores', 's');

/** mismatch is stored as 0/1; node:sqlite rows are null-prototype objects, so rows are copied. */
export function toScoreRow(row: Record<string, unknown>): AssessmentScoreRow {
  const { id: _id, ...rest } = row;
  return { ...(rest as unknown as AssessmentScoreRow), mismatch: row.mismatch === 1 };
}

/** Segments whose details were never fetched show their agent's name and team, when known. */
export const SEGMENT_FROM = 'FROM segments s LEFT JOIN agents g ON g.agent_id = s.agent_id';
export const SEGMENT_SELECT = `s.segment_id AS segmentId, s.agent_id AS agentId,
  coalesce(s.agent_name, g.name) AS agentName, coalesce(s.team, g.team) AS team, s.queue AS queue,
  s.date AS date, s.assessment_count AS assessments, s.comment_count AS comments,
  s.last_synced_at AS lastSyncedAt`;

export const toSegment = (row: unknown): StoredSegment => ({ ...(row as StoredSegment) });

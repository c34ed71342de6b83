/**
 * Assessment scores as summary data, kept current by the writer inside the transaction of every
 * change that can move them (a page commit or removal, segment details, reference data), so the
 * views read one row per assessment instead of a million records.
 *
 * An assessment is the records sharing (segment, questionnaire, assessor name, assessor email).
 * Its score is Σ(answer score × weight) / Σ(max score of the answer's set × weight) × 100 over its
 * scored records; N/A records and records whose answer no stored answer set knows are counted
 * apart. A record without a weight counts once (weight 1).
 */
import type { DatabaseSync } from 'node:sqlite';
import type { ReferenceLookup } from './reference.ts';
import { matchTwilio } from './twilio.ts';

const IN_IDS = 'IN (SELECT value FROM json_each(?1))';
const KEY = (t: string) =>
  `json_array(${t}.segment_id, ${t}.questionnaire_sid, ${t}.assessor, ${t}.assessor_email)`;

/** One part of an assessment: [kind, question or category sid, points lost, scored records]. */
type Part = [kind: 'q' | 'c', key: string, lost: number, n: number];

interface Total {
  kind: 'q' | 'c';
  key: string;
  assessments: number;
  scoreSum: number;
  scoreN: number;
  lostSum: number;
  lostN: number;
}

interface ScoredRow {
  id: number;
  segmentId: string;
  questionnaire: string | null;
  score: number | null;
  twilio: number | null;
  mismatch: number;
}

export interface Scores {
  /** Links written records to their assessment (creating its row); the assessments they now belong to. */
  assign(recordIds: readonly number[]): number[];
  /** Recomputes these assessments, then their segments' peers, Twilio figures and calibration pairs. */
  refresh(assessmentIds: Iterable<number>): boolean;
  /** Matches Twilio's reported percentages again for these segments (their details changed). */
  matchSegments(segmentIds: Iterable<string>): boolean;
  /** Re-derives every record's answer score, max score and N/A flag; the assessments that changed. */
  rescore(ref: ReferenceLookup, collect: boolean): Set<number>;
  /** Derives every summary from the records again (a migrated file, or a test's cross-check). */
  rebuild(ref: ReferenceLookup): void;
}

export function createScores(db: DatabaseSync): Scores {
  const createRows = db.prepare(
    `INSERT OR IGNORE INTO assessment_scores(akey, segment_id, questionnaire_sid, assessor, assessor_email)
     SELECT ${KEY('r')}, r.segment_id, r.questionnaire_sid, r.assessor, r.assessor_email
     FROM assessments r WHERE r.id ${IN_IDS} ORDER BY r.id`,
  );
  const link = db.prepare(
    `UPDATE assessments SET assessment_id = (SELECT s.id FROM assessment_scores s WHERE s.akey = ${KEY('assessments')})
     WHERE id ${IN_IDS} RETURNING assessment_id AS id`,
  );
  const weighted = 'coalesce(r.weight, 1)';
  const aggregate = db.prepare(
    `UPDATE assessment_scores SET (records, answered, not_applicable, unscored, got, max, score, timestamp,
       first_record, agent_id, agent_name, team, queue, questionnaire) = (
       SELECT count(*), count(r.max_score), coalesce(sum(r.is_na), 0),
         count(*) - count(r.max_score) - coalesce(sum(r.is_na), 0),
         sum(CASE WHEN r.max_score IS NOT NULL THEN r.answer_score * ${weighted} END),
         sum(r.max_score * ${weighted}),
         CASE WHEN sum(r.max_score * ${weighted}) > 0 THEN
           sum(CASE WHEN r.max_score IS NOT NULL THEN r.answer_score * ${weighted} END) * 100.0
             / sum(r.max_score * ${weighted}) END,
         min(r.timestamp), min(r.id), max(r.agent_id), max(r.agent_name), max(r.team), max(r.queue),
         max(r.questionnaire)
       FROM assessments r WHERE r.assessment_id = assessment_scores.id)
     WHERE id ${IN_IDS}`,
  );
  const oldParts = db.prepare(`SELECT id, score, parts FROM assessment_scores WHERE id ${IN_IDS}`);
  // What each assessment adds to group_totals, per question and per category of its scored records.
  const partsOf = db.prepare(
    `SELECT id, kind, key, lost, n FROM (
       SELECT r.assessment_id AS id, 'q' AS kind, r.question_sid AS key,
         sum((r.max_score - r.answer_score) * ${weighted}) AS lost, count(*) AS n
       FROM assessments r WHERE r.assessment_id ${IN_IDS} AND r.max_score IS NOT NULL AND r.question_sid IS NOT NULL
       GROUP BY r.assessment_id, r.question_sid
       UNION ALL
       SELECT r.assessment_id, 'c', r.category_sid, sum((r.max_score - r.answer_score) * ${weighted}), count(*)
       FROM assessments r WHERE r.assessment_id ${IN_IDS} AND r.max_score IS NOT NULL AND r.category_sid IS NOT NULL
       GROUP BY r.assessment_id, r.category_sid)
     ORDER BY id, kind, key`,
  );
  const setParts = db.prepare('UPDATE assessment_scores SET parts = ? WHERE id = ?');
  const addTotals = db.prepare(
    `INSERT INTO group_totals(kind, key, assessments, score_sum, score_n, lost_sum, lost_n) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(kind, key) DO UPDATE SET assessments = assessments + excluded.assessments,
       score_sum = score_sum + excluded.score_sum, score_n = score_n + excluded.score_n,
       lost_sum = lost_sum + excluded.lost_sum, lost_n = lost_n + excluded.lost_n`,
  );
  // A group no assessment is left in goes, with whatever rounding its sums gathered.
  const pruneTotals = db.prepare('DELETE FROM group_totals WHERE kind = ? AND key = ? AND assessments <= 0');
  const segmentsOf = db.prepare(
    `SELECT DISTINCT segment_id AS s FROM assessment_scores WHERE id ${IN_IDS} AND segment_id IS NOT NULL`,
  );
  const dropEmpty = db.prepare(`DELETE FROM assessment_scores WHERE id ${IN_IDS} AND records = 0`);
  const peers = db.prepare(
    `UPDATE assessment_scores SET peers = CASE WHEN questionnaire_sid IS NULL THEN 1 ELSE
       (SELECT count(*) FROM assessment_scores p
        WHERE p.segment_id = assessment_scores.segment_id AND p.questionnaire_sid = assessment_scores.questionnaire_sid) END
     WHERE segment_id ${IN_IDS}`,
  );
  const clearPairs = db.prepare(`DELETE FROM calibration_questions WHERE segment_id ${IN_IDS}`);
  // Pairs of assessments (b after a) of one segment and questionnaire that both answered a question.
  // b is looked up by its segment: the planner would otherwise walk every record of the question.
  const countPairs = db.prepare(
    `INSERT INTO calibration_questions(segment_id, questionnaire_sid, question_sid, category_sid, pairs, agreeing)
     SELECT a.segment_id, a.questionnaire_sid, a.question_sid, max(a.category_sid), count(*),
       sum(a.answer_id = b.answer_id)
     FROM assessments a INDEXED BY assessments_by_segment_id
       JOIN assessments b INDEXED BY assessments_by_segment_id ON b.segment_id = a.segment_id
       AND b.questionnaire_sid = a.questionnaire_sid AND b.question_sid = a.question_sid
       AND b.assessment_id > a.assessment_id
     WHERE a.segment_id ${IN_IDS} AND a.questionnaire_sid IS NOT NULL AND a.question_sid IS NOT NULL
       AND a.answer_id IS NOT NULL AND b.answer_id IS NOT NULL
     GROUP BY a.segment_id, a.questionnaire_sid, a.question_sid`,
  );
  const reported = db.prepare(
    `SELECT segment_id AS segmentId, assessment_type AS types, assessment_percentage AS percentages
     FROM segments WHERE segment_id ${IN_IDS}`,
  );
  const assessmentsOfSegments = db.prepare(
    `SELECT id, segment_id AS segmentId, questionnaire, score, twilio_percentage AS twilio, mismatch
     FROM assessment_scores WHERE segment_id ${IN_IDS} ORDER BY segment_id, first_record, id`,
  );
  const setTwilio = db.prepare(
    'UPDATE assessment_scores SET twilio_percentage = ?, mismatch = ? WHERE id = ?',
  );
  const pairsOfAnswers = db.prepare('SELECT DISTINCT question_sid AS q, answer_id AS a FROM assessments');
  const setScoring = (returning: boolean) =>
    db.prepare(
      `UPDATE assessments SET answer_score = ?3, max_score = ?4, is_na = ?5
       WHERE question_sid IS ?1 AND answer_id IS ?2
         AND (answer_score IS NOT ?3 OR max_score IS NOT ?4 OR is_na IS NOT ?5)
       ${returning ? 'RETURNING assessment_id AS id' : ''}`,
    );
  const scoring = { collect: setScoring(true), quiet: setScoring(false) };

  const list = (values: Iterable<unknown>): string => JSON.stringify([...values]);

  function matchSegments(segmentIds: Iterable<string>): boolean {
    const segments = list(segmentIds);
    const bySegment = new Map<string, ScoredRow[]>();
    for (const row of assessmentsOfSegments.all(segments) as unknown as ScoredRow[]) {
      const rows = bySegment.get(row.segmentId) ?? [];
      rows.push(row);
      bySegment.set(row.segmentId, rows);
    }
    if (bySegment.size === 0) return false;
    const details = new Map<string, { types: string | null; percentages: string | null }>();
    for (const row of reported.all(segments) as Array<{
      segmentId: string;
      types: string | null;
      percentages: string | null;
    }>) {
      details.set(row.segmentId, row);
    }
    let changed = false;
    for (const [segmentId, rows] of bySegment) {
      const detail = details.get(segmentId);
      const matched = matchTwilio(
        detail?.types ?? null,
        detail?.percentages ?? null,
        rows.map((r) => r.questionnaire),
      );
      rows.forEach((row, i) => {
        const twilio = matched[i] ?? null;
        const mismatch = twilio !== null && row.score !== null && Math.abs(row.score - twilio) > 0.5 ? 1 : 0;
        if (twilio === row.twilio && mismatch === row.mismatch) return;
        setTwilio.run(twilio, mismatch, row.id);
        changed = true;
      });
    }
    return changed;
  }

  /** Group totals move by the difference between each assessment's old parts and its new ones. */
  function moveTotals(
    ids: string,
    before: Array<{ id: number; score: number | null; parts: string | null }>,
  ): void {
    const deltas = new Map<string, Total>();
    const add = (parts: Part[], score: number | null, sign: 1 | -1): void => {
      for (const [kind, key, lost, n] of parts) {
        const id = `${kind}\u0000${key}`;
        const d = deltas.get(id) ?? {
          kind,
          key,
          assessments: 0,
          scoreSum: 0,
          scoreN: 0,
          lostSum: 0,
          lostN: 0,
        };
        deltas.set(id, d);
        d.assessments += sign;
        if (score !== null) {
          d.scoreSum += sign * score;
          d.scoreN += sign;
        }
        d.lostSum += sign * lost;
        d.lostN += sign * n;
      }
    };
    for (const r of before) if (r.parts !== null) add(JSON.parse(r.parts) as Part[], r.score, -1);
    const parts = new Map<number, Part[]>();
    for (const r of partsOf.all(ids) as Array<{
      id: number;
      kind: 'q' | 'c';
      key: string;
      lost: number;
      n: number;
    }>) {
      const entries = parts.get(r.id) ?? [];
      entries.push([r.kind, r.key, r.lost, r.n]);
      parts.set(r.id, entries);
    }
    for (const r of oldParts.all(ids) as Array<{ id: number; score: number | null; parts: string | null }>) {
      const mine = parts.get(r.id) ?? [];
      const json = JSON.stringify(mine);
      if (r.parts !== json) setParts.run(json, r.id);
      add(mine, r.score, 1);
    }
    for (const d of deltas.values()) {
      if (d.assessments === 0 && d.scoreN === 0 && d.lostN === 0 && d.scoreSum === 0 && d.lostSum === 0)
        continue;
      addTotals.run(d.kind, d.key, d.assessments, d.scoreSum, d.scoreN, d.lostSum, d.lostN);
      if (d.assessments < 0) pruneTotals.run(d.kind, d.key);
    }
  }

  function refresh(assessmentIds: Iterable<number>): boolean {
    const ids = list(new Set(assessmentIds));
    if (ids === '[]') return false;
    const before = oldParts.all(ids) as Array<{ id: number; score: number | null; parts: string | null }>;
    aggregate.run(ids);
    const segments = list((segmentsOf.all(ids) as Array<{ s: string }>).map((r) => r.s));
    dropEmpty.run(ids);
    moveTotals(ids, before);
    peers.run(segments);
    clearPairs.run(segments);
    countPairs.run(segments);
    matchSegments(JSON.parse(segments) as string[]);
    return true;
  }

  function rescore(ref: ReferenceLookup, collect: boolean): Set<number> {
    const touched = new Set<number>();
    for (const { q, a } of pairsOfAnswers.all() as Array<{ q: string | null; a: string | null }>) {
      const s = ref.scoring(q, a);
      const values = [
        q,
        a,
        s.kind === 'scored' ? s.score : null,
        s.kind === 'scored' ? s.max : null,
        s.kind === 'na' ? 1 : 0,
      ];
      if (!collect) {
        scoring.quiet.run(...values);
        continue;
      }
      for (const row of scoring.collect.all(...values) as Array<{ id: number | null }>) {
        if (row.id !== null) touched.add(row.id);
      }
    }
    return touched;
  }

  return {
    assign(recordIds) {
      if (recordIds.length === 0) return [];
      const ids = list(recordIds);
      createRows.run(ids);
      return (link.all(ids) as Array<{ id: number }>).map((r) => r.id);
    },
    refresh,
    matchSegments,
    rescore,
    rebuild(ref) {
      rescore(ref, false);
      db.exec(`
        DELETE FROM assessment_scores;
        DELETE FROM calibration_questions;
        DELETE FROM group_totals;
        INSERT INTO assessment_scores(akey, segment_id, questionnaire_sid, assessor, assessor_email)
          SELECT ${KEY('r')}, r.segment_id, r.questionnaire_sid, r.assessor, r.assessor_email FROM assessments r
          GROUP BY r.segment_id, r.questionnaire_sid, r.assessor, r.assessor_email ORDER BY min(r.id);
        UPDATE assessments SET assessment_id = (SELECT s.id FROM assessment_scores s WHERE s.akey = ${KEY('assessments')});
      `);
      const all = db.prepare('SELECT id FROM assessment_scores').all() as Array<{ id: number }>;
      refresh(all.map((r) => r.id));
      db.prepare("DELETE FROM meta WHERE key = 'summaries_stale'").run();
    },
  };
}

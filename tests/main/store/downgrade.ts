/**
 * Takes a store file back to schema version 1, as QM Desk 0.1 wrote it: what version 2 added is
 * dropped. The migration test checks the result against a file built by step 1 alone, then lets
 * the current code migrate it again.
 */
import type { DatabaseSync } from 'node:sqlite';

export function downgradeToV1(db: DatabaseSync): void {
  db.exec(`
    BEGIN IMMEDIATE;
    DROP TABLE assessment_scores;
    DROP TABLE calibration_questions;
    DROP TABLE IF EXISTS group_totals;
    DROP TABLE views;
    DROP INDEX assessments_by_assessment_id;
    ALTER TABLE assessments DROP COLUMN assessment_id;
    ALTER TABLE assessments DROP COLUMN max_score;
    ALTER TABLE assessments DROP COLUMN is_na;
    DELETE FROM generations WHERE kind = 'scores';
    DELETE FROM meta WHERE key = 'summaries_stale';
    DELETE FROM value_counts WHERE col = 'question_answer';
    PRAGMA user_version = 1;
    COMMIT;
  `);
}

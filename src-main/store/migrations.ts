/**
 * The schema as a ladder of numbered steps: step n takes a file from user_version n-1 to n. A step
 * is never edited once released; a change is a new step. The ladder runs in one transaction per
 * step, so a crash mid-migration leaves the file at the last completed version.
 *
 * Steps are DDL only. Summary data a step introduces is derived by the current code: the step
 * marks it stale (meta 'summaries_stale') and the writer rebuilds it when it opens the file, so a
 * step never runs code that a later version may have changed.
 */
import type { DatabaseSync } from 'node:sqlite';

const ASSESSMENT_INDEXED = [
  'segment_id',
  'agent_id',
  'agent_name',
  'team',
  'queue',
  'questionnaire_sid',
  'questionnaire',
  // (question_sid, answer_id): the question filter and sort, and re-scoring per answer on new reference data.
  'question_sid, answer_id',
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
];

const COMMENT_INDEXED = [
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
];

const SEGMENT_INDEXED = [
  'agent_id',
  'name_key',
  'agent_name',
  'team',
  'queue',
  'date',
  'assessment_count',
  'comment_count',
  'last_synced_at',
];

const indexes = (table: string, columns: string[]): string =>
  columns.map((c) => `CREATE INDEX ${table}_by_${c.replace(/, /g, '_')} ON ${table}(${c});`).join('\n');

/** Version 1: records, segments, agents, reference data, stream cursors and sync runs. */
const V1 = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
INSERT INTO meta(key, value) VALUES ('pass_counter', '0');

-- Bumped in the transaction that changes a kind's visible rows; readers drop cached orders on a change.
CREATE TABLE generations (kind TEXT PRIMARY KEY, gen INTEGER NOT NULL) STRICT;
INSERT INTO generations(kind, gen) VALUES ('assessments', 0), ('comments', 0);

-- One cursor per stream (list endpoint x scope). pass: from the global counter in meta('pass_counter').
CREATE TABLE streams (
  key TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  scope_type TEXT NOT NULL,
  scope_id TEXT,
  pass INTEGER NOT NULL,
  next_url TEXT,
  complete INTEGER NOT NULL DEFAULT 0,
  started_at INTEGER NOT NULL,
  completed_at INTEGER
) STRICT;

-- Every segment the store knows: from records (segment_id, agent_id only) or from Segments (details).
CREATE TABLE segments (
  segment_id TEXT PRIMARY KEY,
  agent_id TEXT,
  agent_name TEXT,
  team TEXT,
  team_in_hierarchy TEXT,
  queue TEXT,
  date TEXT,
  assessment_type TEXT,
  assessment_percentage TEXT,
  -- agent_name folded (case, accents) for search
  name_key TEXT,
  raw TEXT,
  details_at INTEGER,
  last_synced_at INTEGER,
  assessment_count INTEGER NOT NULL DEFAULT 0,
  comment_count INTEGER NOT NULL DEFAULT 0
) STRICT;
${indexes('segments', SEGMENT_INDEXED)}

CREATE TABLE agents (
  agent_id TEXT PRIMARY KEY,
  name TEXT,
  team TEXT,
  team_in_hierarchy TEXT,
  name_key TEXT
) STRICT;
CREATE INDEX agents_by_name_key ON agents(name_key);

-- One row per API record (one answered question). agent_name, team, queue are copied from the
-- segment (or the agent) so every filter and sort has an index on this table.
CREATE TABLE assessments (
  id INTEGER PRIMARY KEY,
  sid TEXT NOT NULL UNIQUE,
  segment_id TEXT,
  agent_id TEXT,
  agent_name TEXT,
  team TEXT,
  queue TEXT,
  questionnaire_sid TEXT,
  questionnaire TEXT,
  question_sid TEXT,
  question TEXT,
  category_sid TEXT,
  category TEXT,
  answer_id TEXT,
  answer TEXT,
  answer_score REAL,
  weight REAL,
  rec_offset REAL,
  report INTEGER,
  assessor TEXT,
  assessor_email TEXT,
  timestamp INTEGER,
  seen_pass INTEGER NOT NULL
) STRICT;
${indexes('assessments', ASSESSMENT_INDEXED)}
-- The record exactly as received, apart from the row so scans stay on small pages.
CREATE TABLE assessment_raw (
  id INTEGER PRIMARY KEY REFERENCES assessments(id) ON DELETE CASCADE,
  json TEXT NOT NULL
) STRICT;

CREATE TABLE comments (
  id INTEGER PRIMARY KEY,
  sid TEXT NOT NULL UNIQUE,
  segment_id TEXT,
  agent_id TEXT,
  agent_name TEXT,
  team TEXT,
  queue TEXT,
  text TEXT,
  tag_id TEXT,
  tag TEXT,
  rec_offset REAL,
  weight REAL,
  report INTEGER,
  assessor TEXT,
  assessor_email TEXT,
  timestamp INTEGER,
  seen_pass INTEGER NOT NULL
) STRICT;
${indexes('comments', COMMENT_INDEXED)}
CREATE TABLE comment_raw (
  id INTEGER PRIMARY KEY REFERENCES comments(id) ON DELETE CASCADE,
  json TEXT NOT NULL
) STRICT;

-- Full-text index over comments.text, kept in step by triggers (external content).
CREATE VIRTUAL TABLE comments_fts USING fts5(
  text, content='comments', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER comments_fts_insert AFTER INSERT ON comments BEGIN
  INSERT INTO comments_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER comments_fts_delete AFTER DELETE ON comments BEGIN
  INSERT INTO comments_fts(comments_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER comments_fts_update AFTER UPDATE OF text ON comments WHEN old.text IS NOT new.text BEGIN
  INSERT INTO comments_fts(comments_fts, rowid, text) VALUES ('delete', old.id, old.text);
  INSERT INTO comments_fts(rowid, text) VALUES (new.id, new.text);
END;

-- Rows per value of each picker column (counts.ts keeps them current with every write).
CREATE TABLE value_counts (
  kind TEXT NOT NULL,
  col TEXT NOT NULL,
  value TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (kind, col, value)
) STRICT, WITHOUT ROWID;

-- Reference data (names and scores), replaced as a whole by each sync run.
CREATE TABLE questionnaires (
  questionnaire_sid TEXT PRIMARY KEY,
  name TEXT,
  description TEXT,
  active INTEGER,
  raw TEXT NOT NULL
) STRICT;
CREATE TABLE questionnaire_questions (
  questionnaire_sid TEXT NOT NULL REFERENCES questionnaires(questionnaire_sid) ON DELETE CASCADE,
  question_sid TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (questionnaire_sid, question_sid)
) STRICT;
CREATE TABLE questions (
  question_sid TEXT PRIMARY KEY,
  question TEXT,
  description TEXT,
  category_sid TEXT,
  answer_set_id TEXT,
  allow_na INTEGER,
  raw TEXT NOT NULL
) STRICT;
CREATE TABLE categories (category_sid TEXT PRIMARY KEY, name TEXT, raw TEXT NOT NULL) STRICT;
CREATE TABLE answer_sets (
  answer_set_id TEXT PRIMARY KEY,
  name TEXT,
  category_id TEXT,
  type TEXT,
  sort REAL,
  raw TEXT NOT NULL
) STRICT;
-- Answers of every set, and the not_applicable answer (answer_set_id '', is_na 1).
CREATE TABLE answers (
  answer_set_id TEXT NOT NULL,
  answer_id TEXT NOT NULL,
  name TEXT,
  description TEXT,
  score REAL,
  sort REAL,
  is_na INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (answer_set_id, answer_id)
) STRICT;
CREATE INDEX answers_by_id ON answers(answer_id);
CREATE TABLE comment_tags (
  tag_id TEXT PRIMARY KEY,
  name TEXT,
  is_default INTEGER,
  sort REAL
) STRICT;
-- The AnswerSets and CommentTags envelopes as received (answer_set_categories, unknown fields).
CREATE TABLE reference_raw (kind TEXT PRIMARY KEY, json TEXT NOT NULL) STRICT;

CREATE TABLE sync_runs (
  id INTEGER PRIMARY KEY,
  label TEXT NOT NULL,
  target TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  status TEXT NOT NULL DEFAULT 'running',
  counts TEXT
) STRICT;
CREATE INDEX sync_runs_by_ended ON sync_runs(ended_at);
`;

const SCORE_INDEXED = [
  'segment_id, questionnaire_sid',
  // (agent_id, timestamp, score): agent groups and scorecards (with their trend windows) read the index alone.
  'agent_id, timestamp, score',
  'agent_name',
  'team',
  'queue',
  'questionnaire_sid',
  'questionnaire',
  'assessor',
  'assessor_email',
  'timestamp',
  'answered',
  'not_applicable',
  'score',
  'twilio_percentage',
  'mismatch',
];

/**
 * Version 2 (issue 8, scores): what each record contributes to its assessment's score, one row per
 * assessment with its score (scores.ts keeps it current with every write), the pairwise agreement
 * of assessors per segment and question (calibration), and saved views.
 */
const V2 = `
-- max_score: the max score of the answer set that scores the answer (null: N/A or unknown answer);
-- is_na: the answer is the not_applicable one; assessment_id: the row in assessment_scores.
ALTER TABLE assessments ADD COLUMN max_score REAL;
ALTER TABLE assessments ADD COLUMN is_na INTEGER NOT NULL DEFAULT 0;
ALTER TABLE assessments ADD COLUMN assessment_id INTEGER;
CREATE INDEX assessments_by_assessment_id ON assessments(assessment_id);

-- One row per assessment: the records sharing (segment, questionnaire, assessor name and email).
-- akey is json_array(segment_id, questionnaire_sid, assessor, assessor_email), built by SQLite only.
CREATE TABLE assessment_scores (
  id INTEGER PRIMARY KEY,
  akey TEXT NOT NULL UNIQUE,
  segment_id TEXT,
  questionnaire_sid TEXT,
  assessor TEXT,
  assessor_email TEXT,
  agent_id TEXT,
  agent_name TEXT,
  team TEXT,
  queue TEXT,
  questionnaire TEXT,
  -- the earliest record's timestamp, and the first record's row id (list order within a segment)
  timestamp INTEGER,
  first_record INTEGER,
  records INTEGER NOT NULL DEFAULT 0,
  answered INTEGER NOT NULL DEFAULT 0,
  not_applicable INTEGER NOT NULL DEFAULT 0,
  -- answers the stored answer sets do not know: counted apart, never scored
  unscored INTEGER NOT NULL DEFAULT 0,
  got REAL,
  max REAL,
  score REAL,
  twilio_percentage REAL,
  mismatch INTEGER NOT NULL DEFAULT 0,
  -- assessments of the same segment with the same questionnaire (this one included)
  peers INTEGER NOT NULL DEFAULT 1,
  -- what it adds to group_totals: JSON [[kind 'q' | 'c', question or category sid, points lost, records], …]
  parts TEXT
) STRICT;
${indexes('assessment_scores', SCORE_INDEXED)}
-- The calibration report reads this index alone: the assessments of segments assessed more than once.
CREATE INDEX assessment_scores_calibration
  ON assessment_scores(segment_id, questionnaire_sid, first_record, assessor, score, agent_name, questionnaire, peers)
  WHERE peers > 1;

-- Per question (kind 'q') and category ('c') over the whole store: the assessments with a scored
-- answer in it, the sum and count of their scores, and the points lost, (max - score) x weight, per
-- scored record. Kept by adding and taking away each assessment's parts.
CREATE TABLE group_totals (
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  assessments INTEGER NOT NULL,
  score_sum REAL NOT NULL,
  score_n INTEGER NOT NULL,
  lost_sum REAL NOT NULL,
  lost_n INTEGER NOT NULL,
  PRIMARY KEY (kind, key)
) STRICT, WITHOUT ROWID;

-- Segments with more than one assessment of a questionnaire: per question, the assessor pairs
-- that both answered it and how many of them gave the same answer.
CREATE TABLE calibration_questions (
  segment_id TEXT NOT NULL,
  questionnaire_sid TEXT NOT NULL,
  question_sid TEXT NOT NULL,
  category_sid TEXT,
  pairs INTEGER NOT NULL,
  agreeing INTEGER NOT NULL,
  PRIMARY KEY (segment_id, questionnaire_sid, question_sid)
) STRICT, WITHOUT ROWID;
CREATE INDEX calibration_questions_by_question
  ON calibration_questions(question_sid, pairs, agreeing, category_sid);

CREATE TABLE views (
  name TEXT PRIMARY KEY,
  filters TEXT NOT NULL,
  saved_at INTEGER NOT NULL
) STRICT;

INSERT INTO generations(kind, gen) VALUES ('scores', 0);
INSERT INTO meta(key, value) VALUES ('summaries_stale', '1');
`;

/** MIGRATIONS[n - 1] takes a file from user_version n - 1 to n. */
export const MIGRATIONS: ReadonlyArray<(db: DatabaseSync) => void> = [
  (db) => db.exec(V1),
  (db) => db.exec(V2),
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Runs the missing steps, each in its own transaction with its version bump. The version is read
 * again under the write lock, so two processes opening a new file at once migrate it once.
 */
export function migrate(db: DatabaseSync): void {
  for (;;) {
    db.exec('BEGIN IMMEDIATE');
    try {
      const row = db.prepare('PRAGMA user_version').get() as { user_version: number };
      const step = MIGRATIONS[row.user_version];
      if (row.user_version >= SCHEMA_VERSION || step === undefined) {
        db.exec('COMMIT');
        return;
      }
      step(db);
      db.exec(`PRAGMA user_version = ${row.user_version + 1}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
}

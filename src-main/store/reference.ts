/**
 * Reference data (questionnaires, questions, categories, answer sets, comment tags): written as a
 * whole, and held in memory by the writer to name and score records as they arrive.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { ReferenceData } from './types.ts';

export interface ReferenceLookup {
  questionnaireName(sid: string | null): string | null;
  questionText(sid: string | null): string | null;
  categoryName(sid: string | null): string | null;
  tagName(id: string | null): string | null;
  answerName(answerId: string | null): string | null;
  /** The answer's score in the question's answer set; null for N/A or an unknown answer. */
  answerScore(questionSid: string | null, answerId: string | null): number | null;
  /** How a record's answer counts towards its assessment's score (see Scoring). */
  scoring(questionSid: string | null, answerId: string | null): Scoring;
}

/**
 * A scored answer has its score and the max score of the answer set that holds it: the question's
 * current set, or, for an answer given before the question changed sets, the set the answer is
 * from. N/A is not scored; an answer no stored set knows (or one without a score) is unscored.
 */
export type Scoring = { kind: 'scored'; score: number; max: number } | { kind: 'na' } | { kind: 'unscored' };

const NA: Scoring = { kind: 'na' };
const UNSCORED: Scoring = { kind: 'unscored' };

interface AnswerRow {
  answer_set_id: string;
  answer_id: string;
  name: string | null;
  score: number | null;
  is_na: number;
}

const finite = (value: number | null): number | null =>
  value !== null && Number.isFinite(value) ? value : null;
const json = (value: unknown): string => JSON.stringify(value ?? null);
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const stringField = (value: unknown, key: string): string | null =>
  isObject(value) && typeof value[key] === 'string' ? (value[key] as string) : null;

/** Replaces the stored reference data; null answer sets or comment tags keep what is stored. */
export function writeReference(db: DatabaseSync, ref: ReferenceData): void {
  db.exec('DELETE FROM questionnaires; DELETE FROM questions; DELETE FROM categories;');
  const questionnaire = db.prepare(
    'INSERT OR REPLACE INTO questionnaires(questionnaire_sid, name, description, active, raw) VALUES (?, ?, ?, ?, ?)',
  );
  const member = db.prepare(
    'INSERT OR IGNORE INTO questionnaire_questions(questionnaire_sid, question_sid, position) VALUES (?, ?, ?)',
  );
  for (const q of ref.questionnaires) {
    if (q.questionnaire_sid === null) continue;
    const active = q.active === null ? null : Number(q.active);
    questionnaire.run(q.questionnaire_sid, q.name, q.description, active, json(q.raw));
    (q.questions ?? []).forEach((item, position) => {
      const questionSid = stringField(item, 'question_sid');
      if (questionSid !== null) member.run(q.questionnaire_sid, questionSid, position);
    });
  }
  const question = db.prepare(
    `INSERT OR REPLACE INTO questions(question_sid, question, description, category_sid, answer_set_id, allow_na, raw)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const q of ref.questions) {
    if (q.question_sid === null) continue;
    const allowNa = q.allow_na === null ? null : Number(q.allow_na);
    const categorySid = stringField(q.category, 'category_sid');
    question.run(
      q.question_sid,
      q.question,
      q.description,
      categorySid,
      q.answer_set_id,
      allowNa,
      json(q.raw),
    );
  }
  const category = db.prepare('INSERT OR REPLACE INTO categories(category_sid, name, raw) VALUES (?, ?, ?)');
  for (const c of ref.categories)
    if (c.category_sid !== null) category.run(c.category_sid, c.name, json(c.raw));

  const raw = db.prepare('INSERT OR REPLACE INTO reference_raw(kind, json) VALUES (?, ?)');
  if (ref.answerSets !== null) {
    db.exec('DELETE FROM answers; DELETE FROM answer_sets;');
    const set = db.prepare(
      'INSERT OR REPLACE INTO answer_sets(answer_set_id, name, category_id, type, sort, raw) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const answer = db.prepare(
      `INSERT OR REPLACE INTO answers(answer_set_id, answer_id, name, description, score, sort, is_na)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const rawSets = Array.isArray(ref.answerSets.raw.answer_sets) ? ref.answerSets.raw.answer_sets : [];
    (ref.answerSets.answer_sets ?? []).forEach((s, i) => {
      if (s.id === null) return;
      set.run(s.id, s.name, s.category_id, s.type, finite(s.sort), json(rawSets[i]));
      for (const a of s.answers ?? []) {
        if (a.id !== null) answer.run(s.id, a.id, a.name, a.description, finite(a.score), finite(a.sort), 0);
      }
    });
    const na = ref.answerSets.not_applicable;
    if (na !== null && na.id !== null)
      answer.run('', na.id, na.name, na.description, null, finite(na.sort), 1);
    raw.run('answer_sets', json(ref.answerSets.raw));
  }
  if (ref.commentTags !== null) {
    db.exec('DELETE FROM comment_tags');
    const tag = db.prepare(
      'INSERT OR REPLACE INTO comment_tags(tag_id, name, is_default, sort) VALUES (?, ?, ?, ?)',
    );
    for (const t of ref.commentTags.comments ?? []) {
      if (t.id !== null) tag.run(t.id, t.name, t.default === null ? null : Number(t.default), finite(t.sort));
    }
    raw.run('comment_tags', json(ref.commentTags.raw));
  }
}

/** Loads the stored reference data into maps. */
export function loadReference(db: DatabaseSync): ReferenceLookup {
  const pairs = (sql: string): Map<string, string | null> =>
    new Map(
      (db.prepare(sql).all() as Array<{ k: string; v: string | null }>).map((r) => [r.k, r.v] as const),
    );
  const questionnaires = pairs('SELECT questionnaire_sid AS k, name AS v FROM questionnaires');
  const questions = pairs('SELECT question_sid AS k, question AS v FROM questions');
  const answerSetOf = pairs('SELECT question_sid AS k, answer_set_id AS v FROM questions');
  const categories = pairs('SELECT category_sid AS k, name AS v FROM categories');
  const tags = pairs('SELECT tag_id AS k, name AS v FROM comment_tags');
  const inSet = new Map<string, AnswerRow>();
  const byId = new Map<string, AnswerRow>();
  const maxOfSet = new Map<string, number>();
  for (const row of db
    .prepare('SELECT * FROM answers ORDER BY answer_set_id')
    .all() as unknown as AnswerRow[]) {
    inSet.set(`${row.answer_set_id}\u0000${row.answer_id}`, row);
    if (!byId.has(row.answer_id) || row.is_na === 1) byId.set(row.answer_id, row);
    if (row.is_na === 0 && row.score !== null)
      maxOfSet.set(row.answer_set_id, Math.max(row.score, maxOfSet.get(row.answer_set_id) ?? -Infinity));
  }
  const get = (map: Map<string, string | null>, key: string | null): string | null =>
    key === null ? null : (map.get(key) ?? null);
  return {
    questionnaireName: (sid) => get(questionnaires, sid),
    questionText: (sid) => get(questions, sid),
    categoryName: (sid) => get(categories, sid),
    tagName: (id) => get(tags, id),
    answerName: (id) => (id === null ? null : (byId.get(id)?.name ?? null)),
    answerScore(questionSid, answerId) {
      const scored = scoring(questionSid, answerId);
      return scored.kind === 'scored' ? scored.score : null;
    },
    scoring,
  };

  function scoring(questionSid: string | null, answerId: string | null): Scoring {
    if (answerId === null) return UNSCORED;
    const any = byId.get(answerId);
    if (any?.is_na === 1) return NA;
    const set = get(answerSetOf, questionSid);
    const row = (set === null ? undefined : inSet.get(`${set}\u0000${answerId}`)) ?? any;
    const max = row === undefined ? undefined : maxOfSet.get(row.answer_set_id);
    if (row === undefined || row.score === null || max === undefined) return UNSCORED;
    return { kind: 'scored', score: row.score, max };
  }
}

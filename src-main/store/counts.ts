/**
 * Per-value row counts of the picker columns (value_counts), kept current by every write, so a
 * picker over the whole store reads a few rows instead of grouping a million.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { RowKind } from '../../src-preload/contract.ts';

/** The SQL columns counted per table: the ones DISTINCT_COLUMNS name. */
export const COUNTED: Record<RowKind, readonly string[]> = {
  assessments: [
    'segment_id',
    'agent_id',
    'team',
    'queue',
    'questionnaire_sid',
    'question_sid',
    'category_sid',
    'answer',
    'assessor',
  ],
  comments: ['segment_id', 'agent_id', 'team', 'queue', 'tag_id', 'assessor'],
};

/**
 * Also counted: assessment records per (question, answer name), for the answer distribution. The
 * value is the question SID and the answer joined by PAIR_SEPARATOR.
 */
export const QUESTION_ANSWER = 'question_answer';
export const PAIR_SEPARATOR = '\u001f';

export interface Counts {
  /** Adds (sign 1) or removes (sign -1) `n` rows having these column values. */
  add(kind: RowKind, row: Record<string, unknown>, sign: 1 | -1, n?: number): void;
  /** Writes the pending changes (inside the caller's transaction). */
  flush(): void;
  /** Recounts one column from its table (and the question-answer pairs with the answer or question). */
  rebuild(kind: RowKind, column: string): void;
  /** Recounts the question-answer pairs. */
  rebuildPairs(): void;
}

export function createCounts(db: DatabaseSync): Counts {
  const upsert = db.prepare(
    `INSERT INTO value_counts(kind, col, value, n) VALUES (?, ?, ?, ?)
     ON CONFLICT(kind, col, value) DO UPDATE SET n = n + excluded.n`,
  );
  const prune = db.prepare('DELETE FROM value_counts WHERE kind = ? AND col = ? AND value = ? AND n <= 0');
  const pending = new Map<string, { kind: RowKind; col: string; value: string; n: number }>();
  const count = (kind: RowKind, col: string, value: string, n: number): void => {
    const key = `${kind}\u0000${col}\u0000${value}`;
    const entry = pending.get(key);
    if (entry === undefined) pending.set(key, { kind, col, value, n });
    else entry.n += n;
  };
  const rebuildPairs = (): void => {
    db.prepare("DELETE FROM value_counts WHERE kind = 'assessments' AND col = ?").run(QUESTION_ANSWER);
    db.prepare(
      `INSERT INTO value_counts(kind, col, value, n)
       SELECT 'assessments', ?, question_sid || ? || answer, count(*) FROM assessments
       WHERE question_sid IS NOT NULL AND answer IS NOT NULL GROUP BY question_sid, answer`,
    ).run(QUESTION_ANSWER, PAIR_SEPARATOR);
  };
  return {
    add(kind, row, sign, n = 1) {
      for (const col of COUNTED[kind]) {
        const value = row[col];
        if (typeof value === 'string') count(kind, col, value, sign * n);
      }
      const { question_sid: question, answer } = row;
      if (kind === 'assessments' && typeof question === 'string' && typeof answer === 'string')
        count(kind, QUESTION_ANSWER, `${question}${PAIR_SEPARATOR}${answer}`, sign * n);
    },
    flush() {
      for (const { kind, col, value, n } of pending.values()) {
        if (n === 0) continue;
        upsert.run(kind, col, value, n);
        if (n < 0) prune.run(kind, col, value);
      }
      pending.clear();
    },
    rebuild(kind, column) {
      if (!COUNTED[kind].includes(column)) throw new Error(`${kind}.${column} is not counted`);
      db.prepare('DELETE FROM value_counts WHERE kind = ? AND col = ?').run(kind, column);
      db.prepare(
        `INSERT INTO value_counts(kind, col, value, n)
         SELECT ?, ?, ${column}, count(*) FROM ${kind} WHERE ${column} IS NOT NULL GROUP BY ${column}`,
      ).run(kind, column);
      if (kind === 'assessments' && (column === 'answer' || column === 'question_sid')) rebuildPairs();
    },
    rebuildPairs,
  };
}

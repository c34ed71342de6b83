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

export interface Counts {
  /** Adds (sign 1) or removes (sign -1) `n` rows having these column values. */
  add(kind: RowKind, row: Record<string, unknown>, sign: 1 | -1, n?: number): void;
  /** Writes the pending changes (inside the caller's transaction). */
  flush(): void;
  /** Recounts one column from its table. */
  rebuild(kind: RowKind, column: string): void;
}

export function createCounts(db: DatabaseSync): Counts {
  const upsert = db.prepare(
    `INSERT INTO value_counts(kind, col, value, n) VALUES (?, ?, ?, ?)
     ON CONFLICT(kind, col, value) DO UPDATE SET n = n + excluded.n`,
  );
  const prune = db.prepare('DELETE FROM value_counts WHERE kind = ? AND col = ? AND value = ? AND n <= 0');
  const pending = new Map<string, { kind: RowKind; col: string; value: string; n: number }>();
  return {
    add(kind, row, sign, n = 1) {
      for (const col of COUNTED[kind]) {
        const value = row[col];
        if (typeof value !== 'string') continue;
        const key = `${kind}\u0000${col}\u0000${value}`;
        const entry = pending.get(key);
        if (entry === undefined) pending.set(key, { kind, col, value, n: sign * n });
        else entry.n += sign * n;
      }
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
    },
  };
}

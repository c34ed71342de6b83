import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** Runs fn in one write transaction: all of it commits, or none of it. */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

/** Runs fn in one read transaction, so every statement in it sees the same snapshot. */
export function snapshot<T>(db: DatabaseSync, fn: () => T): T {
  db.exec('BEGIN');
  try {
    return fn();
  } finally {
    if (db.isTransaction) db.exec('COMMIT');
  }
}

/** Prepared statements by SQL text: the builders produce a small, fixed set of shapes. */
export function statementCache(db: DatabaseSync, capacity = 200): (sql: string) => StatementSync {
  const cache = new Map<string, StatementSync>();
  return (sql) => {
    let statement = cache.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      if (cache.size >= capacity) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
    } else {
      cache.delete(sql);
    }
    cache.set(sql, statement);
    return statement;
  };
}

/** Bumps the generation of each kind whose visible rows changed (readers then drop cached orders). */
export function bumpGenerations(db: DatabaseSync, kinds: Iterable<string>): void {
  const bump = db.prepare('UPDATE generations SET gen = gen + 1 WHERE kind = ?');
  for (const kind of new Set(kinds)) bump.run(kind);
}

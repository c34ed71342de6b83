/**
 * Materialised orders: the rows a (filters, sort) selects, in order, as a TEMP table pos -> id,
 * built once; any window is then `pos BETWEEN ? AND ?`, whatever the offset. Entries are dropped
 * when a kind they depend on changes (its generation moves) and when they fall out of the LRU.
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { RowKind } from '../../src-preload/contract.ts';

export interface Order {
  table: string;
  total: number;
}

interface Entry extends Order {
  deps: RowKind[];
  gens: number[];
}

export type Generations = Record<RowKind, number>;

export function readGenerations(db: DatabaseSync): Generations {
  const gens: Generations = { assessments: 0, comments: 0 };
  for (const row of db.prepare('SELECT kind, gen FROM generations').all() as Array<{
    kind: string;
    gen: number;
  }>) {
    if (row.kind === 'assessments' || row.kind === 'comments') gens[row.kind] = row.gen;
  }
  return gens;
}

export interface OrderCache {
  /** The cached order for key, or a new one built from `select` (which yields ids in order). */
  get(
    key: string,
    deps: RowKind[],
    gens: Generations,
    select: { sql: string; params: SQLInputValue[] },
  ): Order;
  clear(): void;
}

export function createOrderCache(db: DatabaseSync, capacity: number): OrderCache {
  const entries = new Map<string, Entry>();
  let serial = 0;
  const drop = (key: string, entry: Entry): void => {
    entries.delete(key);
    db.exec(`DROP TABLE IF EXISTS temp.${entry.table}`);
  };
  return {
    get(key, deps, gens, select) {
      const hit = entries.get(key);
      if (hit !== undefined) {
        if (hit.deps.every((d, i) => gens[d] === hit.gens[i])) {
          entries.delete(key);
          entries.set(key, hit);
          return hit;
        }
        drop(key, hit);
      }
      // Stale entries go first: their tables only hold memory.
      for (const [k, e] of entries) if (!e.deps.every((d, i) => gens[d] === e.gens[i])) drop(k, e);
      while (entries.size >= capacity) {
        const [oldestKey, oldest] = entries.entries().next().value as [string, Entry];
        drop(oldestKey, oldest);
      }
      const table = `order_${++serial}`;
      db.exec(`CREATE TEMP TABLE ${table} (pos INTEGER PRIMARY KEY, id INTEGER NOT NULL)`);
      // Rows are inserted in the SELECT's order, so pos (the rowid) numbers them 1, 2, 3 …
      const { changes } = db.prepare(`INSERT INTO temp.${table}(id) ${select.sql}`).run(...select.params);
      const entry: Entry = { table, total: Number(changes), deps, gens: deps.map((d) => gens[d]) };
      entries.set(key, entry);
      return entry;
    },
    clear() {
      for (const [k, e] of entries) drop(k, e);
    },
  };
}

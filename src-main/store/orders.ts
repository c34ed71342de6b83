/**
 * Materialised orders: the rows a (filters, sort) selects, in order, as a TEMP table pos -> id,
 * built once; any window is then `pos BETWEEN ? AND ?`, whatever the offset. Entries are dropped
 * when a kind they depend on changes (its generation moves) and when they fall out of the LRU.
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';

/** What a cached result depends on: a kind of records, or the assessment scores. */
export type Dep = 'assessments' | 'comments' | 'scores';
const DEPS: readonly Dep[] = ['assessments', 'comments', 'scores'];

export interface Order {
  table: string;
  total: number;
}

interface Entry extends Order {
  deps: Dep[];
  gens: number[];
}

export type Generations = Record<Dep, number>;

export function readGenerations(db: DatabaseSync): Generations {
  const gens: Generations = { assessments: 0, comments: 0, scores: 0 };
  for (const row of db.prepare('SELECT kind, gen FROM generations').all() as Array<{
    kind: string;
    gen: number;
  }>) {
    const dep = DEPS.find((d) => d === row.kind);
    if (dep !== undefined) gens[dep] = row.gen;
  }
  return gens;
}

export interface OrderCache {
  /** The cached order for key, or a new one built from `select` (which yields ids in order). */
  get(key: string, deps: Dep[], gens: Generations, select: { sql: string; params: SQLInputValue[] }): Order;
  /** A private order, out of the cache, until unpinned: an export reads the same rows throughout. */
  pin(select: { sql: string; params: SQLInputValue[] }): Order;
  unpin(table: string): void;
  clear(): void;
}

export function createOrderCache(db: DatabaseSync, capacity: number): OrderCache {
  const entries = new Map<string, Entry>();
  const pinned = new Set<string>();
  let serial = 0;
  const drop = (key: string, entry: Entry): void => {
    entries.delete(key);
    db.exec(`DROP TABLE IF EXISTS temp.${entry.table}`);
  };
  const unpin = (table: string): void => {
    if (!pinned.delete(table)) return;
    db.exec(`DROP TABLE IF EXISTS temp.${table}`);
  };
  const build = (select: { sql: string; params: SQLInputValue[] }): Order => {
    const table = `order_${++serial}`;
    db.exec(`CREATE TEMP TABLE ${table} (pos INTEGER PRIMARY KEY, id INTEGER NOT NULL)`);
    // Rows are inserted in the SELECT's order, so pos (the rowid) numbers them 1, 2, 3 …
    const { changes } = db.prepare(`INSERT INTO temp.${table}(id) ${select.sql}`).run(...select.params);
    return { table, total: Number(changes) };
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
      const entry: Entry = { ...build(select), deps, gens: deps.map((d) => gens[d]) };
      entries.set(key, entry);
      return entry;
    },
    pin(select) {
      const order = build(select);
      pinned.add(order.table);
      return order;
    },
    unpin,
    clear() {
      for (const [k, e] of entries) drop(k, e);
      for (const table of [...pinned]) unpin(table);
    },
  };
}

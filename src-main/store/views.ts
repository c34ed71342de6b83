/**
 * Saved views: named filter sets of one account, in its store (so they travel with its data and go
 * with it). A name is unique; saving under a taken name replaces that view.
 */
import type { DatabaseSync } from 'node:sqlite';
import { QueryFiltersSchema } from '../../src-preload/contract.ts';
import type { QueryFilters, SavedView } from '../../src-preload/contract.ts';
import { normaliseFilters } from './columns.ts';

export interface Views {
  list(): SavedView[];
  save(name: string, filters: QueryFilters, at: number): SavedView[];
  remove(name: string): SavedView[];
}

export function createViews(db: DatabaseSync): Views {
  const all = db.prepare(
    'SELECT name, filters, saved_at AS savedAt FROM views ORDER BY name COLLATE NOCASE, name',
  );
  const put = db.prepare(
    `INSERT INTO views(name, filters, saved_at) VALUES (?, ?, ?)
     ON CONFLICT(name) DO UPDATE SET filters = excluded.filters, saved_at = excluded.saved_at`,
  );
  const drop = db.prepare('DELETE FROM views WHERE name = ?');

  function list(): SavedView[] {
    const views: SavedView[] = [];
    for (const row of all.all() as Array<{ name: string; filters: string; savedAt: number }>) {
      // Read back through the contract's schema: a view this version cannot read is left out, not shown wrong.
      let stored: unknown;
      try {
        stored = JSON.parse(row.filters);
      } catch {
        continue;
      }
      const parsed = QueryFiltersSchema.safeParse(stored);
      if (parsed.success) views.push({ name: row.name, filters: parsed.data, savedAt: row.savedAt });
    }
    return views;
  }

  return {
    list,
    save(name, filters, at) {
      put.run(name, JSON.stringify(normaliseFilters(QueryFiltersSchema.parse(filters))), at);
      return list();
    },
    remove(name) {
      drop.run(name);
      return list();
    },
  };
}

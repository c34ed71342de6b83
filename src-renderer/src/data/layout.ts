import { clampWidth, MAX_SORT_KEYS, type QSortKey } from '../components/table.ts';
import type { ColumnDef } from './columns.ts';

/** How the reviewer arranged one table: remembered per account, survives view switches. */
export interface TableLayout {
  /** Every column key, in display order (hidden ones keep their place). */
  order: string[];
  hidden: string[];
  /** Widths the reviewer set, px by column key. */
  widths: Record<string, number>;
  sort: QSortKey[];
  /** Scroll position in the full list, px of rows. */
  offset: number;
}

type AnyDefs = ReadonlyArray<ColumnDef<never>>;

const DEFAULT_SORT: QSortKey[] = [{ column: 'timestamp', dir: 'desc' }];

export function defaultLayout(defs: AnyDefs): TableLayout {
  return {
    order: defs.map((d) => d.key),
    hidden: defs.filter((d) => d.hidden).map((d) => d.key),
    widths: {},
    sort: DEFAULT_SORT.filter((k) => defs.some((d) => d.key === k.column)).map((k) => ({ ...k })),
    offset: 0,
  };
}

/**
 * A stored layout made safe for today's columns: unknown keys dropped, new columns added where
 * the defaults put them (hidden if hidden by default), widths and sort keys checked.
 */
export function normaliseLayout(stored: Partial<TableLayout> | undefined, defs: AnyDefs): TableLayout {
  const base = defaultLayout(defs);
  if (!stored) return base;
  const known = new Set(base.order);
  const order = (stored.order ?? []).filter((k, i, all) => known.has(k) && all.indexOf(k) === i);
  const storedKnown = new Set(stored.order ?? []);
  for (const def of defs) if (!order.includes(def.key)) order.push(def.key);
  const hidden = [
    ...(stored.hidden ?? []).filter((k) => known.has(k)),
    ...base.hidden.filter((k) => !storedKnown.has(k)),
  ];
  const widths: Record<string, number> = {};
  for (const [key, px] of Object.entries(stored.widths ?? {}))
    if (known.has(key) && Number.isFinite(px)) widths[key] = clampWidth(px);
  const sort = (stored.sort ?? base.sort)
    .filter((k) => known.has(k.column) && (k.dir === 'asc' || k.dir === 'desc'))
    .slice(0, MAX_SORT_KEYS);
  const offset = Number.isFinite(stored.offset) && stored.offset! > 0 ? stored.offset! : 0;
  return { order, hidden: [...new Set(hidden)], widths, sort, offset };
}

/** The shown columns, in order. */
export function visibleDefs<D extends { key: string }>(defs: readonly D[], layout: TableLayout): D[] {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const hidden = new Set(layout.hidden);
  return layout.order.filter((k) => !hidden.has(k)).flatMap((k) => byKey.get(k) ?? []);
}

/**
 * The order after moving a shown column to position `to` among the shown columns. Hidden columns
 * travel with the shown column they follow, so showing one again puts it back where it was.
 */
export function moveColumn(layout: TableLayout, key: string, to: number): string[] {
  const hidden = new Set(layout.hidden);
  const lead: string[] = [];
  const groups = new Map<string, string[]>();
  const shown: string[] = [];
  let group: string[] | null = null;
  for (const k of layout.order) {
    if (hidden.has(k)) (group ?? lead).push(k);
    else {
      group = [k];
      groups.set(k, group);
      shown.push(k);
    }
  }
  if (!groups.has(key)) return layout.order;
  const next = shown.filter((k) => k !== key);
  next.splice(Math.min(Math.max(to, 0), next.length), 0, key);
  return [...lead, ...next.flatMap((k) => groups.get(k)!)];
}

/** A table column: how to read a cell from a row, and how to lay it out. */
export interface QColumn<T> {
  key: string;
  label: string;
  /** px, or a CSS grid track ('minmax(160px, 1fr)'). Defaults to 'minmax(100px, 1fr)'. */
  width?: number | string;
  /** Numbers are right-aligned and use tabular figures. */
  numeric?: boolean;
  /** IDs: monospace. */
  mono?: boolean;
  value: (row: T) => string | number | null | undefined;
  /** Hover text, e.g. the full ID or the UTC time. */
  title?: (row: T) => string | undefined;
  /** The header is a button that asks the parent to sort by this column (`sort` event). */
  sortable?: boolean;
}

export interface QSortKey {
  column: string;
  dir: 'asc' | 'desc';
}

/** The store takes at most this many sort keys. */
export const MAX_SORT_KEYS = 3;
export const MIN_COLUMN_WIDTH = 48;
export const MAX_COLUMN_WIDTH = 1200;

export const clampWidth = (px: number): number =>
  Math.round(Math.min(Math.max(px, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH));

const flip = (dir: 'asc' | 'desc'): 'asc' | 'desc' => (dir === 'asc' ? 'desc' : 'asc');

/**
 * The sort after a header click. A plain click sorts by that column alone (a second click on the
 * only key reverses it); Shift+click adds it as a further key (up to three) or reverses it if it
 * is one already.
 */
export function nextSort(
  sort: readonly QSortKey[],
  column: string,
  add: boolean,
  firstDir: 'asc' | 'desc',
): QSortKey[] {
  const existing = sort.find((k) => k.column === column);
  if (!add) {
    if (existing && sort.length === 1) return [{ column, dir: flip(existing.dir) }];
    return [{ column, dir: existing?.dir ?? firstDir }];
  }
  if (existing) return sort.map((k) => (k.column === column ? { column, dir: flip(k.dir) } : { ...k }));
  const kept = sort.slice(0, MAX_SORT_KEYS - 1).map((k) => ({ ...k }));
  return [...kept, { column, dir: firstDir }];
}

/** A column's grid track: px widths as set or resized, anything else as given. */
export function trackOf(width: number | string | undefined): string {
  if (typeof width === 'number') return `${width}px`;
  return width ?? 'minmax(100px, 1fr)';
}

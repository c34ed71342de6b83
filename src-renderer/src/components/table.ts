/** A QTable column: how to read a cell from a row, and how to lay it out. */
export interface QColumn<T> {
  key: string;
  label: string;
  /** A CSS grid track: '120px', 'minmax(160px, 1fr)'. Defaults to 'minmax(100px, 1fr)'. */
  width?: string;
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

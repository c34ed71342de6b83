/**
 * Rows of a view, read from the store the way the table shows them: the store materialises the
 * view's order (filters + sort) once and hands it out page by page (`Store.exportRows`), so the
 * export has exactly the rows, in exactly the order, the reviewer sees, and a sync committing
 * meanwhile neither repeats nor shifts rows. Pages are a few hundred rows (a page is alive while
 * it is encoded: bigger pages grow the young generation, see csv.ts), and the next page is asked
 * for while the current one is encoded, so the store worker and the encoder work side by side.
 */
import { AppError } from '../errors.ts';
import type { Store } from '../store/types.ts';
import type { QueryFilters } from '../../src-preload/contract.ts';
import { VIEW_COLUMNS, type ExportKind, type ExportRows } from './columns.ts';

/**
 * Rows per page (the store takes 250–500). Measured over 1M store rows: pages of 250 hold the main
 * thread's heap growth to about +86 MB, pages of 500 to about +143 MB, for 4% more time.
 */
export const PAGE_ROWS = 250;

export interface SortKey {
  column: string;
  dir: 'asc' | 'desc';
}

export interface ExportView {
  kind: ExportKind;
  filters: QueryFilters;
  sort: readonly SortKey[];
}

type WindowQuery = { filters: QueryFilters; sort: SortKey[]; offset: number; limit: number };
type ReadWindow<R> = (query: WindowQuery) => Promise<{ total: number; offset: number; rows: R[] }>;

/** The store's window query of a kind (what the table reads). */
function windowsOf<K extends ExportKind>(store: Store, kind: K): ReadWindow<ExportRows[K]> {
  // The sort was checked against the kind's columns (checkSort): the store's typed query accepts it.
  const read = { assessments: store.assessments, comments: store.comments, scores: store.scores }[kind];
  return read.bind(store) as unknown as ReadWindow<ExportRows[K]>;
}

/** Sort keys must name the kind's view columns; a typo is refused with the list of valid ones. */
export function checkSort(kind: ExportKind, sort: readonly SortKey[]): SortKey[] {
  const known = VIEW_COLUMNS[kind];
  const unknown = sort.map((s) => s.column).filter((c) => !known.includes(c));
  if (unknown.length > 0) {
    throw new AppError(
      'invalid_request',
      `Cannot sort ${kind} by ${unknown.join(', ')}. The columns to sort by are: ${known.join(', ')}.`,
      { detail: { unknown } },
    );
  }
  return sort.map(({ column, dir }) => ({ column, dir }));
}

/** Rows matching the view's filters now (one row of the table's own window; its order is usually cached). */
export async function countRows(store: Store, view: ExportView): Promise<number> {
  const read = windowsOf(store, view.kind);
  const sort = checkSort(view.kind, view.sort);
  return (await read({ filters: view.filters, sort, offset: 0, limit: 1 })).total;
}

/** Asks for the next item as soon as the current one is handed on (one ahead, never more). */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  try {
    for (;;) {
      const item = await next;
      if (item.done) return;
      next = iterator.next();
      // Observed here: a consumer that stops early (cancel) never awaits it.
      next.catch(() => {});
      yield item.value;
    }
  } finally {
    // Lets the source release what it holds (the store drops the export's order).
    await iterator.return?.();
  }
}

export interface ViewPages<R> {
  /** Rows matching the view when the export started (for progress; rows removed meanwhile are left out). */
  total: number;
  /** The rows in view order, page by page. */
  pages: AsyncIterable<R[]>;
}

/** The view's row count and its rows, page by page, in its order. */
export async function openView<K extends ExportKind>(
  store: Store,
  view: ExportView & { kind: K },
  options: { pageRows?: number; signal?: AbortSignal } = {},
): Promise<ViewPages<ExportRows[K]>> {
  const { pageRows = PAGE_ROWS, signal } = options;
  const sort = checkSort(view.kind, view.sort);
  signal?.throwIfAborted();
  const total = await countRows(store, view);
  const pages = store.exportRows(
    view.kind,
    { filters: view.filters, sort },
    { pageSize: pageRows, signal },
  ) as AsyncIterable<ExportRows[K][]>;
  return { total, pages: readAhead(pages) };
}

/** The field that names a row of a kind (what copyRows receives). */
export const ROW_KEY: { [K in ExportKind]: keyof ExportRows[K] & string } = {
  assessments: 'sid',
  comments: 'sid',
  scores: 'assessmentKey',
};

/** Windows of this size when looking rows up by key. */
const LOOKUP_WINDOW = 1000;

/**
 * The rows with these keys, in the order of `keys` (unknown keys left out, repeated ones once). The Store has no
 * lookup by key, so this walks the kind's rows in windows until every key is found: a copy is at
 * most 10,000 rows, and most selections are found well before the end.
 */
export async function rowsByKey<K extends ExportKind>(
  store: Store,
  kind: K,
  keys: readonly string[],
  signal?: AbortSignal,
): Promise<ExportRows[K][]> {
  const read = windowsOf(store, kind);
  const field = ROW_KEY[kind];
  const wanted = new Set(keys);
  const found = new Map<string, ExportRows[K]>();
  for (let offset = 0; found.size < wanted.size; offset += LOOKUP_WINDOW) {
    signal?.throwIfAborted();
    const window = await read({ filters: {}, sort: [], offset, limit: LOOKUP_WINDOW });
    for (const row of window.rows) {
      const key = String(row[field]);
      if (wanted.has(key)) found.set(key, row);
    }
    if (offset + LOOKUP_WINDOW >= window.total) break;
  }
  return [...wanted].flatMap((key) => {
    const row = found.get(key);
    return row === undefined ? [] : [row];
  });
}

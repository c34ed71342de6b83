import { ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import type { ErrorBody, Result, RowWindow } from '../../../src-preload/contract.ts';

export interface RowWindowOptions<R> {
  /** Rows per request (at most the contract's MAX_WINDOW). */
  pageSize?: number;
  /** The account the rows belong to; null when there is none (nothing is fetched). */
  profileId: () => string | null;
  /** One window of rows for that account. */
  fetch(profileId: string, offset: number, limit: number): Promise<Result<RowWindow<R>>>;
}

export interface RowSource<R> {
  /** Rows matching the query, once the first page answered. */
  total: Ref<number | null>;
  /** `total` slots; a slot is undefined until its page arrives (the table shows a placeholder). */
  rows: ShallowRef<ReadonlyArray<R | undefined>>;
  loading: Ref<boolean>;
  error: Ref<ErrorBody | null>;
  /** Makes sure rows start..end (inclusive) are loaded or on their way. */
  ensure(start: number, end: number): void;
  /** Drops every row and loads from the top (a new query, a new account, a sync that ended). */
  reload(): Promise<void>;
}

/**
 * Rows fetched page by page as the table scrolls, instead of the whole list at once. Answers for
 * another account, or for a query that was replaced meanwhile, are dropped.
 */
export function createRowSource<R>(options: RowWindowOptions<R>): RowSource<R> {
  const pageSize = options.pageSize ?? 200;
  const total = ref<number | null>(null);
  const rows = shallowRef<ReadonlyArray<R | undefined>>([]);
  const loading = ref(false);
  const error = ref<ErrorBody | null>(null);
  let generation = 0;
  let requested = new Set<number>();
  /** The rows last asked for (in view): reloaded at once when the list is replaced under them. */
  let wanted: [number, number] | null = null;

  let inFlight = 0;

  /** Loads one page; true when its rows were taken. */
  async function loadPage(page: number, gen: number, reloading = false): Promise<boolean> {
    const profileId = options.profileId();
    if (!profileId) return false;
    requested.add(page);
    inFlight++;
    loading.value = true;
    const result = await options.fetch(profileId, page * pageSize, pageSize);
    if (gen !== generation) return false;
    loading.value = --inFlight > 0;
    if (!result.ok) {
      requested.delete(page);
      error.value = result.error;
      return false;
    }
    const data = result.data;
    if (data.profileId !== profileId || options.profileId() !== profileId) return false;
    error.value = null;
    let next: Array<R | undefined>;
    const resized = total.value !== data.total;
    if (!resized) next = [...rows.value];
    else {
      // The list changed size under us: keep nothing from the other pages.
      next = new Array<R | undefined>(data.total);
      requested = new Set([page]);
      total.value = data.total;
    }
    data.rows.forEach((row, i) => {
      if (data.offset + i < next.length) next[data.offset + i] = row;
    });
    rows.value = next;
    // (A reload asks for the rows in view itself, once its first page is in.)
    if (resized && wanted && !reloading) ensure(...wanted);
    return true;
  }

  function ensure(start: number, end: number): void {
    wanted = [start, end];
    if (total.value === null || total.value === 0) return;
    const last = Math.min(end, total.value - 1);
    for (let page = Math.floor(Math.max(start, 0) / pageSize); page * pageSize <= last; page++)
      if (!requested.has(page)) void loadPage(page, generation);
  }

  async function reload(): Promise<void> {
    const gen = ++generation;
    requested = new Set();
    inFlight = 0;
    loading.value = false;
    if (!options.profileId()) {
      total.value = null;
      rows.value = [];
      error.value = null;
      return;
    }
    if ((await loadPage(0, gen, true)) && total.value !== null) {
      // Rows past the new total are gone; the rest reload as they come into view.
      const first = rows.value.slice(0, Math.min(pageSize, total.value));
      const next = new Array<R | undefined>(total.value);
      first.forEach((row, i) => (next[i] = row));
      rows.value = next;
      requested = new Set([0]);
      if (wanted) ensure(...wanted);
    }
  }

  return { total, rows, loading, error, ensure, reload };
}

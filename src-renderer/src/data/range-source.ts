import { computed, ref, shallowRef, type Ref } from 'vue';
import type { ErrorBody, Result, RowWindow } from '../../../src-preload/contract.ts';

export interface RangeSourceOptions<R> {
  /** Rows per request (at most the contract's MAX_WINDOW). */
  pageSize?: number;
  /** Pages kept in memory, least recently used dropped first (the pages in view never are). */
  maxPages?: number;
  /** Requests in flight at once; further pages wait, and are dropped if they scroll away first. */
  concurrency?: number;
  /** The account the rows belong to; null when there is none (nothing is fetched). */
  profileId: () => string | null;
  /** One window of rows of the current query for that account. */
  fetch(profileId: string, offset: number, limit: number): Promise<Result<RowWindow<R>>>;
}

/** What a virtual table reads: how many rows, a row by index (undefined until it arrived), and what is in view. */
export interface TableSource<R> {
  count(): number;
  get(index: number): R | undefined;
  ensure(start: number, end: number): void;
}

export interface RangeSource<R> extends TableSource<R> {
  /** Rows matching the query; null until the first answer. */
  readonly total: Readonly<Ref<number | null>>;
  /** A request of the current query is in flight. */
  readonly loading: Readonly<Ref<boolean>>;
  readonly error: Readonly<Ref<ErrorBody | null>>;
  /**
   * A new query (filters, sort, account, a sync that ended): requests of the old one are dropped,
   * the window in view is asked for at once, and the old rows stay on screen until it answers.
   * Resolves when that first answer is in (or was dropped).
   */
  reload(): Promise<void>;
  /** Forgets everything (no account): the count is unknown again. */
  clear(): void;
  /** Rows start..end (inclusive) of the current query, fetching those not in memory; null if that failed. */
  rows(start: number, end: number): Promise<R[] | null>;
}

const MAX_REQUEST = 1000;

/**
 * Rows of a store query by range, never the whole list: a small LRU of fixed-size pages, filled as
 * the table scrolls. Every answer is checked against the account asked for and the query it
 * belongs to (a generation number); anything else is dropped.
 */
export function createRangeSource<R>(options: RangeSourceOptions<R>): RangeSource<R> {
  const pageSize = options.pageSize ?? 100;
  const maxPages = Math.max(options.maxPages ?? 16, 2);
  const concurrency = Math.max(options.concurrency ?? 2, 1);

  const total = ref<number | null>(null);
  const error = shallowRef<ErrorBody | null>(null);
  /** Bumped whenever the pages change, so `get()` is reactive without a reactive Map. */
  const version = ref(0);
  const inFlight = ref(0);
  const loading = computed(() => inFlight.value > 0);

  let generation = 0;
  let pages = new Map<number, R[]>();
  /** The previous query's pages, shown until the new query's first answer replaces them. */
  let previous: Map<number, R[]> | null = null;
  let previousTotal: number | null = null;
  let pending = new Set<number>();
  let queue: number[] = [];
  let wanted: [number, number] | null = null;

  const pageOf = (index: number): number => Math.floor(index / pageSize);
  const knownTotal = (): number | null => (previous ? previousTotal : total.value);

  function wantedPages(): [number, number] | null {
    if (!wanted) return null;
    const count = total.value;
    const last = count === null ? wanted[1] : Math.min(wanted[1], count - 1);
    if (last < wanted[0] || last < 0) return null;
    return [pageOf(Math.max(wanted[0], 0)), pageOf(last)];
  }

  const isWanted = (page: number): boolean => {
    const range = wantedPages();
    return range !== null && page >= range[0] && page <= range[1];
  };

  function touch(page: number, rows: R[]): void {
    pages.delete(page);
    pages.set(page, rows);
    for (const key of pages.keys()) {
      if (pages.size <= maxPages) break;
      if (!isWanted(key)) pages.delete(key);
    }
  }

  function count(): number {
    void version.value;
    return knownTotal() ?? 0;
  }

  function get(index: number): R | undefined {
    void version.value;
    const page = pageOf(index);
    const rows = (previous ?? pages).get(page);
    return rows?.[index - page * pageSize];
  }

  async function request(
    profileId: string,
    offset: number,
    limit: number,
    gen: number,
  ): Promise<RowWindow<R> | null> {
    inFlight.value++;
    try {
      const result = await options.fetch(profileId, offset, limit);
      if (gen !== generation) return null;
      if (!result.ok) {
        error.value = result.error;
        return null;
      }
      // An answer for another account (the reviewer switched meanwhile) is never shown.
      if (result.data.profileId !== profileId || options.profileId() !== profileId) return null;
      error.value = null;
      return result.data;
    } finally {
      if (gen === generation) inFlight.value--;
    }
  }

  /** Takes one answered page into memory; a changed total means the list moved under us. */
  function take(page: number, data: RowWindow<R>): void {
    if (previous || total.value !== data.total) {
      previous = null;
      previousTotal = null;
      pages = new Map();
      queue = [];
      total.value = data.total;
    }
    touch(page, data.rows);
    version.value++;
  }

  async function load(page: number, gen: number): Promise<void> {
    const profileId = options.profileId();
    if (!profileId) return;
    pending.add(page);
    const data = await request(profileId, page * pageSize, pageSize, gen);
    if (gen !== generation) return;
    pending.delete(page);
    if (data) take(page, data);
    else if (previous && error.value) {
      // The new query failed: the old rows must not pass for its answer.
      previous = null;
      previousTotal = null;
      version.value++;
    }
    // After a changed total, what is in view may need other pages now.
    if (data && wanted) ensure(...wanted);
    pump();
  }

  function pump(): void {
    while (pending.size < concurrency && queue.length) {
      const page = queue.shift()!;
      // Scrolled away before its turn: never sent.
      if (!isWanted(page) || pages.has(page) || pending.has(page)) continue;
      void load(page, generation);
    }
  }

  function ensure(start: number, end: number): void {
    wanted = [start, end];
    if (total.value === null && !previous) return;
    queue = queue.filter(isWanted);
    const range = wantedPages();
    if (range) {
      for (let page = range[0]; page <= range[1]; page++) {
        const cached = pages.get(page);
        if (cached) touch(page, cached);
        else if (!pending.has(page) && !queue.includes(page)) queue.push(page);
      }
    }
    pump();
  }

  async function reload(): Promise<void> {
    const gen = ++generation;
    inFlight.value = 0;
    pending = new Set();
    queue = [];
    if (!options.profileId()) {
      clear();
      return;
    }
    if (!previous && (total.value !== null || pages.size)) {
      previous = pages;
      previousTotal = total.value;
    }
    pages = new Map();
    total.value = null;
    const first = wanted ? pageOf(Math.max(wanted[0], 0)) : 0;
    await load(first, gen);
  }

  function clear(): void {
    generation++;
    inFlight.value = 0;
    pending = new Set();
    queue = [];
    pages = new Map();
    previous = null;
    previousTotal = null;
    total.value = null;
    error.value = null;
    version.value++;
  }

  async function rows(start: number, end: number): Promise<R[] | null> {
    const profileId = options.profileId();
    const count = total.value;
    if (!profileId || count === null || previous) return null;
    const gen = generation;
    const last = Math.min(end, count - 1);
    const out: R[] = [];
    let index = Math.max(start, 0);
    while (index <= last) {
      const page = pageOf(index);
      const cached = pages.get(page);
      if (cached) {
        const row = cached[index - page * pageSize];
        // A short page: the list changed under us.
        if (row === undefined) return null;
        out.push(row);
        index++;
        continue;
      }
      // Missing rows come in large requests of their own (not kept: the LRU holds what is in view).
      const data = await request(profileId, index, Math.min(MAX_REQUEST, last - index + 1), gen);
      if (!data || data.total !== count || !data.rows.length) return null;
      out.push(...data.rows);
      index += data.rows.length;
    }
    return gen === generation ? out : null;
  }

  return { total, loading, error, count, get, ensure, reload, clear, rows };
}

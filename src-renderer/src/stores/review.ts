import { defineStore } from 'pinia';
import { computed, onScopeDispose, reactive, ref, shallowRef, watch } from 'vue';
import type {
  AssessmentQuery,
  AssessmentRow,
  AssessmentScoreRow,
  CommentQuery,
  CommentRow,
  ErrorBody,
  QueryFilters,
  RowDetail,
  RowKind,
  SavedView,
  ScoreQuery,
} from '../../../src-preload/contract.ts';
import { qm } from '../api.ts';
import { ROW_KEY, ROW_TABS, TAB_WORDS, type AnyRow, type RowTab, type TabRows } from '../data/columns.ts';
import { activeFields, cleanFilters } from '../data/filters.ts';
import type { TableLayout } from '../data/layout.ts';
import { createRangeSource, type RangeSource } from '../data/range-source.ts';
import {
  defaultState,
  labelKey,
  loadState,
  saveState,
  type ReviewState,
  type ReviewTab,
} from '../data/review-state.ts';
import { NO_SELECTION, sizeOf, type RowSelection } from '../data/selection.ts';
import { countText } from '../sync/ids.ts';
import { useAccountsStore } from './accounts.ts';
import { useDataStore } from './data.ts';
import { useJobsStore } from './jobs.ts';
import { useStoreOverview } from './store-overview.ts';
import { useToasts } from './toasts.ts';

export type { RowTab } from '../data/columns.ts';
export type { ReviewTab } from '../data/review-state.ts';

/** The most rows one copy takes (the contract's limit); more go through Export. */
export const MAX_COPY_ROWS = 10_000;
const SAVE_DELAY_MS = 300;

/** The row the drawer shows: which table it was opened from, and the store's key for it. */
export interface DrawerTarget {
  kind: RowKind;
  sid: string;
}

/**
 * The Review workspace of the active account: its filters, which table is shown, how each table
 * is arranged and where it was scrolled (remembered per account, across views and runs), the
 * rows of each table (a range source each, loaded only while its table is on screen), the saved
 * views and the detail drawer. Every answer names its profile; one for another account is dropped.
 *
 * Charts and scorecards call `showRows(tab, filters)` to show the rows behind a number.
 */
export const useReviewStore = defineStore('review', () => {
  const accounts = useAccountsStore();
  const jobs = useJobsStore();
  const data = useDataStore();
  const overview = useStoreOverview();
  const toasts = useToasts();

  const initial = defaultState();
  const filters = ref<QueryFilters>(initial.filters);
  const tab = ref<ReviewTab>(initial.tab);
  const tables = reactive<Record<RowTab, TableLayout>>(initial.tables);
  const labels = ref<Record<string, string>>({});
  /** The active row and the selection of each table (this session only). */
  const active = reactive<Record<RowTab, number>>({ assessments: -1, comments: -1, scores: -1 });
  const selections = reactive<Record<RowTab, RowSelection>>({
    assessments: NO_SELECTION,
    comments: NO_SELECTION,
    scores: NO_SELECTION,
  });

  /** The account the state above belongs to (what a pending save writes under). */
  let owner: string | null = null;

  const query = (): QueryFilters => cleanFilters(filters.value);
  const sortOf = <S>(t: RowTab): S => tables[t].sort.map((k) => ({ ...k })) as S;

  const sources: { [T in RowTab]: RangeSource<TabRows[T]> } = {
    assessments: createRangeSource<AssessmentRow>({
      profileId: () => accounts.activeId,
      fetch: (profileId, offset, limit) =>
        qm.store.assessments({
          profileId,
          filters: query(),
          sort: sortOf<AssessmentQuery['sort']>('assessments'),
          offset,
          limit,
        }),
    }),
    comments: createRangeSource<CommentRow>({
      profileId: () => accounts.activeId,
      fetch: (profileId, offset, limit) =>
        qm.store.comments({
          profileId,
          filters: query(),
          sort: sortOf<CommentQuery['sort']>('comments'),
          offset,
          limit,
        }),
    }),
    scores: createRangeSource<AssessmentScoreRow>({
      profileId: () => accounts.activeId,
      fetch: (profileId, offset, limit) =>
        qm.store.scores({
          profileId,
          filters: query(),
          sort: sortOf<ScoreQuery['sort']>('scores'),
          offset,
          limit,
        }),
    }),
  };
  /** A table's rows (a function: a source holds its own refs, which the reactive store would unwrap). */
  const sourceOf = <T extends RowTab>(t: T): RangeSource<TabRows[T]> => sources[t];

  // ---- loading: only the table on screen asks, and only when its query changed -------------------

  const stale = new Set<RowTab>(ROW_TABS);
  const attached = ref<RowTab | null>(null);

  function invalidate(which: readonly RowTab[] = ROW_TABS): void {
    for (const t of which) stale.add(t);
    const shown = attached.value;
    if (shown && stale.has(shown)) {
      stale.delete(shown);
      void sources[shown].reload();
    }
  }

  /** A table came on screen; returns the function to call when it leaves. */
  function attach(t: RowTab): () => void {
    attached.value = t;
    invalidate([]);
    return () => {
      if (attached.value === t) attached.value = null;
    };
  }

  // ---- per-account state --------------------------------------------------------------------------

  function snapshot(): ReviewState {
    return {
      filters: query(),
      tab: tab.value,
      tables: JSON.parse(JSON.stringify(tables)) as Record<RowTab, TableLayout>,
      labels: labels.value,
    };
  }

  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  function flushSave(): void {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    if (owner) saveState(owner, snapshot());
  }
  function saveSoon(): void {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(flushSave, SAVE_DELAY_MS);
  }

  function adopt(profileId: string | null): void {
    flushSave();
    const state = profileId ? loadState(profileId) : defaultState();
    owner = profileId;
    filters.value = state.filters;
    tab.value = state.tab;
    for (const t of ROW_TABS) {
      tables[t] = state.tables[t];
      active[t] = -1;
      selections[t] = NO_SELECTION;
      sources[t].clear();
    }
    labels.value = state.labels;
    closeRow();
    views.value = [];
    viewsError.value = null;
    if (profileId && viewsWanted) void loadViews();
  }

  // ---- filters -------------------------------------------------------------------------------------

  function setFilter<K extends keyof QueryFilters>(key: K, value: QueryFilters[K] | undefined): void {
    const next: QueryFilters = { ...filters.value };
    if (value === undefined || (Array.isArray(value) && value.length === 0) || value === '') delete next[key];
    else next[key] = value;
    filters.value = cleanFilters(next);
  }

  function clearFilters(): void {
    filters.value = {};
  }

  /** Replaces the filters and shows that table: "the rows behind this number". */
  function showRows(rowTab: RowTab, next: QueryFilters): void {
    filters.value = cleanFilters(next);
    tab.value = rowTab;
  }

  const filterCount = computed(() => activeFields(filters.value).length);

  function rememberLabels(field: string, values: ReadonlyArray<{ value: string; label: string }>): void {
    const next = { ...labels.value };
    let changed = false;
    for (const v of values) {
      const key = labelKey(field, v.value);
      if (v.label && v.label !== v.value && next[key] !== v.label) {
        next[key] = v.label;
        changed = true;
      }
    }
    if (changed) labels.value = next;
  }

  const labelOf = (field: string, value: string): string => labels.value[labelKey(field, value)] ?? value;

  // ---- saved views ---------------------------------------------------------------------------------

  const views = ref<SavedView[]>([]);
  const viewsError = ref<ErrorBody | null>(null);
  /** Views load once something shows them (the filter bar), then follow the account. */
  let viewsWanted = false;

  async function loadViews(): Promise<void> {
    viewsWanted = true;
    const asked = accounts.activeId;
    if (!asked) return;
    const result = await qm.views.list({ profileId: asked });
    if (accounts.activeId !== asked) return;
    if (!result.ok) {
      viewsError.value = result.error;
      return;
    }
    if (result.data.profileId !== asked) return;
    viewsError.value = null;
    views.value = result.data.views;
  }

  async function saveView(name: string): Promise<boolean> {
    const asked = accounts.activeId;
    if (!asked) return false;
    const result = await qm.views.save({ profileId: asked, name, filters: query() });
    if (accounts.activeId !== asked) return false;
    if (!result.ok) {
      toasts.error(result.error, 'Saving the view');
      return false;
    }
    if (result.data.profileId === asked) views.value = result.data.views;
    toasts.success(`Saved the view “${name.trim()}”`);
    return true;
  }

  async function removeView(name: string): Promise<void> {
    const asked = accounts.activeId;
    if (!asked) return;
    const result = await qm.views.remove({ profileId: asked, name });
    if (accounts.activeId !== asked) return;
    if (!result.ok) {
      toasts.error(result.error, 'Removing the view');
      return;
    }
    if (result.data.profileId === asked) views.value = result.data.views;
  }

  function openView(view: SavedView): void {
    filters.value = cleanFilters(view.filters);
    if (tab.value === 'segments') tab.value = 'assessments';
  }

  // ---- detail drawer -------------------------------------------------------------------------------

  const drawer = ref<DrawerTarget | null>(null);
  const detail = shallowRef<RowDetail | null>(null);
  const detailError = shallowRef<ErrorBody | null>(null);
  const detailLoading = ref(false);
  let detailTicket = 0;

  async function openRow(kind: RowKind, sid: string): Promise<void> {
    const asked = accounts.activeId;
    if (!asked) return;
    const mine = ++detailTicket;
    drawer.value = { kind, sid };
    detailLoading.value = true;
    detailError.value = null;
    const result = await qm.store.row({ profileId: asked, kind, sid });
    if (mine !== detailTicket || accounts.activeId !== asked) return;
    detailLoading.value = false;
    if (!result.ok) {
      detail.value = null;
      detailError.value = result.error;
      return;
    }
    if (result.data.profileId !== asked) return;
    detail.value = result.data;
  }

  /**
   * Opens an assessment (a score row or a segment's other assessment): the drawer shows a row, so
   * this opens its first answered question, whose detail carries the whole assessment.
   */
  async function openAssessment(row: AssessmentScoreRow): Promise<void> {
    const asked = accounts.activeId;
    if (!asked) return;
    const mine = ++detailTicket;
    drawer.value = { kind: 'assessments', sid: row.assessmentKey };
    detailLoading.value = true;
    detailError.value = null;
    const narrowed: QueryFilters = {
      ...(row.segmentId ? { segmentIds: [row.segmentId] } : {}),
      ...(row.questionnaireSid ? { questionnaireSids: [row.questionnaireSid] } : {}),
      ...(row.assessor ? { assessors: [row.assessor] } : {}),
    };
    const result = await qm.store.assessments({
      profileId: asked,
      filters: narrowed,
      sort: [{ column: 'timestamp', dir: 'asc' }],
      offset: 0,
      limit: 1,
    });
    if (mine !== detailTicket || accounts.activeId !== asked) return;
    const first = result.ok && result.data.profileId === asked ? result.data.rows[0] : undefined;
    if (first) return openRow('assessments', first.sid);
    detailLoading.value = false;
    detail.value = null;
    detailError.value = result.ok
      ? {
          code: 'not_found',
          message: 'The answers of this assessment are not in the local store. Sync its segment again.',
        }
      : result.error;
  }

  function openTableRow(t: RowTab, row: AnyRow): Promise<void> {
    if (t === 'scores') return openAssessment(row as AssessmentScoreRow);
    return openRow(t, (row as AssessmentRow | CommentRow).sid);
  }

  function retryRow(): void {
    const target = drawer.value;
    if (target) void openRow(target.kind, target.sid);
  }

  function closeRow(): void {
    detailTicket++;
    drawer.value = null;
    detail.value = null;
    detailError.value = null;
    detailLoading.value = false;
  }

  // ---- copy ----------------------------------------------------------------------------------------

  /** Copies the selected rows (the shown columns, with a header) as TSV through main. */
  async function copyRows(t: RowTab, selection: RowSelection, columns: string[]): Promise<void> {
    const asked = accounts.activeId;
    const n = sizeOf(selection);
    if (!asked || n === 0 || !columns.length) return;
    if (n > MAX_COPY_ROWS) {
      toasts.push({
        kind: 'error',
        message: `Select at most ${MAX_COPY_ROWS.toLocaleString()} rows to copy (${n.toLocaleString()} are selected). Export takes any number.`,
      });
      return;
    }
    const keys: string[] = [];
    for (const [start, end] of selection.ranges) {
      const rows = await sources[t].rows(start, end);
      if (!rows) {
        toasts.push({
          kind: 'error',
          message: 'The rows changed while copying. Select them again and copy.',
        });
        return;
      }
      for (const row of rows) keys.push(String((row as unknown as Record<string, unknown>)[ROW_KEY[t]]));
    }
    if (accounts.activeId !== asked) return;
    const result = await qm.export.copyRows({ profileId: asked, kind: t, keys, columns, header: true });
    if (!result.ok) {
      toasts.error(result.error, 'Copying rows');
      return;
    }
    if (result.data.profileId !== asked) return;
    toasts.success(`Copied ${countText(result.data.rows, TAB_WORDS[t])} as tab-separated text`);
  }

  // ---- following the account, the queries and the syncs (after every declaration: `adopt` runs now) ----

  watch(() => accounts.activeId, adopt, { immediate: true });
  watch([filters, tab, () => tables, labels], saveSoon, { deep: true });
  // Closing the window (or disposing the store) writes what is pending.
  window.addEventListener('pagehide', flushSave);
  onScopeDispose(() => {
    window.removeEventListener('pagehide', flushSave);
    flushSave();
  });

  // A new query for a table (filters or its sort): back to the top, and reload when it is on screen.
  // After an account switch the restored position stands.
  for (const t of ROW_TABS) {
    watch(
      () => JSON.stringify([accounts.activeId, query(), tables[t].sort]),
      (next, previous) => {
        const switched = JSON.parse(next)[0] !== JSON.parse(previous)[0];
        if (!switched) {
          tables[t].offset = 0;
          active[t] = -1;
        }
        selections[t] = NO_SELECTION;
        invalidate([t]);
      },
    );
  }
  // A sync that ended changed the rows; one that is running shows its first rows in an empty table.
  watch(
    () => jobs.endedCount,
    () => invalidate(),
  );
  // The account's cache was cleared: no row is left, so nothing stays open or selected.
  watch(
    () => data.clearedCount,
    () => {
      closeRow();
      for (const t of ROW_TABS) {
        active[t] = -1;
        selections[t] = NO_SELECTION;
        tables[t].offset = 0;
        sources[t].clear();
      }
      invalidate();
      // Saved views live in the account's store too.
      views.value = [];
      if (viewsWanted) void loadViews();
    },
  );
  watch(
    () => [overview.overview?.assessments, overview.overview?.comments],
    () => {
      const shown = attached.value;
      if (shown && sources[shown].total.value === 0) invalidate();
    },
  );

  return {
    filters,
    tab,
    tables,
    active,
    selections,
    sourceOf,
    filterCount,
    setFilter,
    clearFilters,
    showRows,
    rememberLabels,
    labelOf,
    attach,
    views,
    viewsError,
    loadViews,
    saveView,
    removeView,
    openView,
    drawer,
    detail,
    detailError,
    detailLoading,
    openRow,
    openAssessment,
    openTableRow,
    retryRow,
    closeRow,
    copyRows,
  };
});

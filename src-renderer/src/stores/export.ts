import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import {
  ASSESSMENT_COLUMNS,
  COMMENT_COLUMNS,
  EXCEL_MAX_ROWS,
  SCORE_COLUMNS,
  type ErrorBody,
  type ExportKind,
  type ExportResult,
  type JobSnapshot,
  type QueryFilters,
} from '../../../src-preload/contract.ts';
import { qm } from '../api.ts';
import { COLUMN_DEFS, ROW_TABS, TAB_WORDS, type RowTab } from '../data/columns.ts';
import { cleanFilters } from '../data/filters.ts';
import { visibleDefs } from '../data/layout.ts';
import { countText } from '../sync/ids.ts';
import { useAccountsStore } from './accounts.ts';
import { useJobsStore } from './jobs.ts';
import { useReviewStore } from './review.ts';
import { useSettingsStore } from './settings.ts';
import { useToasts } from './toasts.ts';

/** What the Review view hands over: the table as the reviewer sees it. */
export interface ExportViewInput {
  kind: ExportKind;
  filters: QueryFilters;
  sort: ReadonlyArray<{ column: string; dir: 'asc' | 'desc' }>;
  /** The shown columns' ids, in table order. */
  columns: readonly string[];
  /** Rows the view holds (the table's count). */
  total: number;
}

export interface ExportColumnChoice {
  id: string;
  label: string;
  shown: boolean;
}

/** choose: the form; starting: waiting for the save dialog; then the job's own states. */
export type ExportStep = 'choose' | 'starting' | 'running' | 'done' | 'failed' | 'cancelled';

const VIEW_COLUMN_IDS: Record<ExportKind, readonly string[]> = {
  assessments: ASSESSMENT_COLUMNS,
  comments: COMMENT_COLUMNS,
  scores: SCORE_COLUMNS,
};

/** The raw epoch-ms twin of the view's date column (an export column the table does not have). */
export const TIMESTAMP_MS = 'timestampMs';

/** Every export column of a kind: the view's columns with the epoch-ms one right after the date. */
export function exportColumnIds(kind: ExportKind): string[] {
  return VIEW_COLUMN_IDS[kind].flatMap((id) => (id === 'timestamp' ? [id, TIMESTAMP_MS] : [id]));
}

export function columnLabel(kind: ExportKind, id: string): string {
  if (id === TIMESTAMP_MS) return 'Date (epoch ms)';
  const label = (COLUMN_DEFS[kind] as ReadonlyArray<{ key: string; label: string }>).find(
    (d) => d.key === id,
  )?.label;
  if (id === 'timestamp') return `${label ?? 'Date'} (UTC, ISO 8601)`;
  return label ?? id;
}

/**
 * The view's columns first, in its order and shown (the date with its epoch-ms twin), then every
 * other column of the kind, shown only with `allShown` (else the reviewer can add one).
 */
export function columnsFromView(
  kind: ExportKind,
  viewColumns: readonly string[],
  allShown = false,
): ExportColumnChoice[] {
  const all = exportColumnIds(kind);
  const known = new Set(all);
  const shown = viewColumns
    .filter((id, i) => known.has(id) && viewColumns.indexOf(id) === i)
    .flatMap((id) => (id === 'timestamp' ? [id, TIMESTAMP_MS] : [id]));
  const rest = all.filter((id) => !shown.includes(id));
  return [
    ...shown.map((id) => ({ id, label: columnLabel(kind, id), shown: true })),
    ...rest.map((id) => ({ id, label: columnLabel(kind, id), shown: allShown })),
  ];
}

/** Rows per file so every file opens whole in one Excel sheet. */
export const sheetRows = (header: boolean): number => EXCEL_MAX_ROWS - (header ? 1 : 0);

const SIZE = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** "620 bytes", "820 KB", "3.2 MB", "1.4 GB" */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${SIZE.format(bytes / 1024)} KB`;
  if (bytes < 1024 ** 3) return `${SIZE.format(bytes / 1024 ** 2)} MB`;
  return `${SIZE.format(bytes / 1024 ** 3)} GB`;
}

/** The file name without its folder, for one line of text. */
export const baseName = (path: string): string => path.split(/[\\/]/).pop() ?? path;

/**
 * The export dialog's state: what the view hands over (`open`), the reviewer's choices (columns,
 * header, BOM, formula guard, split), then the export job as main reports it (through the jobs
 * store, like a sync). The file's place comes from the save dialog main opens; this store never
 * sees a path until main answers with the result. An export that ends while the dialog is closed
 * is announced as a toast.
 */
export const useExportStore = defineStore('export', () => {
  const accounts = useAccountsStore();
  const jobs = useJobsStore();
  const toasts = useToasts();
  const settings = useSettingsStore();

  const isOpen = ref(false);
  const view = ref<ExportViewInput | null>(null);
  /** The account the dialog was opened for: every call names it, an answer for another is dropped. */
  const profileId = ref<string | null>(null);
  const columns = ref<ExportColumnChoice[]>([]);
  const header = ref(true);
  const bom = ref(true);
  const formulaGuard = ref(true);
  const split = ref(true);
  const step = ref<ExportStep>('choose');
  const error = ref<ErrorBody | null>(null);
  const jobId = ref<string | null>(null);
  /** The snapshot start answered; later ones come from the jobs store. */
  const first = ref<JobSnapshot | null>(null);
  const revealing = ref(false);

  const job = computed<JobSnapshot | null>(() =>
    jobId.value ? (jobs.snapshots[jobId.value] ?? first.value) : null,
  );
  const result = computed<ExportResult | null>(() =>
    job.value?.result?.kind === 'export' ? job.value.result : null,
  );
  const chosen = computed(() => columns.value.filter((c) => c.shown).map((c) => c.id));
  /** Over one Excel sheet (header row included): the dialog offers numbered files. */
  const overSheet = computed(() => (view.value?.total ?? 0) > sheetRows(header.value));
  const splitRows = computed(() => (overSheet.value && split.value ? sheetRows(header.value) : null));
  const files = computed(() =>
    splitRows.value === null ? 1 : Math.ceil((view.value?.total ?? 0) / splitRows.value),
  );
  const totalText = computed(() =>
    view.value ? countText(view.value.total, TAB_WORDS[view.value.kind]) : '',
  );

  function open(input: ExportViewInput): void {
    if (step.value === 'running' || step.value === 'starting') {
      // One export at a time from the dialog; the running one stays on screen.
      isOpen.value = true;
      return;
    }
    // Plain copies: the view's own (reactive) state may change while the dialog is open.
    view.value = {
      kind: input.kind,
      filters: JSON.parse(JSON.stringify(input.filters)) as QueryFilters,
      sort: input.sort.map(({ column, dir }) => ({ column, dir })),
      columns: [...input.columns],
      total: input.total,
    };
    profileId.value = accounts.activeId;
    // The export defaults of the settings; the reviewer can change them for this export.
    const defaults = settings.settings.export;
    columns.value = columnsFromView(input.kind, input.columns, defaults.columns === 'all');
    header.value = true;
    bom.value = defaults.bom;
    formulaGuard.value = defaults.formulaGuard;
    split.value = true;
    step.value = 'choose';
    error.value = null;
    jobId.value = null;
    first.value = null;
    isOpen.value = true;
  }

  /**
   * Opens the dialog for a Review table as it is on screen (default: the shown tab): its filters,
   * sort, shown columns in their order and row count. False when the shown tab is not a table.
   */
  function openReview(tab?: RowTab): boolean {
    const review = useReviewStore();
    const t = tab ?? ((ROW_TABS as readonly string[]).includes(review.tab) ? (review.tab as RowTab) : null);
    if (!t) return false;
    const layout = review.tables[t];
    open({
      kind: t,
      filters: cleanFilters(review.filters),
      sort: layout.sort,
      columns: visibleDefs(COLUMN_DEFS[t] as ReadonlyArray<{ key: string }>, layout).map((d) => d.key),
      total: review.sourceOf(t).total.value ?? 0,
    });
    return true;
  }

  function close(): void {
    isOpen.value = false;
  }

  function setShown(id: string, shown: boolean): void {
    if (!shown && chosen.value.length === 1 && chosen.value[0] === id) return;
    columns.value = columns.value.map((c) => (c.id === id ? { ...c, shown } : c));
  }

  function move(id: string, by: -1 | 1): void {
    const list = [...columns.value];
    const from = list.findIndex((c) => c.id === id);
    const to = from + by;
    if (from < 0 || to < 0 || to >= list.length) return;
    [list[from], list[to]] = [list[to]!, list[from]!];
    columns.value = list;
  }

  function resetColumns(): void {
    if (view.value) columns.value = columnsFromView(view.value.kind, view.value.columns);
  }

  /** Asks main to open the save dialog and start the export; stays on the form if the dialog was cancelled. */
  async function start(): Promise<void> {
    const input = view.value;
    const asked = profileId.value;
    if (!input || !asked || step.value === 'starting' || chosen.value.length === 0) return;
    step.value = 'starting';
    error.value = null;
    const answer = await qm.export.start({
      profileId: asked,
      kind: input.kind,
      filters: input.filters,
      sort: input.sort.map((k) => ({ ...k })),
      columns: chosen.value,
      options: {
        header: header.value,
        bom: bom.value,
        formulaGuard: formulaGuard.value,
        splitRows: splitRows.value,
      },
    });
    if (profileId.value !== asked) return;
    if (!answer.ok) {
      step.value = 'choose';
      error.value = answer.error;
      return;
    }
    if (answer.data === null) {
      step.value = 'choose';
      return;
    }
    if (answer.data.profileId !== asked) return;
    first.value = answer.data;
    jobId.value = answer.data.jobId;
    step.value = answer.data.state === 'running' ? 'running' : answer.data.state;
  }

  async function cancel(): Promise<void> {
    if (jobId.value && step.value === 'running') await jobs.cancel(jobId.value);
  }

  /** The finished export's file in the OS file manager (main knows the path; this store sends the job id). */
  async function reveal(): Promise<void> {
    if (!jobId.value || revealing.value) return;
    revealing.value = true;
    try {
      const answer = await qm.export.reveal({ jobId: jobId.value });
      if (!answer.ok) toasts.error(answer.error, 'Showing the export');
    } finally {
      revealing.value = false;
    }
  }

  /** "Exported 12,345 assessment records (3.2 MB)". */
  function doneText(r: ExportResult): string {
    const kind = view.value?.kind ?? 'assessments';
    const where = r.files.length > 1 ? ` in ${r.files.length} files` : '';
    return `Exported ${countText(r.rows, TAB_WORDS[kind])}${where} (${sizeText(r.bytes)})`;
  }

  // The job's end, as the jobs store hears it: the dialog shows it, or a toast when it is closed.
  watch(
    () => job.value?.state,
    (state) => {
      if (!state || state === 'running' || step.value !== 'running') return;
      step.value = state;
      if (isOpen.value || !job.value) return;
      if (state === 'done' && result.value)
        toasts.success(`${doneText(result.value)} to ${baseName(result.value.files[0]?.path ?? '')}`);
      else if (state === 'failed' && job.value.error) toasts.error(job.value.error, 'Exporting');
      else if (state === 'cancelled') toasts.info('Export cancelled. No file was written.');
    },
  );

  // Another account: the dialog and its job belong to the one it was opened for.
  watch(
    () => accounts.activeId,
    (id) => {
      if (profileId.value === null || id === profileId.value) return;
      // Its job goes on in main (the account's jobs show again when it is active); the dialog starts over.
      isOpen.value = false;
      step.value = 'choose';
      jobId.value = null;
      first.value = null;
      view.value = null;
      profileId.value = null;
    },
  );

  return {
    isOpen,
    view,
    profileId,
    columns,
    header,
    bom,
    formulaGuard,
    split,
    step,
    error,
    jobId,
    job,
    result,
    chosen,
    overSheet,
    splitRows,
    files,
    totalText,
    revealing,
    open,
    openReview,
    close,
    setShown,
    move,
    resetColumns,
    start,
    cancel,
    reveal,
    doneText,
  };
});

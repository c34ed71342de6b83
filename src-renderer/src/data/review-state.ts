import { z } from 'zod';
import { QueryFiltersSchema, type QueryFilters } from '../../../src-preload/contract.ts';
import { COLUMN_DEFS, ROW_TABS, type RowTab } from './columns.ts';
import { cleanFilters } from './filters.ts';
import { normaliseLayout, type TableLayout } from './layout.ts';

/** The Review tabs: the three row tables, and the stored segments. */
export const REVIEW_TABS = [...ROW_TABS, 'segments'] as const;
export type ReviewTab = (typeof REVIEW_TABS)[number];

/** What the Review view remembers for one account, between views and between runs. */
export interface ReviewState {
  filters: QueryFilters;
  tab: ReviewTab;
  tables: Record<RowTab, TableLayout>;
  /** Readable names of filter values ("Greeted the customer" for a question SID), by labelKey. */
  labels: Record<string, string>;
}

export const labelKey = (field: string, value: string): string => `${field}:${value}`;

const STORAGE_PREFIX = 'qm-desk.review.v1.';
const MAX_LABELS = 500;

const LayoutSchema = z
  .object({
    order: z.array(z.string().max(64)).max(64).catch([]),
    hidden: z.array(z.string().max(64)).max(64).catch([]),
    widths: z.record(z.string().max(64), z.number()).catch({}),
    sort: z
      .array(z.object({ column: z.string().max(64), dir: z.enum(['asc', 'desc']) }))
      .max(3)
      .catch([]),
    offset: z.number().min(0).catch(0),
  })
  .partial();

/** localStorage is outside input like any other: every part is checked, a bad part falls back alone. */
const StoredSchema = z.object({
  filters: QueryFiltersSchema.catch({}),
  tab: z.enum(REVIEW_TABS).catch('assessments'),
  tables: z.record(z.string(), LayoutSchema.catch({})).catch({}),
  labels: z.record(z.string().max(600), z.string().max(600)).catch({}),
});

export function defaultState(): ReviewState {
  return {
    filters: {},
    tab: 'assessments',
    tables: Object.fromEntries(
      ROW_TABS.map((t) => [t, normaliseLayout(undefined, COLUMN_DEFS[t])]),
    ) as Record<RowTab, TableLayout>,
    labels: {},
  };
}

export function loadState(
  profileId: string,
  storage: Storage | undefined = globalThis.localStorage,
): ReviewState {
  let raw: unknown;
  try {
    const text = storage?.getItem(STORAGE_PREFIX + profileId);
    raw = text ? JSON.parse(text) : null;
  } catch {
    raw = null;
  }
  const parsed = StoredSchema.safeParse(raw);
  if (!parsed.success) return defaultState();
  const { filters, tab, tables, labels } = parsed.data;
  return {
    filters: cleanFilters(filters),
    tab,
    tables: Object.fromEntries(
      ROW_TABS.map((t) => [
        t,
        normaliseLayout(tables[t] as Partial<TableLayout> | undefined, COLUMN_DEFS[t]),
      ]),
    ) as Record<RowTab, TableLayout>,
    labels,
  };
}

export function saveState(
  profileId: string,
  state: ReviewState,
  storage: Storage | undefined = globalThis.localStorage,
): void {
  const labels = Object.fromEntries(Object.entries(state.labels).slice(-MAX_LABELS));
  try {
    storage?.setItem(STORAGE_PREFIX + profileId, JSON.stringify({ ...state, labels }));
  } catch {
    // A full or disabled storage only costs the memory across restarts; the session keeps it.
  }
}

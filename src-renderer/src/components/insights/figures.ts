import type { Drill } from '../../insights/drill.ts';

/** A column of a FigureTable. */
export interface FigureColumn<R> {
  key: string;
  label: string;
  /** What the column means, on hover over its header. */
  hint?: string;
  numeric?: boolean;
  /** A CSS width ('120px'); numbers default to 116px, text columns share what is left. */
  width?: string;
  /** The text is an ID: monospace, shortened in the middle, whole on hover and copy. */
  id?: boolean;
  text: (row: R) => string;
  title?: (row: R) => string | undefined;
  /** The rows behind this cell; the cell becomes a button that opens them. */
  drill?: (row: R) => Drill | null;
  /** The button's accessible name ("Open the 12 assessments of week of 3 Mar"). */
  drillLabel?: (row: R) => string;
  /** Extra class for the cell (a trend's direction). */
  tone?: (row: R) => string | undefined;
}

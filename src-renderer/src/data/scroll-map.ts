/**
 * Where a virtual table's rows are, for any number of rows.
 *
 * Below MAX_SCROLL_HEIGHT the scroll box is one pixel per pixel. Above it (about half a million
 * rows of 30 px) Chromium cannot lay the box out, so the box is capped and its scroll position
 * maps proportionally onto the rows: "offset" is the position in the full list (in pixels of
 * rows), "scrollTop" the position in the capped box. Both ends map exactly (the first and the
 * last row are reachable), and a position set by the table (keyboard, restore) is kept exactly
 * rather than recomputed from the rounded scrollTop.
 */

/** Well under Chromium's ~33.5M px layout limit, so zoom and rounding never reach it. */
export const MAX_SCROLL_HEIGHT = 15_000_000;
/** The DOM never holds more rows than this, whatever the viewport. */
export const MAX_RENDERED_ROWS = 200;
/** Scroll positions this close to an end are that end (browsers round scrollTop). */
const END_SNAP_PX = 1;
const EPSILON = 1e-6;

export interface ScrollGeometry {
  count: number;
  rowHeight: number;
  /** Height that shows rows (the scroll box without its sticky header). */
  viewport: number;
  /** Cap on the scroll box height (tests use a small one). */
  maxHeight?: number;
}

const clamp = (value: number, min: number, max: number): number => Math.min(Math.max(value, min), max);

/** Height of all rows, one pixel per pixel. */
export const contentHeight = (g: ScrollGeometry): number => Math.max(0, g.count) * g.rowHeight;

/** Height the scroll box lays out for the rows. */
export const scrollHeight = (g: ScrollGeometry): number =>
  Math.min(contentHeight(g), g.maxHeight ?? MAX_SCROLL_HEIGHT);

export const isScaled = (g: ScrollGeometry): boolean => contentHeight(g) > scrollHeight(g);

/** Largest offset: the last row's bottom at the viewport's bottom. */
export const maxOffset = (g: ScrollGeometry): number => Math.max(0, contentHeight(g) - g.viewport);

export const maxScrollTop = (g: ScrollGeometry): number => Math.max(0, scrollHeight(g) - g.viewport);

export const clampOffset = (offset: number, g: ScrollGeometry): number => clamp(offset, 0, maxOffset(g));

/** The offset in the list that a scroll position of the box stands for. */
export function offsetAt(scrollTop: number, g: ScrollGeometry): number {
  if (!isScaled(g)) return clampOffset(scrollTop, g);
  const top = maxScrollTop(g);
  if (scrollTop <= END_SNAP_PX || top <= 0) return 0;
  if (scrollTop >= top - END_SNAP_PX) return maxOffset(g);
  return (scrollTop / top) * maxOffset(g);
}

/** The scroll position of the box that shows the list at `offset`. */
export function scrollTopAt(offset: number, g: ScrollGeometry): number {
  const at = clampOffset(offset, g);
  if (!isScaled(g)) return at;
  const max = maxOffset(g);
  return max <= 0 ? 0 : (at / max) * maxScrollTop(g);
}

/** Rows in view at `offset`, plus `overscan` on each side, inclusive; end < start when there are none. */
export function rowsInView(
  offset: number,
  g: ScrollGeometry,
  overscan: number,
): { start: number; end: number } {
  if (g.count <= 0 || g.rowHeight <= 0) return { start: 0, end: -1 };
  const at = clampOffset(offset, g);
  // (A proportional offset carries float error: 499999.9999999 rows is row 500000.)
  const first = Math.floor(at / g.rowHeight + EPSILON);
  const last = Math.ceil((at + Math.max(g.viewport, 0)) / g.rowHeight - EPSILON) - 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(g.count - 1, Math.max(last, first) + overscan, start + MAX_RENDERED_ROWS - 1);
  return { start, end };
}

/** The offset that brings row `index` fully into view, moving as little as possible. */
export function offsetToReveal(index: number, offset: number, g: ScrollGeometry): number {
  const top = index * g.rowHeight;
  const bottom = top + g.rowHeight;
  if (top < offset) return clampOffset(top, g);
  if (bottom > offset + g.viewport) return clampOffset(bottom - g.viewport, g);
  return clampOffset(offset, g);
}

/** A row's top inside the scroll box's row area, given the list offset and the box's scrollTop. */
export const rowTop = (index: number, offset: number, scrollTop: number, g: ScrollGeometry): number =>
  index * g.rowHeight - offset + scrollTop;

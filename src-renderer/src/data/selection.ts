/**
 * Selected rows of a virtual table, as sorted, disjoint index ranges (a million rows selected
 * with Shift+End is one range, not a million entries). `anchor` is where Shift-extension starts.
 */
export interface RowSelection {
  readonly ranges: ReadonlyArray<readonly [number, number]>;
  readonly anchor: number;
}

export const NO_SELECTION: RowSelection = { ranges: [], anchor: -1 };

function normalise(ranges: Array<readonly [number, number]>): Array<readonly [number, number]> {
  const sorted = ranges
    .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const)
    .sort((x, y) => x[0] - y[0]);
  const out: Array<readonly [number, number]> = [];
  for (const range of sorted) {
    const last = out.at(-1);
    if (last && range[0] <= last[1] + 1) out[out.length - 1] = [last[0], Math.max(last[1], range[1])];
    else out.push(range);
  }
  return out;
}

/** Just this row (a click, an arrow key). */
export const selectOnly = (index: number): RowSelection =>
  index < 0 ? NO_SELECTION : { ranges: [[index, index]], anchor: index };

/** From the anchor to this row (Shift+click, Shift+arrows); the anchor stays. */
export function extendTo(selection: RowSelection, index: number): RowSelection {
  const anchor = selection.anchor < 0 ? index : selection.anchor;
  return { ranges: [[Math.min(anchor, index), Math.max(anchor, index)]], anchor };
}

export const has = (selection: RowSelection, index: number): boolean =>
  selection.ranges.some(([a, b]) => index >= a && index <= b);

/** Adds or removes one row (Ctrl/Cmd+click, Space); it becomes the anchor. */
export function toggle(selection: RowSelection, index: number): RowSelection {
  if (!has(selection, index))
    return { ranges: normalise([...selection.ranges, [index, index]]), anchor: index };
  const ranges: Array<readonly [number, number]> = [];
  for (const [a, b] of selection.ranges) {
    if (index < a || index > b) ranges.push([a, b]);
    else {
      if (a < index) ranges.push([a, index - 1]);
      if (index < b) ranges.push([index + 1, b]);
    }
  }
  return { ranges, anchor: index };
}

export const selectAll = (count: number): RowSelection =>
  count > 0 ? { ranges: [[0, count - 1]], anchor: 0 } : NO_SELECTION;

export const sizeOf = (selection: RowSelection): number =>
  selection.ranges.reduce((n, [a, b]) => n + b - a + 1, 0);

/** Ranges cut to the first `count` rows (the list shrank). */
export function clip(selection: RowSelection, count: number): RowSelection {
  const ranges = selection.ranges
    .filter(([a]) => a < count)
    .map(([a, b]) => [a, Math.min(b, count - 1)] as const);
  return ranges.length ? { ranges, anchor: Math.min(selection.anchor, count - 1) } : NO_SELECTION;
}

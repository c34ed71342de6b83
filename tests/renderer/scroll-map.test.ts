import { describe, expect, it } from 'vitest';
import {
  MAX_RENDERED_ROWS,
  MAX_SCROLL_HEIGHT,
  isScaled,
  maxOffset,
  maxScrollTop,
  offsetAt,
  offsetToReveal,
  rowTop,
  rowsInView,
  scrollHeight,
  scrollTopAt,
  type ScrollGeometry,
} from '../../src-renderer/src/data/scroll-map.ts';

const ROW = 30;
const VIEWPORT = 600;
const geometry = (count: number): ScrollGeometry => ({ count, rowHeight: ROW, viewport: VIEWPORT });
/** Chromium lays out at most about this many px in one box. */
const CHROMIUM_LIMIT = 33_554_428;

describe('scroll mapping', () => {
  it('is one pixel per pixel while the rows fit', () => {
    const g = geometry(10_000);
    expect(isScaled(g)).toBe(false);
    expect(scrollHeight(g)).toBe(10_000 * ROW);
    expect(offsetAt(12_345, g)).toBe(12_345);
    expect(scrollTopAt(12_345, g)).toBe(12_345);
    expect(rowsInView(12_345, g, 0)).toEqual({ start: 411, end: 431 });
  });

  it('caps the box for a million rows, under what Chromium can lay out', () => {
    const g = geometry(1_000_000);
    expect(isScaled(g)).toBe(true);
    expect(scrollHeight(g)).toBe(MAX_SCROLL_HEIGHT);
    expect(MAX_SCROLL_HEIGHT).toBeLessThan(CHROMIUM_LIMIT);
    // A plain box would need twice what the capped one holds.
    expect(1_000_000 * ROW).toBeGreaterThan(MAX_SCROLL_HEIGHT);
  });

  for (const count of [1_000_000, 10_000_000, 123_456_789]) {
    it(`reaches the first and the last of ${count.toLocaleString('en-US')} rows exactly`, () => {
      const g = geometry(count);
      expect(offsetAt(0, g)).toBe(0);
      expect(rowsInView(offsetAt(0, g), g, 0).start).toBe(0);

      const bottom = offsetAt(maxScrollTop(g), g);
      expect(bottom).toBe(count * ROW - VIEWPORT);
      const { start, end } = rowsInView(bottom, g, 0);
      expect(end).toBe(count - 1);
      expect(end - start + 1).toBe(VIEWPORT / ROW);
      // The last row's bottom sits exactly on the viewport's bottom.
      const top = rowTop(count - 1, bottom, maxScrollTop(g), g) - maxScrollTop(g);
      expect(top + ROW).toBe(VIEWPORT);
      // Browsers round scrollTop: a position a fraction short of the end is still the end.
      expect(offsetAt(maxScrollTop(g) - 0.5, g)).toBe(bottom);
      expect(offsetAt(0.4, g)).toBe(0);
    });
  }

  it('maps the middle proportionally, both ways', () => {
    const g = geometry(1_000_000);
    const half = maxScrollTop(g) / 2;
    expect(offsetAt(half, g)).toBeCloseTo(maxOffset(g) / 2, 6);
    const row = 500_000;
    const offset = row * ROW;
    expect(offsetAt(scrollTopAt(offset, g), g)).toBeCloseTo(offset, 6);
    expect(rowsInView(offsetAt(scrollTopAt(offset, g), g), g, 0).start).toBe(row);
    // Scrolling monotonically moves monotonically through the rows.
    let last = -1;
    for (let top = 0; top <= maxScrollTop(g); top += maxScrollTop(g) / 97) {
      const first = rowsInView(offsetAt(top, g), g, 0).start;
      expect(first).toBeGreaterThanOrEqual(last);
      last = first;
    }
  });

  it('keeps overscan inside the list and never renders more than the cap', () => {
    const g = geometry(1_000_000);
    expect(rowsInView(0, g, 8)).toEqual({ start: 0, end: VIEWPORT / ROW - 1 + 8 });
    const end = rowsInView(maxOffset(g), g, 8);
    expect(end.end).toBe(999_999);
    expect(end.start).toBe(1_000_000 - VIEWPORT / ROW - 8);
    const huge = { ...g, viewport: 20_000 };
    const range = rowsInView(0, huge, 8);
    expect(range.end - range.start + 1).toBe(MAX_RENDERED_ROWS);
    expect(rowsInView(0, geometry(0), 8)).toEqual({ start: 0, end: -1 });
  });

  it('reveals a row with the least movement, clamped to the ends', () => {
    const g = geometry(1_000_000);
    expect(offsetToReveal(10, 0, g)).toBe(0);
    expect(offsetToReveal(25, 0, g)).toBe(26 * ROW - VIEWPORT);
    expect(offsetToReveal(3, 300, g)).toBe(90);
    expect(offsetToReveal(999_999, 0, g)).toBe(maxOffset(g));
  });

  it('places rows near the box position whatever the scale', () => {
    const g = geometry(1_000_000);
    const scrollTop = scrollTopAt(400_000 * ROW, g);
    const offset = offsetAt(scrollTop, g);
    const first = rowsInView(offset, g, 0).start;
    const y = rowTop(first, offset, scrollTop, g) - scrollTop;
    expect(y).toBeLessThanOrEqual(0);
    expect(y).toBeGreaterThan(-ROW);
  });
});

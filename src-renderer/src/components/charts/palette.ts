import { onMounted, shallowRef, watch, type ShallowRef } from 'vue';
import { useThemeStore } from '../../stores/theme.ts';
// The tokens ship with the app, not with the chart chunk: they must be there when a chart reads them.
import './chart-tokens.css';

/** The colours a chart is drawn with, read from the CSS tokens of the theme in effect. */
export interface ChartPalette {
  text: string;
  textMuted: string;
  grid: string;
  axis: string;
  background: string;
  tooltipBg: string;
  bar: string;
  barMuted: string;
  positive: string;
  negative: string;
  /** Best to worst, for answers ranked by their score. */
  ranks: readonly string[];
  none: string;
  font: string;
}

/** The light theme's values: what a chart uses where the tokens cannot be read (tests). */
export const LIGHT_PALETTE: ChartPalette = {
  text: '#18181b',
  textMuted: '#4f4f57',
  grid: '#e4e4e7',
  axis: '#c9c9cf',
  background: '#ffffff',
  tooltipBg: '#f7f7f8',
  bar: '#2563eb',
  barMuted: '#93a4c3',
  positive: '#15803d',
  negative: '#c2410c',
  ranks: ['#1d4ed8', '#0e7490', '#4d7c0f', '#a16207', '#b91c1c'],
  none: '#8a8a93',
  font: 'system-ui, sans-serif',
};

/** Reads the palette off `<html>` (the tokens switch with its data-theme). */
export function readPalette(root: HTMLElement = document.documentElement): ChartPalette {
  const style = getComputedStyle(root);
  const token = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const d = LIGHT_PALETTE;
  return {
    text: token('--text', d.text),
    textMuted: token('--text-muted', d.textMuted),
    grid: token('--border', d.grid),
    axis: token('--border-strong', d.axis),
    background: token('--bg', d.background),
    tooltipBg: token('--surface', d.tooltipBg),
    bar: token('--chart-bar', d.bar),
    barMuted: token('--chart-bar-muted', d.barMuted),
    positive: token('--chart-positive', d.positive),
    negative: token('--chart-negative', d.negative),
    ranks: [
      token('--chart-best', d.ranks[0]!),
      token('--chart-2', d.ranks[1]!),
      token('--chart-3', d.ranks[2]!),
      token('--chart-4', d.ranks[3]!),
      token('--chart-worst', d.ranks[4]!),
    ],
    none: token('--chart-none', d.none),
    font: token('--font-ui', d.font),
  };
}

/**
 * The palette of the theme in effect, read again after every theme change (once the new
 * data-theme is on `<html>`), so charts re-draw in the new colours.
 */
export function useChartPalette(): ShallowRef<ChartPalette> {
  const theme = useThemeStore();
  const palette = shallowRef<ChartPalette>(LIGHT_PALETTE);
  onMounted(() => (palette.value = readPalette()));
  watch(
    () => theme.effective,
    () => (palette.value = readPalette()),
    { flush: 'post' },
  );
  return palette;
}

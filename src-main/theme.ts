/**
 * The window's own colour before and between paints, so a dark-theme reviewer never sees a white
 * flash (and the reverse). No Electron import: index.ts passes nativeTheme and the windows in.
 */
import type { Theme } from '../src-preload/contract.ts';

/** The `--bg` token of each theme in src-renderer/src/styles/tokens.css (a test keeps them equal). */
export const WINDOW_BACKGROUND = { light: '#ffffff', dark: '#17171a' } as const;

/** The background for a theme setting; 'system' follows the OS. */
export function windowBackground(theme: Theme, systemDark: boolean): string {
  const dark = theme === 'dark' || (theme === 'system' && systemDark);
  return dark ? WINDOW_BACKGROUND.dark : WINDOW_BACKGROUND.light;
}

/** The parts of Electron's nativeTheme and BrowserWindow that theming touches. */
export interface ThemeTarget {
  nativeTheme: { themeSource: Theme; readonly shouldUseDarkColors: boolean };
  windows(): Array<{ isDestroyed(): boolean; setBackgroundColor(colour: string): void }>;
}

/**
 * Makes Electron follow the setting (native menus, dialogs, `prefers-color-scheme`) and repaints
 * every open window. Answers the colour, for a window about to be created.
 */
export function applyTheme(theme: Theme, target: ThemeTarget): string {
  target.nativeTheme.themeSource = theme;
  return repaintWindows(target);
}

/** Repaints the windows for the current themeSource (also when the OS flips while on 'system'). */
export function repaintWindows(target: ThemeTarget): string {
  const { themeSource, shouldUseDarkColors } = target.nativeTheme;
  const colour = windowBackground(themeSource, shouldUseDarkColors);
  for (const win of target.windows()) if (!win.isDestroyed()) win.setBackgroundColor(colour);
  return colour;
}

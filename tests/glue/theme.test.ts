import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyTheme, repaintWindows, WINDOW_BACKGROUND, windowBackground } from '../../src-main/theme.ts';
import type { Theme } from '../../src-preload/contract.ts';

/** The `--bg` value inside the first CSS block whose selector is exactly `selector`. */
function bgToken(css: string, selector: string): string | undefined {
  const start = css.indexOf(`${selector} {`);
  if (start < 0) return undefined;
  const block = css.slice(start, css.indexOf('}', start));
  return /--bg:\s*([^;]+);/.exec(block)?.[1]?.trim();
}

/** nativeTheme as Electron behaves: light/dark force the answer, 'system' follows the OS. */
function fakeNativeTheme(osDark: boolean) {
  return {
    themeSource: 'system' as Theme,
    get shouldUseDarkColors() {
      return this.themeSource === 'system' ? osDark : this.themeSource === 'dark';
    },
  };
}

function fakeWindow(destroyed = false) {
  const painted: string[] = [];
  return { painted, isDestroyed: () => destroyed, setBackgroundColor: (c: string) => painted.push(c) };
}

describe('window background for the theme', () => {
  it('is the renderer’s own --bg token of each theme (no flash between the window and the page)', async () => {
    const css = await readFile(join(import.meta.dirname, '../../src-renderer/src/styles/tokens.css'), 'utf8');
    expect(WINDOW_BACKGROUND.light).toBe(bgToken(css, ':root'));
    expect(WINDOW_BACKGROUND.dark).toBe(bgToken(css, ":root[data-theme='dark']"));
  });

  it('follows the setting, and the OS only for system', () => {
    expect(windowBackground('light', true)).toBe(WINDOW_BACKGROUND.light);
    expect(windowBackground('dark', false)).toBe(WINDOW_BACKGROUND.dark);
    expect(windowBackground('system', true)).toBe(WINDOW_BACKGROUND.dark);
    expect(windowBackground('system', false)).toBe(WINDOW_BACKGROUND.light);
  });

  it('applyTheme sets the theme source, repaints every live window and answers the colour', () => {
    const nativeTheme = fakeNativeTheme(true);
    const [a, b, gone] = [fakeWindow(), fakeWindow(), fakeWindow(true)];
    const target = { nativeTheme, windows: () => [a, b, gone] };
    expect(applyTheme('light', target)).toBe(WINDOW_BACKGROUND.light);
    expect(nativeTheme.themeSource).toBe('light');
    expect(applyTheme('system', target)).toBe(WINDOW_BACKGROUND.dark);
    expect(nativeTheme.themeSource).toBe('system');
    expect(a.painted).toEqual([WINDOW_BACKGROUND.light, WINDOW_BACKGROUND.dark]);
    expect(b.painted).toEqual(a.painted);
    expect(gone.painted).toEqual([]);
  });

  it('repaintWindows follows an OS change while the setting is system', () => {
    let osDark = false;
    const nativeTheme = {
      themeSource: 'system' as Theme,
      get shouldUseDarkColors() {
        return osDark;
      },
    };
    const win = fakeWindow();
    repaintWindows({ nativeTheme, windows: () => [win] });
    osDark = true;
    repaintWindows({ nativeTheme, windows: () => [win] });
    expect(win.painted).toEqual([WINDOW_BACKGROUND.light, WINDOW_BACKGROUND.dark]);
  });
});

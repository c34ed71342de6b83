import { defineStore } from 'pinia';
import { computed, ref, watchEffect } from 'vue';
import type { Theme } from '../../../src-preload/contract.ts';
import { useSettingsStore } from './settings.ts';

export type EffectiveTheme = 'light' | 'dark';

const DARK_QUERY = '(prefers-color-scheme: dark)';

/**
 * The theme setting (system | light | dark, one of the settings saved in main) and the theme in
 * effect, which is written to `<html data-theme>` so the CSS tokens follow it.
 */
export const useThemeStore = defineStore('theme', () => {
  const settings = useSettingsStore();
  const theme = computed<Theme>(() => settings.settings.theme);
  const systemDark = ref(window.matchMedia?.(DARK_QUERY).matches ?? false);
  const effective = computed<EffectiveTheme>(() =>
    theme.value === 'system' ? (systemDark.value ? 'dark' : 'light') : theme.value,
  );

  watchEffect(() => {
    document.documentElement.dataset.theme = effective.value;
  });

  let stop: (() => void) | null = null;

  /** Reads the settings (the theme among them), follows the OS preference and changes made elsewhere. */
  async function start(): Promise<void> {
    if (!stop) {
      const media = window.matchMedia?.(DARK_QUERY);
      const onMedia = (e: MediaQueryListEvent): void => void (systemDark.value = e.matches);
      if (media) {
        systemDark.value = media.matches;
        media.addEventListener('change', onMedia);
      }
      stop = () => {
        media?.removeEventListener('change', onMedia);
        settings.dispose();
      };
    }
    await settings.start();
  }

  function dispose(): void {
    stop?.();
    stop = null;
  }

  /** Applies at once; goes back to the saved theme if main could not save it. */
  async function setTheme(next: Theme): Promise<void> {
    await settings.update({ theme: next });
  }

  return { theme, systemDark, effective, start, dispose, setTheme };
});

import { defineStore } from 'pinia';
import { computed, ref, watchEffect } from 'vue';
import type { Theme } from '../../../src-preload/contract.ts';
import { orToast, qm } from '../api.ts';

export type EffectiveTheme = 'light' | 'dark';

const DARK_QUERY = '(prefers-color-scheme: dark)';

/**
 * The theme setting (system | light | dark, saved in main) and the theme in effect, which is
 * written to `<html data-theme>` so the CSS tokens follow it.
 */
export const useThemeStore = defineStore('theme', () => {
  const theme = ref<Theme>('system');
  const systemDark = ref(window.matchMedia?.(DARK_QUERY).matches ?? false);
  const effective = computed<EffectiveTheme>(() =>
    theme.value === 'system' ? (systemDark.value ? 'dark' : 'light') : theme.value,
  );

  watchEffect(() => {
    document.documentElement.dataset.theme = effective.value;
  });

  let stop: (() => void) | null = null;

  /** Reads the saved theme, follows the OS preference and settings changed elsewhere. */
  async function start(): Promise<void> {
    if (!stop) {
      const media = window.matchMedia?.(DARK_QUERY);
      const onMedia = (e: MediaQueryListEvent): void => void (systemDark.value = e.matches);
      if (media) {
        systemDark.value = media.matches;
        media.addEventListener('change', onMedia);
      }
      const off = qm.on('settings.changed', (settings) => void (theme.value = settings.theme));
      stop = () => {
        media?.removeEventListener('change', onMedia);
        off();
      };
    }
    const settings = orToast(await qm.settings.get(), 'Reading settings');
    if (settings) theme.value = settings.theme;
  }

  function dispose(): void {
    stop?.();
    stop = null;
  }

  /** Applies at once; goes back to the previous theme if main could not save it. */
  let saving = 0;
  async function setTheme(next: Theme): Promise<void> {
    const previous = theme.value;
    const call = ++saving;
    theme.value = next;
    const saved = orToast(await qm.settings.update({ theme: next }), 'Saving the theme');
    // A later choice wins over the answer to an earlier one.
    if (call === saving) theme.value = saved ? saved.theme : previous;
  }

  return { theme, systemDark, effective, start, dispose, setTheme };
});

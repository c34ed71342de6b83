import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { useThemeStore } from '../../src-renderer/src/stores/theme.ts';
import { useToasts } from '../../src-renderer/src/stores/toasts.ts';
import SettingsView from '../../src-renderer/src/views/SettingsView.vue';
import { createFakeQm, fail, settingsOf, type FakeQm } from './fake-qm.ts';

/** A controllable prefers-color-scheme: dark media query. */
function fakeDarkQuery(initial: boolean) {
  const listeners = new Set<(e: MediaQueryListEvent) => void>();
  const query = {
    matches: initial,
    addEventListener: (_: string, l: (e: MediaQueryListEvent) => void) => listeners.add(l),
    removeEventListener: (_: string, l: (e: MediaQueryListEvent) => void) => listeners.delete(l),
  };
  vi.spyOn(window, 'matchMedia').mockImplementation(() => query as unknown as MediaQueryList);
  return {
    set(matches: boolean) {
      query.matches = matches;
      listeners.forEach((l) => l({ matches } as MediaQueryListEvent));
    },
    listenerCount: () => listeners.size,
  };
}

const htmlTheme = (): string | undefined => document.documentElement.dataset.theme;

let fake: FakeQm;

beforeEach(() => {
  setActivePinia(createPinia());
  delete document.documentElement.dataset.theme;
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('theme store', () => {
  it('applies the saved theme to <html data-theme>', async () => {
    fakeDarkQuery(false);
    fake = createFakeQm({ settings: { theme: 'dark' } }).install();
    const theme = useThemeStore();
    await theme.start();
    await nextTick();
    expect(fake.api.settings.get).toHaveBeenCalledTimes(1);
    expect(htmlTheme()).toBe('dark');
  });

  it('follows the OS while the setting is "system", and stops following on dispose', async () => {
    const os = fakeDarkQuery(false);
    fake = createFakeQm({ settings: { theme: 'system' } }).install();
    const theme = useThemeStore();
    await theme.start();
    await nextTick();
    expect(htmlTheme()).toBe('light');
    os.set(true);
    await nextTick();
    expect(htmlTheme()).toBe('dark');
    theme.dispose();
    expect(os.listenerCount()).toBe(0);
    expect(fake.listenerCount('settings.changed')).toBe(0);
  });

  it('saves a choice through settings.update and applies it at once', async () => {
    fakeDarkQuery(true);
    fake = createFakeQm({ settings: { theme: 'system' } }).install();
    const theme = useThemeStore();
    await theme.start();
    await nextTick();
    expect(htmlTheme()).toBe('dark');
    const saving = theme.setTheme('light');
    await nextTick();
    expect(htmlTheme()).toBe('light');
    await saving;
    expect(fake.api.settings.update).toHaveBeenCalledWith({ theme: 'light' });
    expect(theme.theme).toBe('light');
  });

  it('goes back to the previous theme and shows a toast when saving fails', async () => {
    fakeDarkQuery(false);
    fake = createFakeQm({ settings: { theme: 'light' } }).install();
    fake.api.settings.update.mockResolvedValueOnce(fail('internal', 'QM Desk could not save settings.'));
    const theme = useThemeStore();
    await theme.start();
    await theme.setTheme('dark');
    await nextTick();
    expect(theme.theme).toBe('light');
    expect(htmlTheme()).toBe('light');
    expect(useToasts().toasts.map((t) => t.message)).toEqual(['QM Desk could not save settings.']);
  });

  it('takes a theme changed elsewhere from the settings.changed event', async () => {
    fakeDarkQuery(false);
    fake = createFakeQm({ settings: { theme: 'light' } }).install();
    const theme = useThemeStore();
    await theme.start();
    fake.emit('settings.changed', settingsOf({ theme: 'dark' }));
    await nextTick();
    expect(htmlTheme()).toBe('dark');
  });

  it('the Settings select saves the theme', async () => {
    fakeDarkQuery(false);
    fake = createFakeQm({ settings: { theme: 'system' } }).install();
    const pinia = createPinia();
    setActivePinia(pinia);
    await useThemeStore().start();
    const w = mount(SettingsView, { global: { plugins: [pinia] } });
    await w.find('[data-testid="theme-select"]').setValue('dark');
    await flushPromises();
    expect(fake.api.settings.update).toHaveBeenCalledWith({ theme: 'dark' });
    expect(htmlTheme()).toBe('dark');
    w.unmount();
  });
});

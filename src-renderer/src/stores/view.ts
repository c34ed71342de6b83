import { defineStore } from 'pinia';
import { ref } from 'vue';

/** In nav order; Ctrl/Cmd+1..n follow it (shortcuts.ts reads this list). */
export const VIEWS = ['review', 'agents', 'calibration', 'accounts', 'settings'] as const;
export type ViewName = (typeof VIEWS)[number];

export const VIEW_LABELS: Record<ViewName, string> = {
  review: 'Review',
  agents: 'Agents',
  calibration: 'Calibration',
  accounts: 'Accounts',
  settings: 'Settings',
};

/**
 * Which view the main area shows (the app has no router: a handful of views, one window), plus
 * the requests that global shortcuts make of components they do not own.
 */
export const useViewStore = defineStore('view', () => {
  const current = ref<ViewName>('review');
  const switcherOpen = ref(false);
  /** Bumped by the `/` shortcut; the Review view watches it and focuses its search box. */
  const searchFocusTick = ref(0);

  function show(view: ViewName): void {
    current.value = view;
  }

  function requestSearchFocus(): void {
    searchFocusTick.value++;
  }

  return { current, switcherOpen, searchFocusTick, show, requestSearchFocus };
});

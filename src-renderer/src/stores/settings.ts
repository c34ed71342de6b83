import { defineStore } from 'pinia';
import { ref } from 'vue';
import {
  SETTINGS_DEFAULTS,
  type ErrorBody,
  type Settings,
  type SettingsPatch,
} from '../../../src-preload/contract.ts';
import { qm } from '../api.ts';
import { useToasts } from './toasts.ts';

export type { SettingsPatch };
export type SettingsGroup = keyof Settings;

const copy = (s: Settings): Settings => JSON.parse(JSON.stringify(s)) as Settings;

/** The settings with a patch laid over them (groups merged field by field). */
export function withPatch(settings: Settings, patch: SettingsPatch): Settings {
  return {
    theme: patch.theme ?? settings.theme,
    sync: { ...settings.sync, ...patch.sync },
    export: { ...settings.export, ...patch.export },
  };
}

/**
 * The reviewer's settings (theme, sync, export defaults), saved in main. A change shows at once
 * and is sent as a patch; when main refuses it the controls go back to what main holds and the
 * error is shown. Changes made in another window arrive as 'settings.changed'.
 */
export const useSettingsStore = defineStore('settings', () => {
  const toasts = useToasts();
  /** What the controls show: main's settings with any change still on its way. */
  const settings = ref<Settings>(copy(SETTINGS_DEFAULTS));
  /** What main last answered. */
  let saved: Settings = copy(SETTINGS_DEFAULTS);
  const loaded = ref(false);
  /** The last refused change: which group it touched and why, shown next to the controls. */
  const failure = ref<{ group: SettingsGroup; error: ErrorBody } | null>(null);
  let stop: (() => void) | null = null;
  /** Changes sent and not answered yet; the controls follow main again once none is left. */
  let pending = 0;
  let sent = 0;
  /** The newest change whose answer set `saved` (an older answer arriving late is ignored). */
  let answered = 0;

  function adopt(next: Settings): void {
    saved = copy(next);
    // A change still on its way stays on screen until its own answer comes.
    if (pending === 0) settings.value = copy(next);
  }

  /** Reads the settings and follows changes made elsewhere. Safe to call twice. */
  async function start(): Promise<void> {
    stop ??= qm.on('settings.changed', adopt);
    const result = await qm.settings.get();
    if (!result.ok) {
      toasts.error(result.error, 'Reading settings');
      return;
    }
    adopt(result.data);
    loaded.value = true;
  }

  function dispose(): void {
    stop?.();
    stop = null;
  }

  /** Applies a change at once and saves it; true when main kept it. */
  async function update(patch: SettingsPatch): Promise<boolean> {
    const call = ++sent;
    pending++;
    settings.value = withPatch(settings.value, patch);
    const group = (Object.keys(patch)[0] ?? 'theme') as SettingsGroup;
    let result;
    try {
      result = await qm.settings.update(patch);
    } finally {
      pending--;
    }
    if (result.ok) {
      if (call > answered) {
        answered = call;
        saved = copy(result.data);
      }
      if (failure.value?.group === group) failure.value = null;
    } else {
      failure.value = { group, error: result.error };
      toasts.error(result.error, 'Saving settings');
    }
    if (pending === 0) settings.value = copy(saved);
    return result.ok;
  }

  return { settings, loaded, failure, start, dispose, update };
});

import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppInfo } from '../../../src-preload/contract.ts';
import { orToast, qm } from '../api.ts';

/** Facts about the running app (version, data folder) and the network state. */
export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null);
  const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine);

  async function load(): Promise<void> {
    const data = orToast(await qm.app.info(), 'Reading app information');
    if (data) info.value = data;
  }

  async function openDataFolder(): Promise<void> {
    orToast(await qm.app.openDataFolder(), 'Opening the data folder');
  }

  async function openLogsFolder(): Promise<void> {
    orToast(await qm.app.openLogsFolder(), 'Opening the logs folder');
  }

  /** Main builds the report (no secrets) and puts it on the clipboard; `copied` says whether that worked. */
  async function copyDiagnostics(): Promise<{ text: string; copied: boolean } | undefined> {
    return orToast(await qm.app.copyDiagnostics(), 'Copying diagnostics');
  }

  const setOnline = (): void => void (online.value = true);
  const setOffline = (): void => void (online.value = false);

  /** Follows navigator.onLine; returns the function that stops following it. */
  function watchNetwork(): () => void {
    online.value = navigator.onLine;
    window.addEventListener('online', setOnline);
    window.addEventListener('offline', setOffline);
    return () => {
      window.removeEventListener('online', setOnline);
      window.removeEventListener('offline', setOffline);
    };
  }

  return { info, online, load, openDataFolder, openLogsFolder, copyDiagnostics, watchNetwork };
});

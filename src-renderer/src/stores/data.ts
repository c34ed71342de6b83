import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { DataUsage, ErrorBody } from '../../../src-preload/contract.ts';
import { qm } from '../api.ts';
import { useAccountsStore } from './accounts.ts';

/**
 * The cached data on this computer: where it lives, how much each account holds, and clearing
 * one account's cache (its jobs are stopped, the account stays). Main announces every clear as
 * 'data.cleared'; `clearedCount` goes up by one each time the active account's cache was
 * cleared, and the stores that hold its rows (overview, review, agents, calibration) reload on it.
 */
export const useDataStore = defineStore('data', () => {
  const accounts = useAccountsStore();
  const usage = ref<DataUsage | null>(null);
  const loading = ref(false);
  const error = ref<ErrorBody | null>(null);
  /** The account being cleared now, if any. */
  const clearing = ref<string | null>(null);
  const clearedCount = ref(0);
  let ticket = 0;
  let stop: (() => void) | null = null;

  /** Bytes cached for an account; 0 when it has no cache yet, null before the first answer. */
  function bytesOf(profileId: string): number | null {
    if (!usage.value) return null;
    return usage.value.accounts.find((a) => a.profileId === profileId)?.bytes ?? 0;
  }

  async function load(): Promise<void> {
    const mine = ++ticket;
    loading.value = true;
    const result = await qm.data.usage();
    if (mine !== ticket) return;
    loading.value = false;
    if (result.ok) {
      usage.value = result.data;
      error.value = null;
    } else {
      error.value = result.error;
    }
  }

  function cleared(profileId: string): void {
    if (profileId === accounts.activeId) clearedCount.value++;
  }

  /** Follows clears made anywhere (this window, another one, the CLI through main). */
  function start(): void {
    stop ??= qm.on('data.cleared', ({ profileId }) => {
      cleared(profileId);
      if (usage.value && clearing.value !== profileId) void load();
    });
  }

  function dispose(): void {
    stop?.();
    stop = null;
  }

  /** Deletes an account's cached data; the answer carries the sizes afterwards. */
  async function clear(profileId: string): Promise<{ ok: true } | { ok: false; error: ErrorBody }> {
    if (clearing.value) return { ok: false, error: { code: 'busy', message: 'Another clear is running.' } };
    clearing.value = profileId;
    try {
      const result = await qm.data.clear({ profileId });
      if (!result.ok) return result;
      ++ticket;
      loading.value = false;
      usage.value = result.data;
      error.value = null;
      // Without a listener (or if the event was lost) the views still learn of it.
      if (!stop) cleared(profileId);
      return { ok: true };
    } finally {
      clearing.value = null;
    }
  }

  return { usage, loading, error, clearing, clearedCount, bytesOf, load, start, dispose, clear };
});

import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ErrorBody } from '../../../src-preload/contract.ts';
import { qm } from '../api.ts';
import { useAccountsStore } from './accounts.ts';
import { useToasts } from './toasts.ts';

/**
 * The demo workspace: a clearly labelled account whose generated data syncs like a real one's,
 * so a first run needs no credentials. Opening it makes it the active account (its sync shows in
 * the status bar like any other); removing it deletes the account and its data in one click.
 */
export const useDemoStore = defineStore('demo', () => {
  const accounts = useAccountsStore();
  const toasts = useToasts();
  const opening = ref(false);
  const removing = ref(false);
  const error = ref<ErrorBody | null>(null);

  async function open(): Promise<boolean> {
    if (opening.value) return false;
    opening.value = true;
    error.value = null;
    try {
      const result = await qm.demo.open();
      if (!result.ok) {
        error.value = result.error;
        return false;
      }
      // The demo is now the active account: the jobs store picks its sync up from jobs.list.
      await accounts.refresh();
      return true;
    } finally {
      opening.value = false;
    }
  }

  async function remove(): Promise<boolean> {
    if (removing.value) return false;
    removing.value = true;
    try {
      const result = await qm.demo.remove();
      if (!result.ok) {
        toasts.error(result.error, 'Removing the demo data');
        return false;
      }
      await accounts.refresh();
      toasts.success('Demo data removed.');
      return true;
    } finally {
      removing.value = false;
    }
  }

  return { opening, removing, error, open, remove };
});

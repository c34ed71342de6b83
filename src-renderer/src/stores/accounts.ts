import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type {
  AccountsState,
  ConnectionTestResult,
  ErrorBody,
  KeychainState,
  ProfileInput,
  ProfileView,
  Result,
} from '../../../src-preload/contract.ts';
import { orToast, qm } from '../api.ts';

/**
 * The reviewer's Twilio accounts as main reports them.
 *
 * Views that show account data watch `activeId` (or `switchCount`, which goes up by one each time
 * the active account changes) and reload when it changes: that is how "switching refreshes every
 * view" works without a router.
 */
export const useAccountsStore = defineStore('accounts', () => {
  const profiles = ref<ProfileView[]>([]);
  const activeId = ref<string | null>(null);
  const keychain = ref<KeychainState>({ usable: true });
  const recovered = ref<AccountsState['recovered']>(null);
  const loaded = ref(false);
  const loadError = ref<ErrorBody | null>(null);
  const switchCount = ref(0);
  /** The last connection test per profile id, shown inline in the Accounts view. */
  const testResults = ref<Record<string, ConnectionTestResult>>({});
  const testing = ref<Record<string, boolean>>({});

  const active = computed(() => profiles.value.find((p) => p.id === activeId.value) ?? null);

  function setActive(id: string | null): void {
    if (id === activeId.value) return;
    activeId.value = id;
    switchCount.value++;
  }

  function apply(state: AccountsState): void {
    profiles.value = state.profiles;
    keychain.value = state.keychain;
    recovered.value = state.recovered;
    const ids = new Set(state.profiles.map((p) => p.id));
    for (const id of Object.keys(testResults.value)) if (!ids.has(id)) delete testResults.value[id];
    setActive(state.activeId);
    loaded.value = true;
  }

  let unsubscribe: (() => void) | null = null;

  /** Loads the list and follows main's events. Safe to call twice: it subscribes once. */
  async function start(): Promise<void> {
    if (!unsubscribe) {
      const offChanged = qm.on('accounts.changed', apply);
      const offSwitched = qm.on('accounts.switched', ({ activeId: id }) => setActive(id));
      unsubscribe = () => {
        offChanged();
        offSwitched();
      };
    }
    await refresh();
  }

  function dispose(): void {
    unsubscribe?.();
    unsubscribe = null;
  }

  async function refresh(): Promise<void> {
    const result = await qm.accounts.list();
    if (result.ok) {
      loadError.value = null;
      apply(result.data);
    } else {
      loadError.value = result.error;
    }
  }

  /** Makes an account the active one; errors become a toast. */
  async function use(id: string): Promise<boolean> {
    const state = orToast(await qm.accounts.use({ id }), 'Switching account');
    if (state) apply(state);
    return state !== undefined;
  }

  // add/update/remove return the Result so forms can show the error inline; the list itself is
  // refreshed from the answer or the 'accounts.changed' event, whichever comes first.
  async function add(
    profile: ProfileInput,
    secret: string,
    sessionOnly: boolean,
  ): Promise<Result<ProfileView>> {
    const result = await qm.accounts.add({ profile, secret, sessionOnly });
    if (result.ok) upsert(result.data);
    return result;
  }

  async function update(id: string, profile: ProfileInput, secret?: string): Promise<Result<ProfileView>> {
    const result = await qm.accounts.update(secret ? { id, profile, secret } : { id, profile });
    if (result.ok) upsert(result.data);
    return result;
  }

  async function remove(id: string, deleteData: boolean): Promise<Result<null>> {
    const result = await qm.accounts.remove({ id, deleteData });
    if (result.ok) {
      profiles.value = profiles.value.filter((p) => p.id !== id);
      delete testResults.value[id];
      if (activeId.value === id) setActive(null);
    }
    return result;
  }

  async function test(id: string): Promise<void> {
    testing.value[id] = true;
    try {
      const result = await qm.accounts.test({ id });
      testResults.value[id] = result.ok
        ? result.data
        : { status: 'error', message: result.error.message, ms: null };
    } finally {
      testing.value[id] = false;
    }
  }

  /** Tests unsaved settings; an IPC failure becomes an 'error' result so the form shows it inline. */
  async function testDraft(profile: ProfileInput, secret: string): Promise<ConnectionTestResult> {
    const result = await qm.accounts.testDraft({ profile, secret });
    return result.ok ? result.data : { status: 'error', message: result.error.message, ms: null };
  }

  function upsert(view: ProfileView): void {
    const i = profiles.value.findIndex((p) => p.id === view.id);
    profiles.value = i === -1 ? [...profiles.value, view] : profiles.value.with(i, view);
    // A changed profile makes an earlier test result stale.
    delete testResults.value[view.id];
  }

  return {
    profiles,
    activeId,
    active,
    keychain,
    recovered,
    loaded,
    loadError,
    switchCount,
    testResults,
    testing,
    start,
    dispose,
    refresh,
    use,
    add,
    update,
    remove,
    test,
    testDraft,
  };
});

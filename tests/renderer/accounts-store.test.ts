import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useAccountsStore } from '../../src-renderer/src/stores/accounts.ts';
import { accountsState, createFakeQm, fail, profile, type FakeQm } from './fake-qm.ts';

const eu = profile({ id: 'eu', label: 'Support EU', color: '#16a34a' });
const us = profile({ id: 'us', label: 'Sales US' });

let fake: FakeQm;

beforeEach(() => {
  setActivePinia(createPinia());
  fake = createFakeQm({ accounts: accountsState({ profiles: [eu], activeId: 'eu' }) }).install();
});

describe('accounts store', () => {
  it('loads the list on start and subscribes to events once', async () => {
    const store = useAccountsStore();
    await store.start();
    await store.start();
    expect(store.loaded).toBe(true);
    expect(store.profiles.map((p) => p.label)).toEqual(['Support EU']);
    expect(store.active?.id).toBe('eu');
    expect(fake.listenerCount('accounts.changed')).toBe(1);
    expect(fake.listenerCount('accounts.switched')).toBe(1);
    store.dispose();
    expect(fake.listenerCount('accounts.changed')).toBe(0);
    expect(fake.listenerCount('accounts.switched')).toBe(0);
  });

  it('takes the whole state from accounts.changed', async () => {
    const store = useAccountsStore();
    await store.start();
    const keychain = {
      usable: false as const,
      code: 'no_dbus',
      message: 'No Secret Service.',
      fix: 'Start gnome-keyring.',
    };
    fake.emit('accounts.changed', accountsState({ profiles: [eu, us], activeId: 'eu', keychain }));
    expect(store.profiles.map((p) => p.id)).toEqual(['eu', 'us']);
    expect(store.keychain).toEqual(keychain);
  });

  it('counts switches from accounts.switched so views can reload', async () => {
    const store = useAccountsStore();
    await store.start();
    fake.emit('accounts.changed', accountsState({ profiles: [eu, us], activeId: 'eu' }));
    const before = store.switchCount;
    fake.emit('accounts.switched', { activeId: 'us' });
    expect(store.activeId).toBe('us');
    expect(store.active?.label).toBe('Sales US');
    expect(store.switchCount).toBe(before + 1);
    // The same id again is not a switch.
    fake.emit('accounts.switched', { activeId: 'us' });
    expect(store.switchCount).toBe(before + 1);
  });

  it('keeps the last test result per account and drops it when the account changes', async () => {
    const store = useAccountsStore();
    await store.start();
    fake.api.accounts.test.mockResolvedValueOnce({
      ok: true,
      data: { status: 'bad_credentials', message: 'Twilio rejected the Auth Token.', ms: 80 },
    });
    await store.test('eu');
    expect(store.testResults.eu?.status).toBe('bad_credentials');
    await store.update('eu', { ...eu, credential: { kind: 'authToken' } }, 'new-token');
    expect(store.testResults.eu).toBeUndefined();
  });

  it('turns a failed test call into an error result', async () => {
    const store = useAccountsStore();
    await store.start();
    fake.api.accounts.test.mockResolvedValueOnce(
      fail('transport', 'QM Desk lost contact with its background process.'),
    );
    await store.test('eu');
    expect(store.testResults.eu).toEqual({
      status: 'error',
      message: 'QM Desk lost contact with its background process.',
      ms: null,
    });
  });

  it('forgets a removed account and the active id with it', async () => {
    const store = useAccountsStore();
    await store.start();
    const before = store.switchCount;
    const result = await store.remove('eu', true);
    expect(result.ok).toBe(true);
    expect(fake.api.accounts.remove).toHaveBeenCalledWith({ id: 'eu', deleteData: true });
    expect(store.profiles).toEqual([]);
    expect(store.activeId).toBeNull();
    expect(store.switchCount).toBe(before + 1);
  });

  it('keeps the load error to show it', async () => {
    fake.api.accounts.list.mockResolvedValueOnce(fail('profiles_locked', 'The profiles file is locked.'));
    const store = useAccountsStore();
    await store.start();
    expect(store.loaded).toBe(false);
    expect(store.loadError?.message).toBe('The profiles file is locked.');
  });
});

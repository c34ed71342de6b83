import { DOMWrapper, flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountsState } from '../../src-preload/contract.ts';
import { useAccountsStore } from '../../src-renderer/src/stores/accounts.ts';
import AccountFormDialog from '../../src-renderer/src/components/AccountFormDialog.vue';
import AccountsView from '../../src-renderer/src/views/AccountsView.vue';
import { accountsState, createFakeQm, fail, ok, profile, type FakeQm } from './fake-qm.ts';

const SID = `AC${'a1'.repeat(16)}`;
const KEY_SID = `SK${'b2'.repeat(16)}`;
const eu = profile({ id: 'eu', label: 'Support EU' });
const env = profile({ id: 'env', label: 'From env', source: 'env' });

let fake: FakeQm;
let wrapper: VueWrapper | null = null;

async function mountView(state: AccountsState) {
  fake = createFakeQm({ accounts: state }).install();
  const pinia = createPinia();
  setActivePinia(pinia);
  await useAccountsStore().start();
  wrapper = mount(AccountsView, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

/** Dialogs are teleported to <body>: query the document. */
const $ = (testid: string): DOMWrapper<HTMLInputElement> => {
  const el = document.querySelector<HTMLInputElement>(`[data-testid="${testid}"]`);
  if (!el) throw new Error(`no [data-testid="${testid}"] in the document`);
  return new DOMWrapper(el);
};
const errorOf = (testid: string): string | null => {
  const input = $(testid).element;
  const ids = input.getAttribute('aria-describedby')?.split(' ') ?? [];
  const error = ids
    .map((id) => document.getElementById(id))
    .find((el) => el?.classList.contains('q-field-error'));
  return error?.textContent ?? null;
};

async function type(testid: string, value: string, blur = true) {
  await $(testid).setValue(value);
  if (blur) await $(testid).trigger('blur');
}

async function fillValid() {
  await type('account-label', 'Support EU');
  await type('account-sid', SID);
  await type('account-secret', 'tok-123');
}

/** The secret the closed form still holds in memory (its setup state), which must be nothing. */
const secretInMemory = (): string =>
  (wrapper!.findComponent(AccountFormDialog).vm as unknown as { draft: { secret: string } }).draft.secret;

const row = (label: string) => wrapper!.find(`[data-testid="account-row"][data-account-label="${label}"]`);

afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  document.body.innerHTML = '';
});

describe('account form', () => {
  beforeEach(async () => {
    await mountView(accountsState({ profiles: [eu], activeId: 'eu' }));
  });

  it('validates as the reviewer types, only after a field was touched', async () => {
    await wrapper!.find('[data-testid="account-add"]').trigger('click');
    await flushPromises();
    expect(document.querySelector('[role="dialog"]')).not.toBeNull();

    await type('account-sid', 'AC12', false);
    expect(errorOf('account-sid')).toBeNull();
    await $('account-sid').trigger('blur');
    expect(errorOf('account-sid')).toBe('An Account SID is AC followed by 32 hex characters.');
    expect($('account-sid').attributes('aria-invalid')).toBe('true');
    await type('account-sid', SID, false);
    expect(errorOf('account-sid')).toBeNull();
    expect($('account-sid').attributes('aria-invalid')).toBeUndefined();
    // Untouched fields stay quiet even though they are invalid.
    expect(errorOf('account-label')).toBeNull();

    await $('account-kind-apikey').setValue(true);
    await type('account-apikey-sid', 'SK-nope');
    expect(errorOf('account-apikey-sid')).toBe('An API Key SID is SK followed by 32 hex characters.');

    await $('account-advanced').trigger('click');
    await type('account-base-url', 'http://example.com');
    expect(errorOf('account-base-url')).toMatch(/https/);
    await type('account-base-url', 'http://127.0.0.1:4010');
    expect(errorOf('account-base-url')).toBeNull();
  });

  it('does not save an invalid form and shows every message', async () => {
    await wrapper!.find('[data-testid="account-add"]').trigger('click');
    await flushPromises();
    await $('account-save').trigger('click');
    await flushPromises();
    expect(fake.api.accounts.add).not.toHaveBeenCalled();
    expect(errorOf('account-label')).toBe('Give the account a label.');
    expect(errorOf('account-secret')).toBe('Paste the secret.');
    expect(document.activeElement?.getAttribute('data-testid')).toBe('account-label');
  });

  it('adds an API key account and forgets the secret afterwards', async () => {
    await wrapper!.find('[data-testid="account-add"]').trigger('click');
    await flushPromises();
    await fillValid();
    await $('account-kind-apikey').setValue(true);
    await type('account-apikey-sid', KEY_SID);
    await $('account-save').trigger('click');
    await flushPromises();
    expect(fake.api.accounts.add).toHaveBeenCalledWith({
      profile: expect.objectContaining({
        label: 'Support EU',
        accountSid: SID,
        credential: { kind: 'apiKey', apiKeySid: KEY_SID },
        region: null,
        edge: null,
        baseUrl: null,
      }),
      secret: 'tok-123',
      sessionOnly: false,
    });
    expect(document.querySelector('[role="dialog"]')).toBeNull();
    expect(secretInMemory()).toBe('');
    await wrapper!.find('[data-testid="account-add"]').trigger('click');
    await flushPromises();
    expect($('account-secret').element.value).toBe('');
    expect($('account-label').element.value).toBe('');
  });

  it('shows a server error inline and keeps the form open', async () => {
    fake.api.accounts.add.mockResolvedValueOnce(
      fail('duplicate_label', 'An account with this SID and label exists.'),
    );
    await wrapper!.find('[data-testid="account-add"]').trigger('click');
    await flushPromises();
    await fillValid();
    await $('account-save').trigger('click');
    await flushPromises();
    expect($('account-form-error').text()).toContain('An account with this SID and label exists.');
    expect(document.querySelector('[role="dialog"]')).not.toBeNull();
  });

  it('tests the draft before saving and shows the result', async () => {
    fake.api.accounts.testDraft.mockResolvedValueOnce(
      ok({ status: 'no_access', message: 'This account has no Flex Insights.', ms: 210 }),
    );
    await wrapper!.find('[data-testid="account-add"]').trigger('click');
    await flushPromises();
    expect($('account-form-test').element.disabled).toBe(true);
    await fillValid();
    await $('account-form-test').trigger('click');
    await flushPromises();
    expect(fake.api.accounts.testDraft).toHaveBeenCalledWith({
      profile: expect.objectContaining({ accountSid: SID, credential: { kind: 'authToken' } }),
      secret: 'tok-123',
    });
    const result = $('account-form-test-result');
    expect(result.attributes('data-status')).toBe('no_access');
    expect(result.text()).toContain('This account has no Flex Insights.');
    expect(result.text()).toContain('210 ms');
  });

  it('edits without echoing a secret; blank keeps the stored one', async () => {
    await row('Support EU').find('[data-testid="account-edit"]').trigger('click');
    await flushPromises();
    expect($('account-label').element.value).toBe('Support EU');
    expect($('account-secret').element.value).toBe('');
    expect($('account-secret').attributes('type')).toBe('password');
    expect($('account-secret').attributes('autocomplete')).toBe('off');
    expect(document.body.textContent).toContain('Leave blank to keep the stored Auth Token.');
    await type('account-label', 'Support EMEA');
    await $('account-save').trigger('click');
    await flushPromises();
    const request = fake.api.accounts.update.mock.calls[0]![0] as Record<string, unknown>;
    expect(request).toMatchObject({ id: 'eu', profile: { label: 'Support EMEA' } });
    expect('secret' in request).toBe(false);

    await row('Support EMEA').find('[data-testid="account-edit"]').trigger('click');
    await flushPromises();
    await type('account-secret', 'rotated-token');
    await $('account-save').trigger('click');
    await flushPromises();
    expect(fake.api.accounts.update.mock.calls[1]![0]).toMatchObject({ id: 'eu', secret: 'rotated-token' });
    expect(secretInMemory()).toBe('');
    await row('Support EMEA').find('[data-testid="account-edit"]').trigger('click');
    await flushPromises();
    expect($('account-secret').element.value).toBe('');
  });
});

describe('accounts list', () => {
  it('shows each profile with its badges; env profiles are read-only', async () => {
    const session = profile({ id: 'tmp', label: 'Temp', sessionOnly: true });
    const w = await mountView(accountsState({ profiles: [eu, env, session], activeId: 'eu' }));
    expect(w.findAll('[data-testid="account-row"]').map((r) => r.attributes('data-account-label'))).toEqual([
      'Support EU',
      'From env',
      'Temp',
    ]);
    expect(row('From env').text()).toContain('Environment');
    expect(row('From env').find('[data-testid="account-edit"]').attributes('disabled')).toBeDefined();
    expect(row('From env').find('[data-testid="account-remove"]').attributes('disabled')).toBeDefined();
    expect(row('Temp').text()).toContain('Session only');
    expect(row('Support EU').find('[title]').attributes('title')).toBe(eu.accountSid);
    expect(row('Support EU').text()).not.toContain(eu.accountSid);
  });

  it('tests a saved account and shows the status inline', async () => {
    await mountView(accountsState({ profiles: [eu], activeId: 'eu' }));
    fake.api.accounts.test.mockResolvedValueOnce(
      ok({ status: 'bad_credentials', message: 'Twilio rejected the Auth Token for Support EU.', ms: 64 }),
    );
    await row('Support EU').find('[data-testid="account-test"]').trigger('click');
    await flushPromises();
    expect(fake.api.accounts.test).toHaveBeenCalledWith({ id: 'eu' });
    const result = row('Support EU').find('[data-testid="account-test-result"]');
    expect(result.attributes('data-status')).toBe('bad_credentials');
    expect(result.text()).toContain('Twilio rejected the Auth Token for Support EU.');
  });

  it('switches with Use', async () => {
    const us = profile({ id: 'us', label: 'Sales US' });
    await mountView(accountsState({ profiles: [eu, us], activeId: 'eu' }));
    await row('Sales US').find('[data-testid="account-use"]').trigger('click');
    await flushPromises();
    expect(fake.api.accounts.use).toHaveBeenCalledWith({ id: 'us' });
    expect(row('Sales US').text()).toContain('Active');
  });

  it('explains an unusable keychain and adds session-only accounts', async () => {
    const keychain = {
      usable: false as const,
      code: 'no_secret_service',
      message: 'No Secret Service is running.',
      fix: 'Install and start gnome-keyring.',
    };
    const w = await mountView(accountsState({ profiles: [], keychain }));
    const banner = w.find('[data-testid="keychain-banner"]');
    expect(banner.text()).toContain('No Secret Service is running.');
    expect(banner.text()).toContain('Install and start gnome-keyring.');
    await w.find('[data-testid="account-add"]').trigger('click');
    await flushPromises();
    expect($('account-session-only').element.checked).toBe(true);
    await fillValid();
    await $('account-save').trigger('click');
    await flushPromises();
    expect(fake.api.accounts.add).toHaveBeenCalledWith(expect.objectContaining({ sessionOnly: true }));
  });

  it('says where a corrupt profiles file went', async () => {
    const w = await mountView(
      accountsState({ recovered: { movedTo: '/data/profiles.json.corrupt-1', reason: 'Not valid JSON.' } }),
    );
    const notice = w.find('[data-testid="recovered-banner"]');
    expect(notice.text()).toContain('/data/profiles.json.corrupt-1');
    expect(notice.text()).toContain('Not valid JSON.');
  });
});

describe('remove dialog', () => {
  it.each([
    ['remove-keep-data', false],
    ['remove-delete-data', true],
  ] as const)('%s sends deleteData: %s', async (choice, deleteData) => {
    await mountView(accountsState({ profiles: [eu], activeId: 'eu' }));
    await row('Support EU').find('[data-testid="account-remove"]').trigger('click');
    await flushPromises();
    expect(document.querySelector('[role="dialog"]')?.textContent).toContain('Support EU');
    await $(choice).setValue(true);
    await $('remove-confirm').trigger('click');
    await flushPromises();
    expect(fake.api.accounts.remove).toHaveBeenCalledExactlyOnceWith({ id: 'eu', deleteData });
    expect(document.querySelector('[role="dialog"]')).toBeNull();
    expect(wrapper!.findAll('[data-testid="account-row"]')).toHaveLength(0);
  });

  it('keeps the data unless asked, and Cancel removes nothing', async () => {
    await mountView(accountsState({ profiles: [eu], activeId: 'eu' }));
    await row('Support EU').find('[data-testid="account-remove"]').trigger('click');
    await flushPromises();
    expect($('remove-keep-data').element.checked).toBe(true);
    document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await flushPromises();
    expect(document.querySelector('[role="dialog"]')).toBeNull();
    expect(fake.api.accounts.remove).not.toHaveBeenCalled();
  });

  it('shows why a removal failed', async () => {
    await mountView(accountsState({ profiles: [eu], activeId: 'eu' }));
    fake.api.accounts.remove.mockResolvedValueOnce(
      fail('busy', 'A sync is running for this account. Cancel it first.'),
    );
    await row('Support EU').find('[data-testid="account-remove"]').trigger('click');
    await flushPromises();
    await $('remove-confirm').trigger('click');
    await flushPromises();
    expect($('remove-error').text()).toBe('A sync is running for this account. Cancel it first.');
    expect(row('Support EU').exists()).toBe(true);
  });
});

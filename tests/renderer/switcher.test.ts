import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import AccountSwitcher from '../../src-renderer/src/components/AccountSwitcher.vue';
import { useAccountsStore } from '../../src-renderer/src/stores/accounts.ts';
import { useToasts } from '../../src-renderer/src/stores/toasts.ts';
import { useViewStore } from '../../src-renderer/src/stores/view.ts';
import { accountsState, createFakeQm, fail, profile, type FakeQm } from './fake-qm.ts';

const profiles = [
  profile({ id: 'eu', label: 'Support EU', color: '#16a34a' }),
  profile({ id: 'us', label: 'Sales US' }),
  profile({ id: 'au', label: 'Care AU', color: '#dc2626' }),
];

let fake: FakeQm;
let wrapper: VueWrapper;

beforeEach(async () => {
  fake = createFakeQm({ accounts: accountsState({ profiles, activeId: 'eu' }) }).install();
  const pinia = createPinia();
  setActivePinia(pinia);
  await useAccountsStore().start();
  wrapper = mount(AccountSwitcher, { global: { plugins: [pinia] }, attachTo: document.body });
});

afterEach(() => {
  wrapper.unmount();
  document.body.innerHTML = '';
});

const trigger = () => wrapper.find('[data-testid="account-switcher"]');
const listbox = () => wrapper.find('[role="listbox"]');
const highlighted = () => {
  const id = listbox().attributes('aria-activedescendant');
  return wrapper.find(`#${CSS.escape(id!)}`).attributes('data-account-label');
};
const key = async (k: string) => {
  await listbox().trigger('keydown', { key: k });
  await flushPromises();
};

describe('account switcher', () => {
  it('names the active account with its colour and shortened SID', () => {
    expect(trigger().text()).toContain('Support EU');
    expect(trigger().find('[title]').attributes('title')).toBe(profiles[0]!.accountSid);
    expect(trigger().find('.dot').attributes('style')).toContain('background-color');
  });

  it('opens a listbox on the active account; arrows + Enter switch with accounts.use', async () => {
    await trigger().trigger('click');
    await flushPromises();
    expect(trigger().attributes('aria-expanded')).toBe('true');
    expect(document.activeElement).toBe(listbox().element);
    const options = wrapper.findAll('[role="option"]');
    expect(options.map((o) => o.attributes('data-account-label'))).toEqual([
      'Support EU',
      'Sales US',
      'Care AU',
    ]);
    expect(options[0]!.attributes('aria-selected')).toBe('true');
    expect(highlighted()).toBe('Support EU');

    await key('ArrowDown');
    await key('ArrowDown');
    expect(highlighted()).toBe('Care AU');
    await key('ArrowDown'); // wraps
    expect(highlighted()).toBe('Support EU');
    await key('ArrowUp');
    expect(highlighted()).toBe('Care AU');
    await key('Enter');
    expect(fake.api.accounts.use).toHaveBeenCalledExactlyOnceWith({ id: 'au' });
    expect(listbox().exists()).toBe(false);
    expect(trigger().text()).toContain('Care AU');
    expect(document.activeElement).toBe(trigger().element);
  });

  it('Esc closes without switching', async () => {
    useViewStore().switcherOpen = true; // what Ctrl/Cmd+K does
    await flushPromises();
    await key('ArrowDown');
    await key('Escape');
    expect(listbox().exists()).toBe(false);
    expect(fake.api.accounts.use).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(trigger().element);
  });

  it('choosing the active account again does not call use', async () => {
    await trigger().trigger('click');
    await flushPromises();
    await key('Enter');
    expect(fake.api.accounts.use).not.toHaveBeenCalled();
  });

  it('a failed switch keeps the old account and shows why', async () => {
    fake.api.accounts.use.mockResolvedValueOnce(fail('not_found', 'That account was removed.'));
    await trigger().trigger('click');
    await flushPromises();
    await wrapper.findAll('[role="option"]')[1]!.trigger('click');
    await flushPromises();
    expect(trigger().text()).toContain('Support EU');
    expect(useToasts().toasts.map((t) => [t.context, t.message])).toEqual([
      ['Switching account', 'That account was removed.'],
    ]);
  });
});

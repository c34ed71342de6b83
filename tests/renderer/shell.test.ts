import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import App from '../../src-renderer/src/App.vue';
import { accountsState, createFakeQm, pressKey, profile, type FakeQm } from './fake-qm.ts';
import { withInsights } from './fake-review.ts';

let fake: FakeQm;
let wrapper: VueWrapper | null = null;

async function mountApp(): Promise<VueWrapper> {
  const pinia = createPinia();
  setActivePinia(pinia);
  wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

const currentNav = (w: VueWrapper): string | undefined =>
  w.find('nav [aria-current="page"]').attributes('data-testid');

beforeEach(() => {
  fake = createFakeQm({
    accounts: accountsState({ profiles: [profile({ id: 'a1', label: 'Support EU' })], activeId: 'a1' }),
  }).install();
  // Switching to Agents or Calibration loads their data.
  withInsights(fake, { cards: [] });
});

afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  document.body.innerHTML = '';
});

describe('app shell', () => {
  it('renders the frame, the four nav buttons and the version from app.info', async () => {
    const w = await mountApp();
    expect(w.find('[data-testid="app-shell"]').exists()).toBe(true);
    for (const name of ['review', 'agents', 'accounts', 'settings']) {
      expect(w.find(`[data-testid="nav-${name}"]`).exists()).toBe(true);
    }
    expect(fake.api.app.info).toHaveBeenCalledTimes(1);
    expect(w.find('[data-testid="app-version"]').text()).toBe('v0.1.0');
    expect(w.find('[data-testid="account-switcher"]').text()).toContain('Support EU');
  });

  it('switches views with Ctrl+1..5 and Cmd+1..5', async () => {
    const w = await mountApp();
    expect(currentNav(w)).toBe('nav-review');
    const expected = ['nav-review', 'nav-agents', 'nav-calibration', 'nav-accounts', 'nav-settings'];
    for (const [i, nav] of [...expected].reverse().entries()) {
      const digit = String(expected.indexOf(nav) + 1);
      const event = pressKey({
        key: digit,
        code: `Digit${digit}`,
        ctrlKey: i % 2 === 0,
        metaKey: i % 2 === 1,
      });
      await nextTick();
      expect(event.defaultPrevented).toBe(true);
      expect(currentNav(w)).toBe(nav);
    }
    // The Settings view is really the one shown, not just the highlighted nav item.
    pressKey({ key: '5', code: 'Digit5', ctrlKey: true });
    await nextTick();
    expect(w.find('[data-testid="theme-select"]').exists()).toBe(true);
    // A bare digit is ordinary typing, not a shortcut.
    pressKey({ key: '2', code: 'Digit2' });
    await nextTick();
    expect(currentNav(w)).toBe('nav-settings');
  });

  it('focuses the Review search with / and opens the switcher with Ctrl+K', async () => {
    const w = await mountApp();
    pressKey({ key: '/', code: 'Slash' });
    await nextTick();
    expect(document.activeElement?.getAttribute('data-testid')).toBe('review-search');

    (document.activeElement as HTMLElement).blur();
    pressKey({ key: 'k', code: 'KeyK', ctrlKey: true });
    await flushPromises();
    expect(w.find('[data-testid="account-switcher"]').attributes('aria-expanded')).toBe('true');
    expect(document.activeElement?.getAttribute('role')).toBe('listbox');
    pressKey({ key: 'Escape' }, document.activeElement!);
    await nextTick();
    expect(w.find('[data-testid="account-switcher"]').attributes('aria-expanded')).toBe('false');
    expect(document.activeElement?.getAttribute('data-testid')).toBe('account-switcher');
  });

  it('teaches when there is no account, and the button leads to Accounts', async () => {
    fake.setAccounts(accountsState());
    const w = await mountApp();
    expect(w.text()).toContain('Add a Twilio account to start.');
    await w.find('[data-testid="empty-add-account"]').trigger('click');
    expect(currentNav(w)).toBe('nav-accounts');
  });

  it('says what to do when the account has nothing cached', async () => {
    const w = await mountApp();
    expect(w.text()).toContain(
      'No assessments cached for this account yet. Paste segment IDs above and press Sync.',
    );
  });

  it('shows online/offline from the browser', async () => {
    const w = await mountApp();
    const net = () => w.find('[data-testid="net-status"]').text();
    expect(net()).toBe(navigator.onLine ? 'Online' : 'Offline');
    window.dispatchEvent(new Event('offline'));
    await nextTick();
    expect(net()).toBe('Offline');
    window.dispatchEvent(new Event('online'));
    await nextTick();
    expect(net()).toBe('Online');
  });

  it('subscribes to events once and unsubscribes when the app unmounts', async () => {
    const w = await mountApp();
    expect(fake.listenerCount('accounts.changed')).toBe(1);
    expect(fake.listenerCount('accounts.switched')).toBe(1);
    expect(fake.listenerCount('settings.changed')).toBe(1);
    w.unmount();
    wrapper = null;
    expect(fake.listenerCount('accounts.changed')).toBe(0);
    expect(fake.listenerCount('accounts.switched')).toBe(0);
    expect(fake.listenerCount('settings.changed')).toBe(0);
  });
});

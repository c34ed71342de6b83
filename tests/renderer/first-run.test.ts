import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import App from '../../src-renderer/src/App.vue';
import { VIEWS } from '../../src-renderer/src/stores/view.ts';
import {
  accountsState,
  createFakeQm,
  fail,
  ok,
  pressKey,
  profile,
  snapshot,
  type FakeQm,
} from './fake-qm.ts';
import { scorecard, withInsights } from './fake-review.ts';

vi.mock('vue-echarts', () => import('./chart-stub.ts'));

const demo = profile({ id: 'demo', label: 'Demo data', source: 'demo', hasSecret: false });

let fake: FakeQm;
let insights: ReturnType<typeof withInsights>;
let wrapper: VueWrapper | null = null;

async function mountApp(state = accountsState()): Promise<VueWrapper> {
  fake = createFakeQm({ accounts: state }).install();
  insights = withInsights(fake, { cards: Array.from({ length: 5 }, (_, i) => scorecard(i)) });
  const pinia = createPinia();
  setActivePinia(pinia);
  wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

const $ = (testid: string) => wrapper!.find(`[data-testid="${testid}"]`);
const currentNav = (): string | undefined =>
  wrapper!.find('nav [aria-current="page"]').attributes('data-testid');

beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return this.getAttribute('role') === 'grid' ? 400 : 0;
  });
});

afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

describe('first run', () => {
  it('offers a Twilio account or the demo data', async () => {
    await mountApp();
    expect($('first-run').text()).toContain('Add a Twilio account to start.');
    await $('empty-add-account').trigger('click');
    expect(currentNav()).toBe('nav-accounts');
  });

  it('opens the demo: it becomes the labelled active account and its sync shows in the status bar', async () => {
    await mountApp();
    const job = snapshot({
      profileId: demo.id,
      label: 'Sync the demo data',
      phase: 'Fetching assessments',
      done: 120,
      total: 5000,
    });
    let answer: () => void = () => undefined;
    insights.demo.open.mockImplementation(
      () =>
        new Promise((resolve) => {
          answer = () => {
            fake.setAccounts(accountsState({ profiles: [demo], activeId: demo.id }));
            fake.setJobs([job]);
            resolve(ok({ profileId: demo.id, job }));
          };
        }),
    );
    const button = $('explore-demo');
    expect(button.text()).toBe('Explore demo data');
    await button.trigger('click');
    // Busy, and saying what it is doing, until main answers.
    expect($('explore-demo').text()).toBe('Opening the demo…');
    expect($('explore-demo').attributes('disabled')).toBeDefined();
    answer();
    await flushPromises();
    expect(insights.demo.open).toHaveBeenCalledTimes(1);
    expect($('first-run').exists()).toBe(false);
    expect($('account-switcher').text()).toContain('Demo data');
    expect($('demo-badge').text()).toBe('Demo');
    expect($('job-running').text()).toContain('Sync the demo data');

    // One click removes it, and the first run is back.
    insights.demo.remove.mockImplementation(async () => {
      fake.setAccounts(accountsState());
      fake.setJobs([]);
      return ok(null);
    });
    await $('demo-remove').trigger('click');
    await flushPromises();
    expect(insights.demo.remove).toHaveBeenCalledTimes(1);
    expect($('demo-badge').exists()).toBe(false);
    expect($('demo-remove').exists()).toBe(false);
    expect($('first-run').exists()).toBe(true);
  });

  it('says why the demo could not open', async () => {
    await mountApp();
    insights.demo.open.mockResolvedValueOnce(
      fail('store_failed', 'The demo store could not be created. Check free disk space.'),
    );
    await $('explore-demo').trigger('click');
    await flushPromises();
    expect($('demo-error').text()).toContain('Check free disk space.');
    expect($('explore-demo').text()).toBe('Explore demo data');
  });

  it('labels only the demo account as demo', async () => {
    await mountApp(
      accountsState({ profiles: [profile({ id: 'eu', label: 'Support EU' }), demo], activeId: 'eu' }),
    );
    expect($('demo-badge').exists()).toBe(false);
    expect($('demo-remove').exists()).toBe(false);
    await $('account-switcher').trigger('click');
    await flushPromises();
    const options = wrapper!.findAll('[role="option"]');
    expect(options.map((o) => o.find('.badge').exists())).toEqual([false, true]);
  });
});

describe('views and keys', () => {
  const one = accountsState({ profiles: [profile({ id: 'eu', label: 'Support EU' })], activeId: 'eu' });

  it('Calibration sits after Agents, and Ctrl+1..5 follow the nav order', async () => {
    await mountApp(one);
    const navs = wrapper!.findAll('nav .nav-item').map((b) => b.attributes('data-testid'));
    expect(navs).toEqual(VIEWS.map((v) => `nav-${v}`));
    expect(VIEWS.indexOf('calibration')).toBe(VIEWS.indexOf('agents') + 1);
    for (const [i, name] of VIEWS.entries()) {
      pressKey({ key: String(i + 1), code: `Digit${i + 1}`, ctrlKey: true });
      await flushPromises();
      expect(currentNav()).toBe(`nav-${name}`);
    }
    pressKey({ key: '3', code: 'Digit3', metaKey: true });
    await flushPromises();
    expect($('calibration-view').exists()).toBe(true);
    expect(insights.calibration.report).toHaveBeenCalledWith({ profileId: 'eu' });
  });

  it('/ focuses the agent search in Agents', async () => {
    await mountApp(one);
    await $('nav-agents').trigger('click');
    await flushPromises();
    (document.activeElement as HTMLElement | null)?.blur();
    const event = pressKey({ key: '/', code: 'Slash' });
    await nextTick();
    expect(event.defaultPrevented).toBe(true);
    expect(document.activeElement?.getAttribute('data-testid')).toBe('agents-search');
  });

  it('Esc leaves an agent’s page for the scorecards', async () => {
    await mountApp(one);
    await $('nav-agents').trigger('click');
    await flushPromises();
    await wrapper!
      .find('[data-testid="agents-table"] [data-index="0"] [data-testid="agent-open"]')
      .trigger('click');
    await flushPromises();
    expect($('agent-page').exists()).toBe(true);
    const event = pressKey({ key: 'Escape', code: 'Escape' });
    await nextTick();
    expect(event.defaultPrevented).toBe(true);
    expect($('agent-page').exists()).toBe(false);
    expect($('agents-table').exists()).toBe(true);
  });
});

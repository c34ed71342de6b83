import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { orToast } from '../../src-renderer/src/api.ts';
import QToastHost from '../../src-renderer/src/components/QToastHost.vue';
import { useToasts } from '../../src-renderer/src/stores/toasts.ts';
import { fail, ok } from './fake-qm.ts';

beforeEach(() => {
  setActivePinia(createPinia());
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('toasts', () => {
  it('orToast passes data through and turns an error into an alert with details on demand', async () => {
    const w = mount(QToastHost);
    expect(orToast(ok(42))).toBe(42);
    expect(useToasts().toasts).toHaveLength(0);

    const body = fail('auth', 'Twilio rejected the Auth Token for Support EU.', {
      status: 401,
      twilioCode: 20003,
    });
    expect(orToast(body, 'Testing the connection')).toBeUndefined();
    await nextTick();
    const toast = w.find('[role="alert"]');
    expect(toast.text()).toContain('Testing the connection failed');
    expect(toast.text()).toContain('Twilio rejected the Auth Token for Support EU.');
    const details = toast.find('details');
    expect(details.find('summary').text()).toBe('Details');
    expect(details.text()).toContain('auth');
    expect(details.text()).toContain('20003');

    // Errors wait for the reviewer; info leaves by itself.
    useToasts().info('Copied.');
    vi.advanceTimersByTime(10_000);
    await nextTick();
    expect(w.findAll('[data-testid="toast"]')).toHaveLength(1);
    await toast.find('button[aria-label="Dismiss"]').trigger('click');
    expect(w.findAll('[data-testid="toast"]')).toHaveLength(0);
  });
});

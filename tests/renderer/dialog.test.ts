import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { defineComponent, h, ref } from 'vue';
import QDialog from '../../src-renderer/src/components/QDialog.vue';

let wrapper: VueWrapper | null = null;

function mountHost(withAutofocus = false) {
  const open = ref(false);
  let closes = 0;
  const Host = defineComponent(() => () => [
    h('button', { id: 'opener', onClick: () => (open.value = true) }, 'Open'),
    h(
      QDialog,
      {
        open: open.value,
        title: 'Remove Support EU?',
        onClose: () => {
          closes++;
          open.value = false;
        },
      },
      {
        default: () => [
          h('input', { id: 'first' }),
          h('input', { id: 'second', ...(withAutofocus ? { 'data-autofocus': '' } : {}) }),
        ],
        footer: () => h('button', { id: 'confirm' }, 'Confirm'),
      },
    ),
  ]);
  wrapper = mount(Host, { attachTo: document.body });
  return { open, closes: () => closes };
}

const dialog = () => document.querySelector<HTMLElement>('[role="dialog"]');
const focusedId = () => (document.activeElement as HTMLElement | null)?.id;
const press = (key: string, shiftKey = false) =>
  document.activeElement!.dispatchEvent(
    new KeyboardEvent('keydown', { key, shiftKey, bubbles: true, cancelable: true }),
  );

async function openFromButton() {
  const opener = document.getElementById('opener')!;
  opener.focus();
  opener.click();
  await flushPromises();
}

afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  document.body.innerHTML = '';
});

describe('QDialog', () => {
  it('is a labelled modal dialog and moves focus inside on open', async () => {
    mountHost();
    expect(dialog()).toBeNull();
    await openFromButton();
    const el = dialog()!;
    expect(el.getAttribute('aria-modal')).toBe('true');
    expect(document.getElementById(el.getAttribute('aria-labelledby')!)?.textContent).toBe(
      'Remove Support EU?',
    );
    expect(focusedId()).toBe('first');
  });

  it('prefers the [data-autofocus] element', async () => {
    mountHost(true);
    await openFromButton();
    expect(focusedId()).toBe('second');
  });

  it('traps Tab inside: from the last control to the first and back with Shift+Tab', async () => {
    mountHost();
    await openFromButton();
    const controls = [...dialog()!.querySelectorAll<HTMLElement>('input, button')];
    const last = controls[controls.length - 1]!;
    expect(last.id).toBe('confirm');
    last.focus();
    press('Tab');
    expect(dialog()!.contains(document.activeElement)).toBe(true);
    expect(document.activeElement).toBe(controls[0]);
    press('Tab', true);
    expect(document.activeElement).toBe(last);
  });

  it('brings focus back when it escapes the dialog', async () => {
    mountHost();
    await openFromButton();
    document.getElementById('opener')!.focus();
    expect(focusedId()).toBe('first');
  });

  it('closes on Esc and returns focus to the opener', async () => {
    const host = mountHost();
    await openFromButton();
    press('Escape');
    await flushPromises();
    expect(host.closes()).toBe(1);
    expect(dialog()).toBeNull();
    expect(focusedId()).toBe('opener');
  });
});

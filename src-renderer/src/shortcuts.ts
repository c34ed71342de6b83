import { VIEWS, type ViewName } from './stores/view.ts';

export type ShortcutAction =
  | { kind: 'view'; view: ViewName }
  | { kind: 'switcher' }
  | { kind: 'search' }
  | { kind: 'export' }
  | { kind: 'escape' };

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * The app-wide shortcut a key press stands for, if any: Ctrl/Cmd+1..5 views, Ctrl/Cmd+K account
 * switcher, Ctrl/Cmd+E export, `/` search (not while typing), Esc. Matches `code` too so Ctrl+1 works on keyboard
 * layouts where the digit row needs Shift.
 */
export function shortcutFor(event: KeyboardEvent): ShortcutAction | null {
  const mod = event.ctrlKey || event.metaKey;
  if (mod && !event.altKey && !event.shiftKey) {
    const digit = /^Digit([1-9])$/.exec(event.code)?.[1] ?? (/^[1-9]$/.test(event.key) ? event.key : null);
    const view = digit ? VIEWS[Number(digit) - 1] : undefined;
    if (view) return { kind: 'view', view };
    if (event.key.toLowerCase() === 'k' || event.code === 'KeyK') return { kind: 'switcher' };
    if (event.key.toLowerCase() === 'e' || event.code === 'KeyE') return { kind: 'export' };
    return null;
  }
  if (event.key === 'Escape') return { kind: 'escape' };
  if (event.key === '/' && !mod && !event.altKey && !isEditable(event.target)) return { kind: 'search' };
  return null;
}

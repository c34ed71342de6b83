import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeWindow, runHeadersHook } from './fake-window.ts';
import { contentSecurityPolicy } from '../../src-main/csp.ts';

// The isolation options, window.open, navigation, webview and permission locks are pinned in
// security-checklist.test.ts; this file covers what the factory loads and paints.
vi.mock('electron', async () => (await import('./fake-window.ts')).fakeElectron());

const { createMainWindow } = await import('../../src-main/window.ts');

function open(options: { url?: string; dev?: boolean; backgroundColor?: string } = {}) {
  createMainWindow({
    preloadPath: '/app/out/preload/index.cjs',
    url: options.url ?? 'app://qm-desk/index.html',
    dev: options.dev ?? false,
    backgroundColor: options.backgroundColor ?? '#17171a',
    openExternal: vi.fn(async () => true),
  });
  return FakeWindow.made.at(-1)!;
}

beforeEach(() => {
  FakeWindow.made.length = 0;
});

describe('window factory', () => {
  it('loads the URL it is given (never a file:// path) with the bundled preload', () => {
    const win = open();
    expect(win.loaded).toEqual(['app://qm-desk/index.html']);
    expect(win.options.webPreferences['preload']).toBe('/app/out/preload/index.cjs');
    expect(open({ url: 'http://localhost:5173/', dev: true }).loaded).toEqual(['http://localhost:5173/']);
  });

  it('paints the background colour it is given before the page does', () => {
    expect(open({ backgroundColor: '#ffffff' }).options).toMatchObject({
      backgroundColor: '#ffffff',
      show: false,
    });
    expect(open({ backgroundColor: '#17171a' }).options.backgroundColor).toBe('#17171a');
  });

  it('allows a reload of the same app:// page (navigation away is blocked, see the checklist)', () => {
    const win = open();
    const reload = { preventDefault: vi.fn() };
    win.webContents.handlers.get('will-navigate')!(reload, 'app://qm-desk/index.html');
    expect(reload.preventDefault).not.toHaveBeenCalled();
  });

  it('puts its CSP on responses, replacing any the response brought in whatever letter case', () => {
    const win = open();
    const headers = runHeadersHook(win.webContents, {
      'X-Other': ['1'],
      'content-security-policy': ["default-src *; script-src 'unsafe-eval'"],
    });
    expect(headers).toEqual({
      'X-Other': ['1'],
      'Content-Security-Policy': [contentSecurityPolicy({ dev: false })],
    });
  });

  it('uses the dev CSP for the dev server: inline styles for Vite, still no eval', () => {
    const win = open({ url: 'http://localhost:5173/', dev: true });
    const [csp] = runHeadersHook(win.webContents, {})['Content-Security-Policy']!;
    expect(csp).toBe(contentSecurityPolicy({ dev: true }));
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain('unsafe-eval');
  });
});

import { beforeEach, describe, expect, it, vi } from 'vitest';

// A stand-in for Electron's BrowserWindow that records what the factory asked for.
const made = vi.hoisted(() => ({ windows: [] as Array<Record<string, unknown>> }));

vi.mock('electron', () => {
  class FakeContents {
    handlers = new Map<string, (...args: unknown[]) => void>();
    openHandler: ((details: { url: string }) => { action: string }) | null = null;
    url = 'file:///app/out/renderer/index.html';
    session = {
      permissionHandler: null as null | ((...args: unknown[]) => void),
      checkHandler: null as null | ((...args: unknown[]) => boolean),
      headersHook: null as null | ((...args: unknown[]) => void),
      setPermissionRequestHandler(fn: (...args: unknown[]) => void) {
        this.permissionHandler = fn;
      },
      setPermissionCheckHandler(fn: (...args: unknown[]) => boolean) {
        this.checkHandler = fn;
      },
      webRequest: {
        onHeadersReceived: (fn: (...args: unknown[]) => void) => {
          fakeSessionHook.current = fn;
        },
      },
    };
    setWindowOpenHandler(fn: (details: { url: string }) => { action: string }) {
      this.openHandler = fn;
    }
    on(name: string, fn: (...args: unknown[]) => void) {
      this.handlers.set(name, fn);
    }
    getURL() {
      return this.url;
    }
  }
  const fakeSessionHook = { current: null as null | ((...args: unknown[]) => void) };
  class BrowserWindow {
    webContents = new FakeContents();
    options: Record<string, unknown>;
    loaded: string[] = [];
    constructor(options: Record<string, unknown>) {
      this.options = options;
      made.windows.push(this as unknown as Record<string, unknown>);
    }
    once() {}
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
    loadFile(file: string) {
      this.loaded.push(file);
      return Promise.resolve();
    }
  }
  return { BrowserWindow, hook: fakeSessionHook };
});

const { createMainWindow } = await import('../../src-main/window.ts');
const { createOpenExternal } = await import('../../src-main/external.ts');
const electron = (await import('electron')) as unknown as {
  hook: { current: (d: unknown, cb: (r: unknown) => void) => void };
};

interface FakeWin {
  options: { webPreferences: Record<string, unknown> };
  loaded: string[];
  webContents: {
    handlers: Map<string, (...args: unknown[]) => void>;
    openHandler: (details: { url: string }) => { action: string };
    url: string;
    session: {
      permissionHandler: (c: unknown, p: string, cb: (ok: boolean) => void) => void;
      checkHandler: () => boolean;
    };
  };
}

function open(load: { file: string } | { url: string } = { file: '/app/out/renderer/index.html' }) {
  const openExternal = vi.fn(async () => true);
  createMainWindow({ preloadPath: '/app/out/preload/index.cjs', load, openExternal });
  return { win: made.windows.at(-1) as unknown as FakeWin, openExternal };
}

beforeEach(() => {
  made.windows.length = 0;
});

describe('window factory', () => {
  it('turns on every isolation option and loads the built page', () => {
    const { win } = open();
    expect(win.options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
    });
    expect(win.options.webPreferences).not.toHaveProperty('webSecurity');
    expect(win.loaded).toEqual(['/app/out/renderer/index.html']);
  });

  it('denies window.open and hands the link to the https-only opener', () => {
    const { win, openExternal } = open();
    expect(win.webContents.openHandler({ url: 'https://www.twilio.com/docs' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://www.twilio.com/docs');
  });

  it('blocks navigation away from the app but allows a reload of the same page', () => {
    const { win } = open();
    const navigate = win.webContents.handlers.get('will-navigate')!;
    const away = { preventDefault: vi.fn() };
    navigate(away, 'https://evil.example/');
    expect(away.preventDefault).toHaveBeenCalled();
    const reload = { preventDefault: vi.fn() };
    navigate(reload, win.webContents.url);
    expect(reload.preventDefault).not.toHaveBeenCalled();
    const webview = { preventDefault: vi.fn() };
    win.webContents.handlers.get('will-attach-webview')!(webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('denies every permission request and check', () => {
    const { win } = open();
    const answer = vi.fn();
    win.webContents.session.permissionHandler(null, 'media', answer);
    expect(answer).toHaveBeenCalledWith(false);
    expect(win.webContents.session.checkHandler()).toBe(false);
  });

  it('adds the strict CSP to responses (dev server relaxes styles only)', () => {
    open();
    const respond = vi.fn();
    electron.hook.current({ responseHeaders: { 'X-Other': ['1'] } }, respond);
    const headers = (respond.mock.calls[0]![0] as { responseHeaders: Record<string, string[]> })
      .responseHeaders;
    expect(headers['X-Other']).toEqual(['1']);
    const csp = headers['Content-Security-Policy']![0]!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe');

    open({ url: 'http://localhost:5173/' });
    const devRespond = vi.fn();
    electron.hook.current({ responseHeaders: {} }, devRespond);
    const devCsp = (devRespond.mock.calls[0]![0] as { responseHeaders: Record<string, string[]> })
      .responseHeaders['Content-Security-Policy']![0]!;
    expect(devCsp).toContain("script-src 'self';");
    expect(devCsp).not.toContain('unsafe-eval');
  });
});

describe('openExternal helper', () => {
  it('opens https links only', async () => {
    const shell = { openExternal: vi.fn(async () => undefined) };
    const openExternal = createOpenExternal(shell);
    expect(await openExternal('https://www.twilio.com/console')).toBe(true);
    for (const url of [
      'http://www.twilio.com',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'https://user:pw@evil.example',
      'not a url',
    ]) {
      expect(await openExternal(url)).toBe(false);
    }
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
    expect(shell.openExternal).toHaveBeenCalledWith('https://www.twilio.com/console');
  });
});

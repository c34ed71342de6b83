/**
 * A stand-in for Electron's BrowserWindow that records what src-main/window.ts asked for: its
 * options, what it loaded, and the handlers it put on the web contents and the session.
 * Use from a vi.mock('electron') factory: `vi.mock('electron', async () => (await import('./fake-window.ts')).fakeElectron())`.
 */
type Fn = (...args: unknown[]) => unknown;

type PermissionHandler = (contents: unknown, permission: string, cb: (ok: boolean) => void) => void;
type HeadersHook = (details: unknown, cb: (response: unknown) => void) => void;

export interface FakeSession {
  permissionHandler: PermissionHandler | null;
  checkHandler: ((...args: unknown[]) => boolean) | null;
  headersHook: HeadersHook | null;
  setPermissionRequestHandler(fn: PermissionHandler): void;
  setPermissionCheckHandler(fn: (...args: unknown[]) => boolean): void;
  webRequest: { onHeadersReceived(fn: HeadersHook): void };
}

export class FakeContents {
  handlers = new Map<string, Fn>();
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  url = 'app://qm-desk/index.html';
  session: FakeSession = {
    permissionHandler: null,
    checkHandler: null,
    headersHook: null,
    setPermissionRequestHandler(fn) {
      this.permissionHandler = fn;
    },
    setPermissionCheckHandler(fn) {
      this.checkHandler = fn;
    },
    webRequest: {
      onHeadersReceived: (fn) => {
        this.session.headersHook = fn;
      },
    },
  };
  setWindowOpenHandler(fn: FakeContents['openHandler']) {
    this.openHandler = fn;
  }
  on(name: string, fn: Fn) {
    this.handlers.set(name, fn);
  }
  getURL() {
    return this.url;
  }
}

export class FakeWindow {
  static made: FakeWindow[] = [];
  webContents = new FakeContents();
  options: { backgroundColor?: string; webPreferences: Record<string, unknown> } & Record<string, unknown>;
  loaded: string[] = [];
  constructor(options: FakeWindow['options']) {
    this.options = options;
    FakeWindow.made.push(this);
  }
  once() {}
  loadURL(url: string) {
    this.loaded.push(url);
    return Promise.resolve();
  }
  loadFile(file: string) {
    this.loaded.push(`loadFile:${file}`);
    return Promise.resolve();
  }
}

export function fakeElectron() {
  return { BrowserWindow: FakeWindow };
}

/** Calls a response-headers hook the way Electron's webRequest does and answers the headers it set. */
export function runHeadersHook(contents: FakeContents, responseHeaders: Record<string, string[]>) {
  let answer: { responseHeaders: Record<string, string[]> } | undefined;
  contents.session.headersHook!({ responseHeaders }, (response: unknown) => {
    answer = response as typeof answer;
  });
  return answer!.responseHeaders;
}

/**
 * Electron as a recorder for the entry point (src-main/index.ts): which handlers, windows,
 * schemes and lifecycle hooks it wires up, and in what order. Use from a vi.mock factory:
 * `vi.mock('electron', async () => (await import('./fake-app.ts')).electronModule())`, and set
 * `electron.isPackaged` before importing index.ts.
 */
import { vi } from 'vitest';

type Fn = (...args: unknown[]) => unknown;

export interface RecordedWindow {
  options: { backgroundColor: string; webPreferences: { preload: string } };
  loaded: string[];
  sent: unknown[][];
  painted: string[];
}

let nextId = 1;
const contents = () => ({
  id: nextId++,
  sent: [] as unknown[][],
  session: {
    setPermissionRequestHandler() {},
    setPermissionCheckHandler() {},
    webRequest: { onHeadersReceived() {} },
  },
  setWindowOpenHandler() {},
  on() {},
  removeListener() {},
  getURL: () => '',
  send(...args: unknown[]) {
    this.sent.push(args);
  },
});

export const electron = {
  isPackaged: true,
  lock: true,
  /** What happened, in order: 'privileged:app', 'ready', 'theme:dark', 'window', … */
  order: [] as string[],
  appHandlers: new Map<string, Fn>(),
  ipcHandlers: new Map<string, (event: unknown, payload: unknown) => unknown>(),
  protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
  privileged: [] as unknown[],
  windows: [] as RecordedWindow[],
  nativeTheme: {
    source: 'system',
    shouldUseDarkColors: false,
    listeners: new Map<string, Fn>(),
  },
  quit: vi.fn(),
  exit: vi.fn(),
  showSaveDialog: vi.fn(),
  writeText: vi.fn(),
  showItemInFolder: vi.fn(),
  openExternal: vi.fn(),
};

export function electronModule() {
  class BrowserWindow {
    static getAllWindows = () => electron.windows;
    static getFocusedWindow = () => electron.windows[0] ?? null;
    webContents = contents();
    options: unknown;
    loaded: string[] = [];
    painted: string[] = [];
    get sent() {
      return this.webContents.sent;
    }
    constructor(options: unknown) {
      this.options = options;
      electron.order.push('window');
      electron.windows.push(this as never);
    }
    once() {}
    isDestroyed() {
      return false;
    }
    setBackgroundColor(colour: string) {
      this.painted.push(colour);
    }
    loadFile(file: string) {
      this.loaded.push(`loadFile:${file}`);
      return Promise.resolve();
    }
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
  }
  const theme = electron.nativeTheme;
  return {
    app: {
      get isPackaged() {
        return electron.isPackaged;
      },
      requestSingleInstanceLock: () => electron.lock,
      setAppUserModelId() {},
      whenReady: () => {
        electron.order.push('ready');
        return Promise.resolve();
      },
      getPath: () => '/nonexistent/userData',
      getVersion: () => '9.8.7',
      on: (name: string, fn: Fn) => electron.appHandlers.set(name, fn),
      quit: electron.quit,
      exit: electron.exit,
    },
    BrowserWindow,
    ipcMain: {
      handle: (name: string, fn: (event: unknown, payload: unknown) => unknown) =>
        electron.ipcHandlers.set(name, fn),
      removeHandler: (name: string) => electron.ipcHandlers.delete(name),
    },
    protocol: {
      registerSchemesAsPrivileged(schemes: Array<{ scheme: string }>) {
        electron.privileged.push(...schemes);
        electron.order.push(...schemes.map((s) => `privileged:${s.scheme}`));
      },
      handle(scheme: string, fn: (request: Request) => Promise<Response>) {
        electron.order.push(`handle:${scheme}`);
        electron.protocolHandlers.set(scheme, fn);
      },
    },
    nativeTheme: {
      get themeSource() {
        return theme.source;
      },
      set themeSource(value: string) {
        electron.order.push(`theme:${value}`);
        theme.source = value;
      },
      get shouldUseDarkColors() {
        return theme.source === 'system' ? theme.shouldUseDarkColors : theme.source === 'dark';
      },
      on: (name: string, fn: Fn) => theme.listeners.set(name, fn),
    },
    shell: {
      openExternal: electron.openExternal,
      openPath: vi.fn(async () => ''),
      showItemInFolder: electron.showItemInFolder,
    },
    dialog: { showErrorBox: vi.fn(), showSaveDialog: electron.showSaveDialog },
    clipboard: { writeText: electron.writeText },
  };
}

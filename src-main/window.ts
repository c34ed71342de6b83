import { BrowserWindow, type Session, type WebContents } from 'electron';
import { contentSecurityPolicy } from './csp.ts';

export interface WindowOptions {
  preloadPath: string;
  /** Where the renderer lives: app://qm-desk/index.html, or the dev server's URL. */
  url: string;
  /** Loading from the dev server (its CSP lets Vite's hot reload work). */
  dev: boolean;
  /** The theme's background, painted before the page is (see theme.ts). */
  backgroundColor: string;
  openExternal: (url: string) => Promise<boolean>;
}

/** The hardened options; exported so a test can pin every one of them. */
export function secureWebPreferences(preloadPath: string): Electron.WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    spellcheck: false,
    navigateOnDragDrop: false,
    // Middle-click never opens anything (window opens are denied anyway): one path fewer.
    disableBlinkFeatures: 'Auxclick',
  };
}

/** The one BrowserWindow factory: every window QM Desk opens goes through here. */
export function createMainWindow(options: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 900,
    minHeight: 560,
    show: false,
    title: 'QM Desk',
    backgroundColor: options.backgroundColor,
    webPreferences: secureWebPreferences(options.preloadPath),
  });
  lockDown(win.webContents, options.openExternal);
  applySessionPolicy(win.webContents.session, options.dev);
  win.once('ready-to-show', () => win.show());
  win
    .loadURL(options.url)
    .catch((error: unknown) => console.error('QM Desk could not load its window:', (error as Error).message));
  return win;
}

/** No new windows, no navigation away from the app, no webviews. Links open in the browser (https only). */
export function lockDown(contents: WebContents, openExternal: (url: string) => Promise<boolean>): void {
  contents.setWindowOpenHandler(({ url }) => {
    openExternal(url).catch((error: unknown) =>
      console.error('Could not open the link:', (error as Error).message),
    );
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (url !== contents.getURL()) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/**
 * Deny every permission (camera, notifications, …) and put the CSP on every response: app://
 * sets it already (protocol.ts); this also covers the dev server, which sets none. Any CSP a
 * response brought, in whatever letter case, is replaced rather than doubled.
 */
export function applySessionPolicy(session: Session, dev: boolean): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  const csp = contentSecurityPolicy({ dev });
  session.webRequest.onHeadersReceived((details, callback) => {
    const others = Object.entries(details.responseHeaders ?? {}).filter(
      ([name]) => name.toLowerCase() !== 'content-security-policy',
    );
    callback({ responseHeaders: { ...Object.fromEntries(others), 'Content-Security-Policy': [csp] } });
  });
}

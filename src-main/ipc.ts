import type { IpcMain, IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';
import type { Dispatch } from './dispatch.ts';
import type { LoggerPort } from './ports.ts';
import { APP_INDEX_URL } from './protocol.ts';
import { listChannels, type Result } from '../src-preload/contract.ts';

/** Is this frame the main frame of our own page (app://qm-desk/index.html, or the dev server)? */
export type SenderCheck = (frame: WebFrameMain | null) => boolean;

/**
 * Production trusts exactly the main frame showing app://qm-desk/index.html; a dev build
 * (devOrigin set) trusts exactly the dev server's origin instead. Nothing else: no file://,
 * no other app:// host or page, no sub-frame.
 */
export function createSenderCheck(trusted: { devOrigin: string | null }): SenderCheck {
  return (frame) => {
    try {
      if (!frame || frame.parent !== null) return false;
      const url = new URL(frame.url);
      if (trusted.devOrigin !== null) return url.origin === trusted.devOrigin;
      // Compared as a whole URL (the hash aside): no prefix test that `..%2F` could slip past.
      url.hash = '';
      return url.href === APP_INDEX_URL;
    } catch {
      // Not a URL, or a frame Electron already disposed (its properties throw).
      return false;
    }
  };
}

/** What a log may say about a sender: its scheme and host (never a path or query), and whether it was a main frame. */
export function describeSender(frame: WebFrameMain | null): { origin: string; mainFrame: boolean | null } {
  if (!frame) return { origin: 'none', mainFrame: null };
  try {
    const url = new URL(frame.url);
    return {
      origin: url.host ? `${url.protocol}//${url.host}` : url.protocol,
      mainFrame: frame.parent === null,
    };
  } catch {
    return { origin: 'unknown', mainFrame: null };
  }
}

const FOREIGN: Result<never> = {
  ok: false,
  error: { code: 'forbidden_sender', message: 'This request did not come from the QM Desk window.' },
};

/** The part of a WebContents the request signals need. */
export type SignalSource = Pick<WebContents, 'id' | 'on' | 'removeListener'>;

/**
 * One AbortController per page: it aborts when the page that asked goes away (a reload or
 * navigation of the main frame, the window closing, the renderer crashing), so handlers stop
 * work nobody will see. The next page of the same window gets a fresh one.
 */
export function createRequestSignals() {
  const pages = new Map<number, { controller: AbortController; unwatch: () => void }>();

  function end(id: number): void {
    const page = pages.get(id);
    if (!page) return;
    pages.delete(id);
    page.unwatch();
    page.controller.abort(new Error('The window that asked was reloaded or closed.'));
  }

  function signalFor(contents: SignalSource): AbortSignal {
    const known = pages.get(contents.id);
    if (known) return known.controller.signal;
    const { id } = contents;
    const onNavigation = (details: { isMainFrame: boolean; isSameDocument: boolean }): void => {
      // In-page navigation (hash, pushState) keeps the page and its requests.
      if (details.isMainFrame && !details.isSameDocument) end(id);
    };
    const onGone = (): void => end(id);
    contents.on('did-start-navigation', onNavigation);
    contents.on('render-process-gone', onGone);
    contents.on('destroyed', onGone);
    const unwatch = (): void => {
      contents.removeListener('did-start-navigation', onNavigation);
      contents.removeListener('render-process-gone', onGone);
      contents.removeListener('destroyed', onGone);
    };
    const controller = new AbortController();
    pages.set(id, { controller, unwatch });
    return controller.signal;
  }

  return {
    signalFor,
    /** Aborts every page's signal (the app is quitting). */
    abortAll: () => [...pages.keys()].forEach(end),
  };
}

/** Binds every contract channel to ipcMain.handle. Returns a function that unbinds them. */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  dispatch: Dispatch,
  isTrusted: SenderCheck,
  logger: LoggerPort,
) {
  const names = listChannels().map((c) => c.name);
  const signals = createRequestSignals();
  for (const name of names) {
    ipcMain.handle(name, (event: IpcMainInvokeEvent, payload: unknown) => {
      if (!isTrusted(event.senderFrame)) {
        logger.warn('Refused an IPC request from a foreign sender', {
          channel: name,
          ...describeSender(event.senderFrame),
        });
        return FOREIGN;
      }
      const { sender } = event;
      return dispatch(name, payload, {
        signal: signals.signalFor(sender),
        sender: `webContents:${sender.id}`,
      });
    });
  }
  return () => {
    names.forEach((name) => ipcMain.removeHandler(name));
    signals.abortAll();
  };
}

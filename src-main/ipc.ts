import { pathToFileURL } from 'node:url';
import type { IpcMain, IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';
import type { Dispatch } from './dispatch.ts';
import { listChannels, type Result } from '../src-preload/contract.ts';

/** Is this frame the main frame of our own page (the built file, or the dev server)? */
export type SenderCheck = (frame: WebFrameMain | null) => boolean;

export function createSenderCheck(trusted: { devOrigin: string | null; indexFile: string }): SenderCheck {
  // Compared as whole URLs: no path-prefix test that `..%2F` or a UNC host could slip past.
  const page = pathToFileURL(trusted.indexFile).href;
  return (frame) => {
    if (!frame || frame.parent !== null) return false;
    let url: URL;
    try {
      url = new URL(frame.url);
    } catch {
      return false;
    }
    if (trusted.devOrigin !== null && url.origin === trusted.devOrigin) return true;
    url.hash = '';
    return url.href === page;
  };
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
) {
  const names = listChannels().map((c) => c.name);
  const signals = createRequestSignals();
  for (const name of names) {
    ipcMain.handle(name, (event: IpcMainInvokeEvent, payload: unknown) => {
      if (!isTrusted(event.senderFrame)) return FOREIGN;
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

import { pathToFileURL } from 'node:url';
import type { IpcMain, IpcMainInvokeEvent, WebFrameMain } from 'electron';
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

/** Binds every contract channel to ipcMain.handle. Returns a function that unbinds them. */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  dispatch: Dispatch,
  isTrusted: SenderCheck,
) {
  const names = listChannels().map((c) => c.name);
  for (const name of names) {
    ipcMain.handle(name, (event: IpcMainInvokeEvent, payload: unknown) =>
      isTrusted(event.senderFrame) ? dispatch(name, payload) : FOREIGN,
    );
  }
  return () => names.forEach((name) => ipcMain.removeHandler(name));
}

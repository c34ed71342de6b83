import type { IpcMain, IpcMainInvokeEvent, WebFrameMain } from 'electron';
import type { Dispatch } from './dispatch.ts';
import { listChannels, type Result } from '../src-preload/contract.ts';

/** Is this frame the main frame of our own page (the built file, or the dev server)? */
export type SenderCheck = (frame: WebFrameMain | null) => boolean;

export function createSenderCheck(trusted: { devOrigin: string | null; rendererDir: string }): SenderCheck {
  return (frame) => {
    if (!frame || frame.parent !== null) return false;
    let url: URL;
    try {
      url = new URL(frame.url);
    } catch {
      return false;
    }
    if (trusted.devOrigin && url.origin === trusted.devOrigin) return true;
    if (url.protocol !== 'file:') return false;
    const path = decodeURIComponent(url.pathname);
    const dir = trusted.rendererDir.replaceAll('\\', '/').replace(/\/?$/, '/');
    return path.startsWith(dir) || path.startsWith(`/${dir}`);
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

// Electron entry: app lifecycle, and the ONLY place that wires Electron to the services.
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, shell } from 'electron';
import { createKeytarSecrets, DEFAULT_KEYCHAIN_SERVICE as APP_ID } from './accounts/keytar-secrets.ts';
import { createDispatch } from './dispatch.ts';
import { AppError } from './errors.ts';
import { createOpenExternal } from './external.ts';
import { createHandlers } from './handlers.ts';
import { createSenderCheck, registerIpc } from './ipc.ts';
import { systemClock, type Ports } from './ports.ts';
import { createServices, type Services } from './services.ts';
import { createMainWindow, lockDown } from './window.ts';
import { eventChannel } from '../src-preload/contract.ts';

const here = import.meta.dirname;
const indexFile = join(here, '../renderer/index.html');
const devUrl = !app.isPackaged ? (process.env['ELECTRON_RENDERER_URL'] ?? null) : null;
const openExternal = createOpenExternal(shell);

function electronPorts(): Ports {
  return {
    secrets: createKeytarSecrets({ service: APP_ID }),
    paths: { userData: process.env['QM_DATA_DIR'] || app.getPath('userData') },
    shell: {
      openPath: async (path) => {
        const failure = await shell.openPath(path);
        if (failure) throw new Error(failure);
      },
    },
    clock: systemClock,
    events: {
      emit: (name, payload) => {
        for (const win of BrowserWindow.getAllWindows()) win.webContents.send(eventChannel(name), payload);
      },
    },
    runtime: { appVersion: app.getVersion(), electronVersion: process.versions.electron ?? null },
    env: process.env,
  };
}

function openWindow(): void {
  createMainWindow({
    preloadPath: join(here, '../preload/index.cjs'),
    load: devUrl ? { url: devUrl } : { file: indexFile },
    openExternal,
  });
}

async function start(): Promise<void> {
  app.setAppUserModelId(APP_ID);
  // Any web contents created later (there should be none) gets the same locks.
  app.on('web-contents-created', (_event, contents) => lockDown(contents, openExternal));
  await app.whenReady();
  const services: Services = await createServices(electronPorts());
  const unbind = registerIpc(
    ipcMain,
    createDispatch(createHandlers(services)),
    createSenderCheck({
      devOrigin: devUrl ? new URL(devUrl).origin : null,
      indexFile,
    }),
  );
  openWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    unbind();
    void services.close();
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const [win] = BrowserWindow.getAllWindows();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  start().catch((error: unknown) => {
    // AppError messages say what to do; anything else gets the generic line, never its internals.
    const message =
      error instanceof AppError ? error.message : 'An unexpected error stopped QM Desk from starting.';
    console.error('QM Desk could not start:', error instanceof Error ? error.message : error);
    dialog.showErrorBox('QM Desk could not start', message);
    app.exit(1);
  });
}

// Electron entry: app lifecycle, and the ONLY place that wires Electron to the services.
import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  nativeTheme,
  protocol,
  shell,
  type SaveDialogOptions,
} from 'electron';
import { createKeytarSecrets, DEFAULT_KEYCHAIN_SERVICE as APP_ID } from './accounts/keytar-secrets.ts';
import { createDispatch } from './dispatch.ts';
import { AppError } from './errors.ts';
import { createOpenExternal } from './external.ts';
import { createHandlers } from './handlers.ts';
import { createSenderCheck, registerIpc } from './ipc.ts';
import { createFileLogger } from './logging/file-logger.ts';
import { systemClock, type Ports } from './ports.ts';
import { APP_INDEX_URL, APP_SCHEME_PRIVILEGES, handleAppScheme } from './protocol.ts';
import { createServices, type Services } from './services.ts';
import { applyTheme, repaintWindows, windowBackground, type ThemeTarget } from './theme.ts';
import { createMainWindow, lockDown } from './window.ts';
import { eventChannel, type Events } from '../src-preload/contract.ts';

const here = import.meta.dirname;
/** The built renderer, served as app://qm-desk/ (protocol.ts). */
const rendererDir = join(here, '../renderer');
const devUrl = !app.isPackaged ? (process.env['ELECTRON_RENDERER_URL'] ?? null) : null;
const openExternal = createOpenExternal(shell);
const themeTarget: ThemeTarget = { nativeTheme, windows: () => BrowserWindow.getAllWindows() };
/** How long quitting waits for jobs to stop and stores to close before the process exits anyway. */
const QUIT_TIMEOUT_MS = 8_000;
/** A stalled disk (a network home folder) must not keep the app from quitting for its log. */
const LOG_CLOSE_TIMEOUT_MS = 2_000;

/** Profiles, settings, stores and logs; QM_DATA_DIR moves them (a second profile, a portable copy). */
const userData = process.env['QM_DATA_DIR'] || app.getPath('userData');
/** The log file (userData/logs, rotated, secrets scrubbed); warnings and errors are echoed to stderr. */
const logger = createFileLogger({ dir: join(userData, 'logs'), echo: (line) => console.error(line) });

// Whatever escapes a handler is logged with its stack, not lost to a console nobody sees.
process.on('uncaughtException', (error) => {
  logger.error('Uncaught exception in the main process', { error: error.stack ?? String(error) });
});
process.on('unhandledRejection', (reason) => {
  logger.error('Unhandled rejection in the main process', {
    error: reason instanceof Error ? (reason.stack ?? reason.message) : String(reason),
  });
});

function electronPorts(): Ports {
  return {
    secrets: createKeytarSecrets({ service: APP_ID }),
    paths: { userData },
    shell: {
      openPath: async (path) => {
        const failure = await shell.openPath(path);
        if (failure) throw new Error(failure);
      },
      showItemInFolder: (path) => shell.showItemInFolder(path),
    },
    dialogs: {
      // Sheet-style on the window the reviewer is working in; the path is main's, never the renderer's.
      async saveFile({ title, defaultName, filters }) {
        const options: SaveDialogOptions = {
          title,
          defaultPath: join(app.getPath('documents'), defaultName),
          filters,
          properties: ['createDirectory', 'showOverwriteConfirmation'],
        };
        const win = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
        const answer = await (win ? dialog.showSaveDialog(win, options) : dialog.showSaveDialog(options));
        return answer.canceled || !answer.filePath ? null : answer.filePath;
      },
    },
    clipboard: { writeText: (text) => clipboard.writeText(text) },
    clock: systemClock,
    events: {
      // Job events too: every window gets every event, and heals from jobs.list after a reload.
      emit: (name, payload) => {
        if (name === 'settings.changed') {
          applyTheme((payload as Events['settings.changed']).theme, themeTarget);
        }
        for (const win of BrowserWindow.getAllWindows()) {
          if (!win.isDestroyed()) win.webContents.send(eventChannel(name), payload);
        }
      },
    },
    runtime: { appVersion: app.getVersion(), electronVersion: process.versions.electron ?? null },
    logger,
    logs: logger,
    env: process.env,
  };
}

function openWindow(): void {
  createMainWindow({
    preloadPath: join(here, '../preload/index.cjs'),
    url: devUrl ?? APP_INDEX_URL,
    dev: devUrl !== null,
    backgroundColor: windowBackground(nativeTheme.themeSource, nativeTheme.shouldUseDarkColors),
    openExternal,
  });
}

async function start(): Promise<void> {
  app.setAppUserModelId(APP_ID);
  // Any web contents created later (there should be none) gets the same locks.
  app.on('web-contents-created', (_event, contents) => lockDown(contents, openExternal));
  await app.whenReady();
  handleAppScheme(protocol, rendererDir);
  const ports = electronPorts();
  const services: Services = await createServices(ports, { watchProfiles: true });
  const unbind = registerIpc(
    ipcMain,
    createDispatch(createHandlers(services), ports.logger),
    createSenderCheck({ devOrigin: devUrl ? new URL(devUrl).origin : null }),
    ports.logger,
  );
  // The saved theme before the first window exists, so it opens in the right colours.
  applyTheme((await services.app.getSettings()).theme, themeTarget);
  nativeTheme.on('updated', () => repaintWindows(themeTarget));
  openWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Quitting waits (bounded) for running jobs to stop and the stores to close, then exits.
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    unbind();
    void withTimeout(services.close(), QUIT_TIMEOUT_MS)
      .then(() => withTimeout(logger.close(), LOG_CLOSE_TIMEOUT_MS))
      .finally(() => app.exit(0));
  });
}

/** Resolves when the work ends or the time is up, whichever comes first; never rejects. */
function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((done) => {
    timer = setTimeout(() => {
      logger.warn(`Closing took longer than ${ms} ms; quitting anyway`);
      done();
    }, ms);
  });
  return Promise.race([work.catch(() => undefined), late]).finally(() => clearTimeout(timer));
}

// Before ready, or Chromium will not treat app:// as a standard, secure origin.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

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
    logger.error('QM Desk could not start', {
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    dialog.showErrorBox('QM Desk could not start', message);
    void withTimeout(logger.close(), LOG_CLOSE_TIMEOUT_MS).finally(() => app.exit(1));
  });
}

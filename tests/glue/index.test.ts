import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listChannels, type JobSnapshot, type Result } from '../../src-preload/contract.ts';
import { startSimulator, type Simulator } from '../simulator/index.ts';

// Electron as a recorder: which handlers, windows and lifecycle hooks index.ts wires up.
const electron = vi.hoisted(() => {
  const appHandlers = new Map<string, (...args: unknown[]) => void>();
  const ipcHandlers = new Map<string, (event: unknown, payload: unknown) => unknown>();
  const windows: Array<{
    options: { webPreferences: { preload: string } };
    loaded: string[];
    sent: unknown[][];
  }> = [];
  return {
    appHandlers,
    ipcHandlers,
    windows,
    quit: vi.fn(),
    exit: vi.fn(),
    lock: true,
    showSaveDialog: vi.fn(),
    writeText: vi.fn(),
    showItemInFolder: vi.fn(),
  };
});

vi.mock('electron', () => {
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
  class BrowserWindow {
    static getAllWindows = () => electron.windows;
    static getFocusedWindow = () => electron.windows[0] ?? null;
    webContents = contents();
    options: unknown;
    loaded: string[] = [];
    get sent() {
      return this.webContents.sent;
    }
    constructor(options: unknown) {
      this.options = options;
      electron.windows.push(this as never);
    }
    once() {}
    isDestroyed() {
      return false;
    }
    loadFile(file: string) {
      this.loaded.push(file);
      return Promise.resolve();
    }
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
  }
  return {
    app: {
      isPackaged: true,
      requestSingleInstanceLock: () => electron.lock,
      setAppUserModelId() {},
      whenReady: () => Promise.resolve(),
      getPath: () => '/nonexistent/userData',
      getVersion: () => '9.8.7',
      on: (name: string, fn: (...args: unknown[]) => void) => electron.appHandlers.set(name, fn),
      quit: electron.quit,
      exit: electron.exit,
    },
    BrowserWindow,
    ipcMain: {
      handle: (name: string, fn: (event: unknown, payload: unknown) => unknown) =>
        electron.ipcHandlers.set(name, fn),
      removeHandler: (name: string) => electron.ipcHandlers.delete(name),
    },
    shell: {
      openExternal: vi.fn(),
      openPath: vi.fn(async () => ''),
      showItemInFolder: electron.showItemInFolder,
    },
    dialog: { showErrorBox: vi.fn(), showSaveDialog: electron.showSaveDialog },
    clipboard: { writeText: electron.writeText },
  };
});

// Never the developer's real keychain from a glue test.
vi.mock('../../src-main/accounts/keytar-secrets.ts', async (importOriginal) => {
  const { createMemorySecrets } = await import('../../src-main/accounts/memory-secrets.ts');
  return { ...(await importOriginal<object>()), createKeytarSecrets: () => createMemorySecrets() };
});

let dataDir: string;
let sim: Simulator;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'qm-glue-'));
  // The Environment account, pointed at the simulator: the export glue needs an account with data.
  sim = await startSimulator({ seed: 3, assessments: 300 });
  vi.stubEnv('TWILIO_ACCOUNT_SID', sim.accounts[0]!.accountSid);
  vi.stubEnv('TWILIO_AUTH_TOKEN', sim.accounts[0]!.authToken);
  vi.stubEnv('QM_BASE_URL', sim.url);
  vi.stubEnv('QM_DATA_DIR', dataDir);
  vi.stubEnv('ELECTRON_RENDERER_URL', 'http://localhost:5173');
  await import('../../src-main/index.ts');
  await vi.waitFor(() => expect(electron.windows).toHaveLength(1));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await sim?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const rendererDir = join(import.meta.dirname, '../../src-main/../renderer');
const sender = { id: 99, on() {}, removeListener() {} };
const trusted = {
  senderFrame: { url: pathToFileURL(join(rendererDir, 'index.html')).href, parent: null },
  sender,
};

describe('Electron entry', () => {
  it('binds every contract channel', () => {
    expect([...electron.ipcHandlers.keys()].sort()).toEqual(
      listChannels()
        .map((c) => c.name)
        .sort(),
    );
  });

  it('opens one window with the bundled preload and the built page (a packaged app ignores the dev URL)', () => {
    const [win] = electron.windows;
    expect(win!.options.webPreferences.preload).toMatch(/preload[\\/]index\.cjs$/);
    expect(win!.loaded).toEqual([join(rendererDir, 'index.html')]);
  });

  it('serves the data folder from QM_DATA_DIR and the app version from Electron', async () => {
    const result = await electron.ipcHandlers.get('qm:app.info')!(trusted, undefined);
    expect(result).toMatchObject({ ok: true, data: { dataDir, version: '9.8.7' } });
  });

  it('refuses the dev server origin in a packaged app', async () => {
    const dev = { senderFrame: { url: 'http://localhost:5173/', parent: null }, sender };
    expect(await electron.ipcHandlers.get('qm:app.info')!(dev, undefined)).toMatchObject({
      ok: false,
      error: { code: 'forbidden_sender' },
    });
  });

  it('pushes service events to the window', async () => {
    await electron.ipcHandlers.get('qm:settings.update')!(trusted, { theme: 'light' });
    expect(electron.windows[0]!.sent).toContainEqual(['qm:event:settings.changed', { theme: 'light' }]);
  });

  it('answers the new channels through the real services (jobs, store)', async () => {
    expect(await electron.ipcHandlers.get('qm:jobs.list')!(trusted, undefined)).toEqual({
      ok: true,
      data: [],
    });
    expect(
      await electron.ipcHandlers.get('qm:store.overview')!(trusted, { profileId: 'nobody' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'profile_not_found' },
    });
  });

  /** Calls a channel as the trusted page and answers its data (the call must succeed). */
  async function call<T>(channel: string, payload: unknown): Promise<T> {
    const result = (await electron.ipcHandlers.get(channel)!(trusted, payload)) as Result<T>;
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.data;
  }
  async function ended(jobId: string): Promise<JobSnapshot> {
    let job: JobSnapshot | undefined;
    await vi.waitFor(
      async () => {
        job = (await call<JobSnapshot[]>('qm:jobs.list', undefined)).find((j) => j.jobId === jobId);
        expect(job?.state).not.toBe('running');
      },
      { timeout: 20_000, interval: 50 },
    );
    return job!;
  }

  it('export: the save dialog opens on the window in main, the file is written, revealed, and rows reach the clipboard', async () => {
    const segmentId = sim.data.segmentIds().find((s) => sim.data.countAssessments({ segmentId: s }) > 0)!;
    const sync = await call<JobSnapshot>('qm:sync.start', {
      profileId: 'env',
      target: { segments: [segmentId] },
    });
    expect((await ended(sync.jobId)).state).toBe('done');

    const file = join(dataDir, 'glue-export.csv');
    electron.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: file });
    const request = {
      profileId: 'env',
      kind: 'assessments',
      columns: ['sid', 'answer'],
      filters: { segmentIds: [segmentId] },
    };
    const started = await call<JobSnapshot>('qm:export.start', request);
    expect(electron.showSaveDialog).toHaveBeenCalledWith(
      electron.windows[0],
      expect.objectContaining({
        title: 'Export assessments',
        defaultPath: expect.stringMatching(/assessments-environment-\d{4}-\d{2}-\d{2}\.csv$/),
        filters: [{ name: expect.any(String), extensions: ['csv'] }],
      }),
    );
    const done = await ended(started.jobId);
    expect(done).toMatchObject({ state: 'done', result: { rows: sim.data.countAssessments({ segmentId }) } });
    await call('qm:export.reveal', { jobId: started.jobId });
    expect(electron.showItemInFolder).toHaveBeenCalledWith(file);

    electron.showSaveDialog.mockResolvedValueOnce({ canceled: true, filePath: '' });
    expect(await call('qm:export.start', request)).toBeNull();

    const rows = await call<{ rows: Array<{ sid: string; answer: string }> }>('qm:store.assessments', {
      profileId: 'env',
      filters: { segmentIds: [segmentId] },
      limit: 2,
    });
    const keys = rows.rows.map((r) => r.sid);
    expect(
      await call('qm:export.copyRows', { profileId: 'env', kind: 'assessments', keys, columns: ['sid'] }),
    ).toEqual({
      profileId: 'env',
      rows: 2,
    });
    expect(electron.writeText).toHaveBeenCalledWith(`Assessment SID\r\n${keys.join('\r\n')}\r\n`);
  });

  it('on quit: holds the quit once, unbinds IPC, awaits closing the services, then exits', async () => {
    const quit = electron.appHandlers.get('before-quit')!;
    const first = { preventDefault: vi.fn() };
    quit(first);
    expect(first.preventDefault).toHaveBeenCalledTimes(1);
    expect(electron.ipcHandlers.size).toBe(0);
    expect(electron.exit).not.toHaveBeenCalled(); // not before the services closed
    await vi.waitFor(() => expect(electron.exit).toHaveBeenCalledWith(0));
    // app.exit() does not ask again, but a second quit request while closing must not be held twice.
    const second = { preventDefault: vi.fn() };
    quit(second);
    expect(second.preventDefault).not.toHaveBeenCalled();
  });
});

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { electron } from './fake-app.ts';
import { contentSecurityPolicy } from '../../src-main/csp.ts';
import { APP_SCHEME_PRIVILEGES } from '../../src-main/protocol.ts';
import { WINDOW_BACKGROUND } from '../../src-main/theme.ts';
import { listChannels, type JobSnapshot, type Result } from '../../src-preload/contract.ts';
import { startSimulator, type Simulator } from '../simulator/index.ts';

// Electron as a recorder (fake-app.ts): which handlers, windows and lifecycle hooks index.ts wires up.
vi.mock('electron', async () => (await import('./fake-app.ts')).electronModule());

// Never the developer's real keychain from a glue test.
vi.mock('../../src-main/accounts/keytar-secrets.ts', async (importOriginal) => {
  const { createMemorySecrets } = await import('../../src-main/accounts/memory-secrets.ts');
  return { ...(await importOriginal<object>()), createKeytarSecrets: () => createMemorySecrets() };
});

let dataDir: string;
let sim: Simulator;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'qm-glue-'));
  // A reviewer who chose dark last time, on an OS that is light: the window must open dark.
  await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ version: 1, theme: 'dark' }));
  electron.isPackaged = true;
  electron.nativeTheme.shouldUseDarkColors = false;
  // The Environment account, pointed at the simulator: the export glue needs an account with data.
  sim = await startSimulator({ seed: 3, assessments: 300 });
  vi.stubEnv('TWILIO_ACCOUNT_SID', sim.accounts[0]!.accountSid);
  vi.stubEnv('TWILIO_AUTH_TOKEN', sim.accounts[0]!.authToken);
  vi.stubEnv('QM_BASE_URL', sim.url);
  vi.stubEnv('QM_DATA_DIR', dataDir);
  vi.stubEnv('ELECTRON_RENDERER_URL', 'http://localhost:5173');
  await import('../../src-main/index.ts');
  await vi.waitFor(() => expect(electron.windows).toHaveLength(1), { timeout: 10_000 });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await sim?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const sender = { id: 99, on() {}, removeListener() {} };
const trusted = { senderFrame: { url: 'app://qm-desk/index.html', parent: null }, sender };

describe('Electron entry', () => {
  it('binds every contract channel', () => {
    expect([...electron.ipcHandlers.keys()].sort()).toEqual(
      listChannels()
        .map((c) => c.name)
        .sort(),
    );
  });

  it('registers app:// as a privileged scheme before the app is ready, and serves it once ready', () => {
    expect(electron.privileged).toEqual([APP_SCHEME_PRIVILEGES]);
    const order = electron.order;
    expect(order.indexOf('privileged:app')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('privileged:app')).toBeLessThan(order.indexOf('ready'));
    expect(order.indexOf('handle:app')).toBeGreaterThan(order.indexOf('ready'));
    expect(order.indexOf('handle:app')).toBeLessThan(order.indexOf('window'));
  });

  it('serves app:// with the strict CSP header (from next to the bundled main: out/renderer)', async () => {
    const serve = electron.protocolHandlers.get('app')!;
    // The glue test runs from src-main/, whose ../renderer has no build: a 404, with the headers.
    const response = await serve(new Request('app://qm-desk/..%2f..%2fpackage.json'));
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('qm-desk');
    expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy({ dev: false }));
  });

  it('opens one window with the bundled preload and app://qm-desk/index.html (a packaged app ignores the dev URL)', () => {
    const [win] = electron.windows;
    expect(win!.options.webPreferences.preload).toMatch(/preload[\\/]index\.cjs$/);
    expect(win!.loaded).toEqual(['app://qm-desk/index.html']);
  });

  it('applies the saved theme before the window exists, and opens the window in its colour', () => {
    const order = electron.order;
    expect(order.indexOf('theme:dark')).toBeGreaterThan(order.indexOf('ready'));
    expect(order.indexOf('theme:dark')).toBeLessThan(order.indexOf('window'));
    expect(electron.windows[0]!.options.backgroundColor).toBe(WINDOW_BACKGROUND.dark);
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

  it('pushes service events to the window, and a theme change to nativeTheme and the window colour', async () => {
    await electron.ipcHandlers.get('qm:settings.update')!(trusted, { theme: 'light' });
    expect(electron.windows[0]!.sent).toContainEqual([
      'qm:event:settings.changed',
      expect.objectContaining({ theme: 'light' }),
    ]);
    expect(electron.nativeTheme.source).toBe('light');
    expect(electron.windows[0]!.painted.at(-1)).toBe(WINDOW_BACKGROUND.light);
    // Back to the OS's choice; the OS then turns dark: the window follows.
    await electron.ipcHandlers.get('qm:settings.update')!(trusted, { theme: 'system' });
    expect(electron.windows[0]!.painted.at(-1)).toBe(WINDOW_BACKGROUND.light);
    electron.nativeTheme.shouldUseDarkColors = true;
    electron.nativeTheme.listeners.get('updated')!();
    expect(electron.windows[0]!.painted.at(-1)).toBe(WINDOW_BACKGROUND.dark);
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

  it('keeps a log file in the data folder: the refused sender is in it, the logs folder is the one it reports', async () => {
    const log = join(dataDir, 'logs', 'qm-desk.log');
    await vi.waitFor(
      async () => {
        const lines = (await readFile(log, 'utf8'))
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l));
        expect(lines).toContainEqual(
          expect.objectContaining({
            level: 'warn',
            message: 'Refused an IPC request from a foreign sender',
            detail: expect.objectContaining({ channel: 'qm:app.info', origin: 'http://localhost:5173' }),
          }),
        );
      },
      { timeout: 10_000 },
    );
    expect(await electron.ipcHandlers.get('qm:app.info')!(trusted, undefined)).toMatchObject({
      ok: true,
      data: { logsDir: join(dataDir, 'logs') },
    });
  });

  it('on quit: holds the quit once, unbinds IPC, awaits closing the services, then exits', async () => {
    const quit = electron.appHandlers.get('before-quit')!;
    const first = { preventDefault: vi.fn() };
    quit(first);
    expect(first.preventDefault).toHaveBeenCalledTimes(1);
    expect(electron.ipcHandlers.size).toBe(0);
    expect(electron.exit).not.toHaveBeenCalled(); // not before the services closed
    await vi.waitFor(() => expect(electron.exit).toHaveBeenCalledWith(0), { timeout: 10_000 });
    // app.exit() does not ask again, but a second quit request while closing must not be held twice.
    const second = { preventDefault: vi.fn() };
    quit(second);
    expect(second.preventDefault).not.toHaveBeenCalled();
  });
});

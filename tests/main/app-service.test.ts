import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAccountsService } from '../../src-main/accounts/service.ts';
import { createAppService, type AppDeps } from '../../src-main/app-service.ts';
import { DIAGNOSTICS_PROBLEMS } from '../../src-main/diagnostics.ts';
import { AppError } from '../../src-main/errors.ts';
import { silentLogger, type LogRecord } from '../../src-main/ports.ts';
import {
  SETTINGS_DEFAULTS,
  type AccountsState,
  type ProfileView,
  type Settings,
} from '../../src-preload/contract.ts';
import { createFixture, KEY_A, leakForms, profile, SID_A, SID_B } from '../support/accounts-fixture.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qm-app-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const noAccounts: AccountsState = {
  profiles: [],
  activeId: null,
  keychain: { usable: true },
  recovered: null,
};

function ports(userData = dir, overrides: Partial<AppDeps> = {}) {
  return {
    paths: { userData },
    shell: { openPath: vi.fn(async () => undefined) },
    events: { emit: vi.fn() },
    runtime: { appVersion: '1.2.3', electronVersion: null },
    clock: { now: () => NOW },
    logger: silentLogger,
    accountsState: async () => noAccounts,
    ...overrides,
  };
}

const settingsFile = () => join(dir, 'settings.json');
const onDisk = async () => JSON.parse(await readFile(settingsFile(), 'utf8')) as Record<string, unknown>;

function record(level: LogRecord['level'], message: string, detail?: Record<string, unknown>): LogRecord {
  return { time: new Date(NOW).toISOString(), level, message, ...(detail ? { detail } : {}) };
}

describe('app service: info and folders', () => {
  it('reports version, runtime, data folder and the default logs folder', async () => {
    const info = await (await createAppService(ports())).info();
    expect(info).toMatchObject({
      name: 'QM Desk',
      version: '1.2.3',
      electron: null,
      dataDir: dir,
      logsDir: join(dir, 'logs'),
    });
    expect(info.node).toBe(process.versions.node);
  });

  it('reports the logs port folder when there is one', async () => {
    const logs = { dir: join(dir, 'elsewhere', 'logs'), recent: () => [] };
    const info = await (await createAppService(ports(dir, { logs }))).info();
    expect(info.logsDir).toBe(logs.dir);
  });

  it('creates a missing data folder and opens it through the shell port', async () => {
    const nested = join(dir, 'a', 'b');
    const p = ports(nested);
    const app = await createAppService(p);
    await app.openDataFolder();
    expect(p.shell.openPath).toHaveBeenCalledWith(nested);
    expect(await readdir(join(dir, 'a'))).toEqual(['b']);
  });

  it('creates the logs folder before opening it', async () => {
    const p = ports();
    const app = await createAppService(p);
    await expect(app.openLogsFolder()).resolves.toBeNull();
    expect(p.shell.openPath).toHaveBeenCalledWith(join(dir, 'logs'));
    expect((await stat(join(dir, 'logs'))).isDirectory()).toBe(true);
  });
});

describe('app service: settings', () => {
  it('starts from the defaults and persists a change atomically, announcing the whole settings', async () => {
    const p = ports();
    const app = await createAppService(p);
    expect(await app.getSettings()).toEqual(SETTINGS_DEFAULTS);
    const expected: Settings = { ...SETTINGS_DEFAULTS, theme: 'dark' };
    expect(await app.updateSettings({ theme: 'dark' })).toEqual(expected);
    expect(p.events.emit).toHaveBeenCalledWith('settings.changed', expected);
    expect(await readdir(dir)).toEqual(['settings.json']);
    expect(await onDisk()).toEqual({ version: 1, ...expected });
    expect(await (await createAppService(ports())).getSettings()).toEqual(expected);
  });

  it('merges a deep-partial patch: untouched fields, and fields sent as undefined, keep their value', async () => {
    const app = await createAppService(ports());
    await app.updateSettings({ sync: { pageSize: 200, concurrency: 4 }, export: { bom: false } });
    const after = await app.updateSettings({
      sync: { pageSize: 50, concurrency: undefined },
      export: { columns: 'all' },
    });
    expect(after).toEqual({
      theme: 'system',
      sync: { pageSize: 50, concurrency: 4 },
      export: { bom: false, formulaGuard: true, columns: 'all' },
    });
    expect(await (await createAppService(ports())).getSettings()).toEqual(after);
  });

  it('answers copies: changing what it returned does not change the settings', async () => {
    const app = await createAppService(ports());
    const got = await app.getSettings();
    got.sync.pageSize = 7;
    expect((await app.getSettings()).sync.pageSize).toBe(SETTINGS_DEFAULTS.sync.pageSize);
  });

  it('applies quick successive updates in order, on disk too', async () => {
    const app = await createAppService(ports());
    const sizes = [10, 20, 30, 40, 50];
    await Promise.all(sizes.map((pageSize) => app.updateSettings({ sync: { pageSize } })));
    expect((await app.getSettings()).sync.pageSize).toBe(50);
    expect(await onDisk()).toMatchObject({ version: 1, sync: { pageSize: 50 } });
  });

  it('refuses an out-of-range value from inside main, changing nothing', async () => {
    const p = ports();
    const app = await createAppService(p);
    await app.updateSettings({ theme: 'light' });
    const error = await app.updateSettings({ sync: { concurrency: 0 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('invalid_request');
    expect(await app.getSettings()).toEqual({ ...SETTINGS_DEFAULTS, theme: 'light' });
    expect(await onDisk()).toEqual({ version: 1, ...SETTINGS_DEFAULTS, theme: 'light' });
    expect(p.events.emit).toHaveBeenCalledTimes(1);
    // The queue goes on after a refused update.
    expect((await app.updateSettings({ theme: 'dark' })).theme).toBe('dark');
  });

  it('reads a version 1 file that has only the theme, and writes the new shape back', async () => {
    await writeFile(settingsFile(), JSON.stringify({ version: 1, theme: 'dark' }));
    const app = await createAppService(ports());
    expect(await app.getSettings()).toEqual({ ...SETTINGS_DEFAULTS, theme: 'dark' });
    await app.updateSettings({ export: { formulaGuard: false } });
    expect(await onDisk()).toEqual({
      version: 1,
      theme: 'dark',
      sync: SETTINGS_DEFAULTS.sync,
      export: { ...SETTINGS_DEFAULTS.export, formulaGuard: false },
    });
  });

  it('falls back field by field: invalid or unknown fields take defaults, valid ones stay', async () => {
    await writeFile(
      settingsFile(),
      JSON.stringify({
        version: 1,
        theme: 'neon',
        sync: { pageSize: 250, concurrency: 999 },
        export: { bom: false, formulaGuard: 'yes', columns: 'some', extra: true },
        future: { anything: 1 },
      }),
    );
    const app = await createAppService(ports());
    expect(await app.getSettings()).toEqual({
      theme: SETTINGS_DEFAULTS.theme,
      sync: { pageSize: 250, concurrency: SETTINGS_DEFAULTS.sync.concurrency },
      export: {
        bom: false,
        formulaGuard: SETTINGS_DEFAULTS.export.formulaGuard,
        columns: SETTINGS_DEFAULTS.export.columns,
      },
    });
  });

  it('takes defaults for a whole section that is not an object', async () => {
    await writeFile(
      settingsFile(),
      JSON.stringify({ version: 1, theme: 'light', sync: 'fast', export: null }),
    );
    const app = await createAppService(ports());
    expect(await app.getSettings()).toEqual({ ...SETTINGS_DEFAULTS, theme: 'light' });
  });

  it('falls back to defaults on a corrupt settings file and repairs it on the next write', async () => {
    await writeFile(settingsFile(), '{"version":1,"theme":');
    const app = await createAppService(ports());
    expect(await app.getSettings()).toEqual(SETTINGS_DEFAULTS);
    await app.updateSettings({ theme: 'light' });
    expect(await onDisk()).toEqual({ version: 1, ...SETTINGS_DEFAULTS, theme: 'light' });
  });
});

describe('app service: diagnostics', () => {
  const view = (source: ProfileView['source'], extra: Partial<ProfileView> = {}): ProfileView => ({
    id: `${source}-1`,
    label: `Label of ${source}`,
    accountSid: SID_B,
    credential: { kind: 'authToken' },
    region: null,
    edge: null,
    baseUrl: null,
    color: '#3b82f6',
    hasSecret: true,
    source,
    sessionOnly: false,
    ...extra,
  });

  it('copies versions, platform, folders, keychain state, account counts and settings', async () => {
    const clipboard = { writeText: vi.fn() };
    const state: AccountsState = {
      profiles: [view('file'), view('file', { hasSecret: false }), view('env'), view('demo')],
      activeId: 'file-1',
      keychain: { usable: true },
      recovered: null,
    };
    const app = await createAppService(ports(dir, { clipboard, accountsState: async () => state }));
    await app.updateSettings({ theme: 'dark', sync: { concurrency: 3 } });
    const { text, copied } = await app.copyDiagnostics();
    expect(copied).toBe(true);
    expect(clipboard.writeText).toHaveBeenCalledWith(text);
    const lines = text.split('\n');
    expect(lines).toContain('QM Desk: 1.2.3');
    expect(lines).toContain('Electron: none (not the desktop app)');
    expect(lines).toContain(`Node: ${process.versions.node}`);
    expect(text).toContain(`Platform: ${process.platform} ${process.arch}, OS release `);
    expect(lines).toContain(`Data folder: ${dir}`);
    expect(lines).toContain(`Logs folder: ${join(dir, 'logs')}`);
    expect(lines).toContain('Keychain: usable');
    expect(lines).toContain('Accounts: 4 (file 2, env 1, demo 1); session-only 0, without a secret 1');
    expect(text).toContain('theme dark; sync page size 1000, concurrency 3');
    expect(lines).toContain('Recent warnings and errors: none');
    expect(text).not.toContain('Label of');
    expect(text).not.toContain(SID_B);
  });

  it('names the Electron and Chrome versions inside the desktop app', async () => {
    vi.stubGlobal('process', { ...process, versions: { ...process.versions, chrome: '142.0.1' } });
    try {
      const app = await createAppService(
        ports(dir, { runtime: { appVersion: '1.2.3', electronVersion: '39.1.0' } }),
      );
      const { text } = await app.copyDiagnostics();
      expect(text).toContain('\nElectron: 39.1.0\nChrome: 142.0.1\n');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('answers the text without copying where there is no clipboard', async () => {
    const app = await createAppService(ports());
    const { text, copied } = await app.copyDiagnostics();
    expect(copied).toBe(false);
    expect(text).toContain('QM Desk diagnostics, 2026-12-01T12:00:00.000Z');
  });

  it('shows why the keychain is unusable, and why accounts could not be read', async () => {
    const unusable: AccountsState = {
      ...noAccounts,
      keychain: { usable: false, code: 'keychain_no_dbus', message: 'No D-Bus session.', fix: 'Log in.' },
    };
    const first = await createAppService(ports(dir, { accountsState: async () => unusable }));
    expect((await first.copyDiagnostics()).text).toContain(
      'Keychain: unusable (keychain_no_dbus: No D-Bus session.)',
    );
    const broken = await createAppService(
      ports(dir, {
        accountsState: () =>
          Promise.reject(new AppError('profiles_unreadable', 'profiles.json could not be read.')),
      }),
    );
    expect((await broken.copyDiagnostics()).text).toContain(
      'Accounts: unreadable (profiles_unreadable: profiles.json could not be read.)',
    );
  });

  it('lists the last warnings and errors of the log, oldest first, never info', async () => {
    const records = [
      record('info', 'started'),
      ...Array.from({ length: DIAGNOSTICS_PROBLEMS + 5 }, (_, i) =>
        record(i % 2 ? 'warn' : 'error', `problem ${i}`, { code: 'network', attempt: i }),
      ),
      record('info', 'still running'),
    ];
    const recent = vi.fn(() => records);
    const app = await createAppService(ports(dir, { logs: { dir: join(dir, 'logs'), recent } }));
    const { text } = await app.copyDiagnostics();
    const problems = text.split('\n').filter((l) => l.includes(' problem '));
    expect(problems).toHaveLength(DIAGNOSTICS_PROBLEMS);
    expect(problems[0]).toBe(`${new Date(NOW).toISOString()} WARN problem 5 {"code":"network","attempt":5}`);
    expect(problems.at(-1)).toContain(`ERROR problem ${DIAGNOSTICS_PROBLEMS + 4} `);
    expect(text).toContain(`Recent warnings and errors (${DIAGNOSTICS_PROBLEMS}, oldest first):`);
    expect(text).not.toContain('started');
    expect(text).not.toContain('still running');
  });

  it('never carries a secret: not from the accounts, not from a logged error', async () => {
    const AUTH_TOKEN = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
    const KEY_SECRET = 'keysecret-9a8b7c6d5e4f3a2b1c0d9e8f';
    const fx = await createFixture();
    try {
      const accounts = await createAccountsService(fx.deps());
      await accounts.add({ profile: profile(), secret: AUTH_TOKEN, sessionOnly: false });
      await accounts.add({
        profile: profile({
          label: 'Sales',
          accountSid: SID_B,
          credential: { kind: 'apiKey', apiKeySid: KEY_A },
        }),
        secret: KEY_SECRET,
        sessionOnly: true,
      });
      const basic = (user: string, secret: string) => Buffer.from(`${user}:${secret}`).toString('base64');
      const records = [
        record('error', `Request failed with Authorization: Basic ${basic(SID_A, AUTH_TOKEN)}`, {
          reason: `token ${AUTH_TOKEN} refused`,
          authToken: 'short',
          nested: { list: [Buffer.from(AUTH_TOKEN).toString('hex'), KEY_SECRET] },
        }),
        record('warn', 'Keychain answered slowly', {
          password: KEY_SECRET,
          echo: Buffer.from(KEY_SECRET).toString('base64'),
          basic: basic(KEY_A, KEY_SECRET),
        }),
      ];
      const app = await createAppService(
        ports(fx.userData, {
          accountsState: () => accounts.list(),
          logs: { dir: join(fx.userData, 'logs'), recent: () => records },
        }),
      );
      const { text } = await app.copyDiagnostics();
      expect(text).toContain('Accounts: 2 (file 2, env 0, demo 0); session-only 1, without a secret 0');
      expect(text).toContain('ERROR Request failed with Authorization: Basic [redacted]');
      expect(text).toContain('"authToken":"[redacted]"');
      const forms = [
        ...leakForms(AUTH_TOKEN, SID_A),
        ...leakForms(KEY_SECRET, KEY_A),
        'short',
        // Diagnostics name no account either.
        SID_A,
        SID_B,
        KEY_A,
        'Support EU',
        'Sales',
      ];
      for (const form of forms) expect(text, form).not.toContain(form);
      await accounts.close();
    } finally {
      await fx.cleanup();
    }
  });
});

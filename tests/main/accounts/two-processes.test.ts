/**
 * The app and the CLI on one data folder: two services (and, at the end, two real processes) that
 * each keep their own view, sharing one keychain. Every change must land on what is on disk.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemorySecrets } from '../../../src-main/accounts/memory-secrets.ts';
import { createAccountsService, type AccountsService } from '../../../src-main/accounts/service.ts';
import { AppError } from '../../../src-main/errors.ts';
import {
  createFixture,
  profile,
  SID_A,
  SID_B,
  type Fixture,
  type Recorded,
} from '../../support/accounts-fixture.ts';
import type { AccountsState } from '../../../src-preload/contract.ts';

const REPO = join(import.meta.dirname, '../../..');
const TOKEN_A = 'tok-app-00112233445566778899aabb';
const TOKEN_B = 'tok-cli-ffeeddccbbaa99887766554433';

let fx: Fixture;
/** One keychain for both "processes", as on a real machine. */
let keychain: ReturnType<typeof createMemorySecrets>;
const open: AccountsService[] = [];
const children: ChildProcess[] = [];

async function service(overrides: Parameters<Fixture['deps']>[0] = {}): Promise<AccountsService> {
  const s = await createAccountsService(fx.deps(overrides));
  open.push(s);
  return s;
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const profilesPath = () => join(fx.userData, 'profiles.json');
const lockPath = () => `${profilesPath()}.lock`;
const onDisk = async () => JSON.parse(await readFile(profilesPath(), 'utf8'));

/** Keychain entries that no profile in profiles.json owns. */
async function orphans(): Promise<string[]> {
  const ids = new Set((await onDisk()).profiles.map((p: { id: string }) => p.id));
  return keychain.ids().filter((id) => !ids.has(id));
}

/** A process that stays alive until killed, to hold a lock file in its name. */
function liveProcess(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

async function ensureDir(): Promise<string> {
  await mkdir(fx.userData, { recursive: true });
  return fx.userData;
}

async function writeLock(holder: { pid: number; time: number; host?: string; token?: string }) {
  await writeFile(lockPath(), JSON.stringify({ host: hostname(), token: 'someone-else', ...holder }));
}

beforeEach(async () => {
  keychain = createMemorySecrets();
  fx = await createFixture({ secrets: keychain });
});

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await fx.cleanup();
});

describe('two services on one data folder', () => {
  it('keeps accounts added by both, with no keychain entry orphaned', async () => {
    const app = await service();
    const cli = await service();
    expect((await app.list()).profiles).toEqual([]);
    expect((await cli.list()).profiles).toEqual([]);

    const a = await app.add({ profile: profile(), secret: TOKEN_A, sessionOnly: false });
    const b = await cli.add({
      profile: profile({ label: 'Sales', accountSid: SID_B }),
      secret: TOKEN_B,
      sessionOnly: false,
    });
    // The app saves again with its view from before the CLI's add: the CLI's account must survive.
    await app.update({ id: a.id, profile: profile({ label: 'Support EMEA' }) });

    for (const view of [app, cli]) {
      expect((await view.list()).profiles.map((p) => [p.id, p.label, p.hasSecret])).toEqual([
        [a.id, 'Support EMEA', true],
        [b.id, 'Sales', true],
      ]);
    }
    expect((await onDisk()).profiles.map((p: { id: string }) => p.id)).toEqual([a.id, b.id]);
    expect(await orphans()).toEqual([]);
    expect((await app.target(b.id)).password).toBe(TOKEN_B);
    // The first account stays the active one: the CLI's add saw it on disk.
    expect((await cli.list()).activeId).toBe(a.id);
  });

  it('sees an account removed by the other and never brings it back', async () => {
    const app = await service();
    const cli = await service();
    const a = await app.add({ profile: profile(), secret: TOKEN_A, sessionOnly: false });
    const b = await app.add({
      profile: profile({ label: 'Sales', accountSid: SID_B }),
      secret: TOKEN_B,
      sessionOnly: false,
    });
    await app.use({ id: b.id });
    expect((await cli.list()).profiles).toHaveLength(2); // the CLI's view, soon stale

    await cli.remove({ id: b.id, deleteData: true });

    expect((await app.list()).profiles.map((p) => p.id)).toEqual([a.id]);
    expect((await app.list()).activeId).toBeNull();
    const attempts: Array<() => Promise<unknown>> = [
      () => app.update({ id: b.id, profile: profile({ label: 'Sales 2', accountSid: SID_B }) }),
      () => app.use({ id: b.id }),
      () => app.remove({ id: b.id, deleteData: false }),
      () => app.test({ id: b.id }),
      () => app.resolve(b.id),
    ];
    for (const attempt of attempts) expect((await rejection(attempt())).code).toBe('profile_not_found');
    await app.update({ id: a.id, profile: profile({ label: 'Support EMEA' }) });
    expect((await onDisk()).profiles.map((p: { id: string }) => p.id)).toEqual([a.id]);
    expect(keychain.ids()).toEqual([a.id]);
  });

  it('refuses a label the other process took meanwhile, and leaves no secret behind', async () => {
    const app = await service();
    const cli = await service();
    expect((await cli.list()).profiles).toEqual([]);
    await app.add({ profile: profile(), secret: TOKEN_A, sessionOnly: false });
    const error = await rejection(
      cli.add({ profile: profile({ label: 'SUPPORT eu' }), secret: TOKEN_B, sessionOnly: false }),
    );
    expect(error.code).toBe('duplicate_label');
    expect(await orphans()).toEqual([]);
    expect(keychain.ids()).toHaveLength(1);
  });

  it('shows the account the other made active, and asks the keychain again after its change', async () => {
    const app = await service();
    const cli = await service();
    const a = await app.add({ profile: profile(), secret: TOKEN_A, sessionOnly: false });
    const b = await app.add({ profile: profile({ label: 'Sales' }), secret: TOKEN_B, sessionOnly: false });
    await keychain.delete(b.id);
    expect((await cli.list()).profiles.map((p) => p.hasSecret)).toEqual([true, false]);

    await app.update({ id: b.id, profile: profile({ label: 'Sales' }), secret: TOKEN_B });
    await app.use({ id: b.id });
    const state = await cli.list();
    expect(state.activeId).toBe(b.id);
    expect(state.profiles.map((p) => p.hasSecret)).toEqual([true, true]);
    expect((await cli.activeTarget())?.target.password).toBe(TOKEN_B);
    expect(a.id).not.toBe(b.id);
  });

  it('reads the file again once another process rewrote it, even at the same size', async () => {
    const app = await service();
    await app.add({ profile: profile(), secret: TOKEN_A, sessionOnly: false });
    const before = await stat(profilesPath());
    // Same size and content, but written by someone else: a new file, so it is read again.
    const text = await readFile(profilesPath(), 'utf8');
    await writeFile(profilesPath(), text.replace('Support EU', 'Support XY'));
    expect((await stat(profilesPath())).size).toBe(before.size);
    expect((await app.list()).profiles[0]?.label).toBe('Support XY');
  });
});

describe('the app watching profiles.json', () => {
  /** A service with its own event log, as the app's window would see it. */
  async function watching() {
    const heard: Recorded[] = [];
    const s = await service({
      watchProfiles: true,
      events: { emit: (name, payload) => heard.push({ name, payload }) },
    });
    return { s, heard };
  }
  const changes = (heard: Recorded[]) =>
    heard.filter((e) => e.name === 'accounts.changed').map((e) => e.payload as AccountsState);

  it('tells its window of an account the CLI added, and of the account it made active', async () => {
    const { s: app, heard } = await watching();
    const cli = await service({ events: { emit: () => undefined } });
    const added = await cli.add({ profile: profile(), secret: TOKEN_A, sessionOnly: false });
    await expect
      .poll(
        () =>
          changes(heard)
            .at(-1)
            ?.profiles.map((p) => p.id),
        { timeout: 5_000 },
      )
      .toEqual([added.id]);
    expect(changes(heard).at(-1)?.profiles[0]).toMatchObject({ label: 'Support EU', hasSecret: true });

    const sales = await cli.add({
      profile: profile({ label: 'Sales' }),
      secret: TOKEN_B,
      sessionOnly: false,
    });
    await cli.use({ id: sales.id });
    await expect
      .poll(() => heard.filter((e) => e.name === 'accounts.switched').at(-1)?.payload, { timeout: 5_000 })
      .toEqual({ activeId: sales.id });
    await expect.poll(() => changes(heard).at(-1)?.activeId, { timeout: 5_000 }).toBe(sales.id);
    expect((await app.list()).activeId).toBe(sales.id);
  });

  it('does not announce its own changes twice', async () => {
    const { s: app, heard } = await watching();
    await app.add({ profile: profile(), secret: TOKEN_A, sessionOnly: false });
    // Past the watcher's settle time: its look finds nothing new.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(changes(heard)).toHaveLength(1);
  });
});

describe('the profiles.json lock', () => {
  it('times out with profiles_locked while another live process holds it, changing nothing', async () => {
    const app = await service({ profilesLock: { waitMs: 300 } });
    const a = await app.add({ profile: profile(), secret: TOKEN_A, sessionOnly: false });
    const before = await readFile(profilesPath(), 'utf8');
    const holder = liveProcess();
    await writeLock({ pid: holder.pid!, time: Date.now() });

    const started = Date.now();
    const error = await rejection(
      app.add({ profile: profile({ label: 'Sales' }), secret: TOKEN_B, sessionOnly: false }),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(error.code).toBe('profiles_locked');
    expect(error.message).toContain(`process ${holder.pid}`);
    expect(error.message).toMatch(/Try again in a moment/);
    expect(error.message).toContain(lockPath());
    expect((await rejection(app.use({ id: a.id }))).code).toBe('profiles_locked');
    expect((await rejection(app.remove({ id: a.id, deleteData: true }))).code).toBe('profiles_locked');

    expect(await readFile(profilesPath(), 'utf8')).toBe(before);
    expect(keychain.ids()).toEqual([a.id]);
    // Reading needs no lock.
    expect((await app.list()).profiles.map((p) => p.id)).toEqual([a.id]);
  });

  it('takes over a lock whose process is dead, at once', async () => {
    const app = await service({ profilesLock: { waitMs: 5_000 } });
    await writeLock({ pid: await deadPid(), time: Date.now() });
    const started = Date.now();
    const a = await app.add({ profile: profile(), secret: TOKEN_A, sessionOnly: false });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect((await onDisk()).profiles.map((p: { id: string }) => p.id)).toEqual([a.id]);
    expect(await readdir(fx.userData)).not.toContain('profiles.json.lock');
  });

  it('takes over a lock older than the bound even when its pid is alive (hung or reused)', async () => {
    const app = await service({ profilesLock: { waitMs: 5_000, staleMs: 1_000 } });
    await writeLock({ pid: liveProcess().pid!, time: Date.now() - 2_000 });
    await app.add({ profile: profile(), secret: TOKEN_A, sessionOnly: false });
    expect((await onDisk()).profiles).toHaveLength(1);
    expect(await readdir(fx.userData)).not.toContain('profiles.json.lock');
  });

  it('takes over a lock left with its own pid by an earlier process (a restarted container)', async () => {
    const app = await service({ profilesLock: { waitMs: 5_000 } });
    await writeLock({ pid: process.pid, time: Date.now() });
    await app.add({ profile: profile(), secret: TOKEN_A, sessionOnly: false });
    expect((await onDisk()).profiles).toHaveLength(1);
    expect(await readdir(fx.userData)).not.toContain('profiles.json.lock');
  });

  it('waits for a lock another host holds (its pid means nothing here) until it is stale by age', async () => {
    const app = await service({ profilesLock: { waitMs: 300 } });
    await writeLock({ pid: await deadPid(), time: Date.now(), host: 'another-machine' });
    const error = await rejection(app.add({ profile: profile(), secret: TOKEN_A, sessionOnly: false }));
    expect(error.code).toBe('profiles_locked');
    expect(error.message).toContain('on another-machine');
  });

  it('lets two real processes add accounts at the same time without losing any', async () => {
    const perProcess = 6;
    const script = (name: string) => `
      import { createAccountsService } from ${JSON.stringify(join(REPO, 'src-main/accounts/service.ts'))};
      import { createMemorySecrets } from ${JSON.stringify(join(REPO, 'src-main/accounts/memory-secrets.ts'))};
      const accounts = await createAccountsService({
        secrets: createMemorySecrets(),
        paths: { userData: ${JSON.stringify(fx.userData)} },
        shell: { openPath: async () => {} },
        clock: { now: () => Date.now() },
        events: { emit() {} },
        runtime: { appVersion: 'test', electronVersion: null },
        logger: { info() {}, warn() {}, error() {} },
        env: {},
        testConnection: async () => ({ status: 'ok', message: '', ms: 0 }),
      });
      for (let i = 0; i < ${perProcess}; i++) {
        await accounts.add({
          profile: { label: '${name} ' + i, accountSid: ${JSON.stringify(SID_A)}, credential: { kind: 'authToken' },
                     region: null, edge: null, baseUrl: null, color: '#3b82f6' },
          secret: 'secret-' + i,
          sessionOnly: false,
        });
      }
      await accounts.close();`;
    const run = (name: string) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script(name)], {
          cwd: REPO,
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        children.push(child);
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('exit', (code) => resolve({ code, stderr }));
      });

    const results = await Promise.all([run('app'), run('cli')]);
    expect(results).toEqual([
      { code: 0, stderr: '' },
      { code: 0, stderr: '' },
    ]);
    const labels = (await onDisk()).profiles.map((p: { label: string }) => p.label).sort();
    const expected = ['app', 'cli'].flatMap((name) =>
      [...Array(perProcess).keys()].map((i) => `${name} ${i}`),
    );
    expect(labels).toEqual(expected.sort());
    expect((await readdir(fx.userData)).sort()).toEqual(['accounts', 'profiles.json']);
  });
});

describe('a profiles.json from a newer QM Desk', () => {
  const newer = `${JSON.stringify({ version: 2, activeId: 'x', profiles: [{ id: 'x', shape: 'unknown' }] })}\n`;

  it('is refused by every call and left byte for byte as it was', async () => {
    await writeFile(join(await ensureDir(), 'profiles.json'), newer);
    const app = await service();
    const calls: Array<() => Promise<unknown>> = [
      () => app.list(),
      () => app.add({ profile: profile(), secret: TOKEN_A, sessionOnly: false }),
      () => app.use({ id: 'x' }),
      () => app.remove({ id: 'x', deleteData: true }),
      () => app.update({ id: 'x', profile: profile() }),
      () => app.resolve('x'),
      () => app.target('x'),
      () => app.activeTarget(),
    ];
    for (const call of calls) {
      const error = await rejection(call());
      expect(error.code).toBe('profiles_too_new');
      expect(error.message).toBe(
        'profiles.json was written by a newer QM Desk (format 2). Update QM Desk; your accounts were left untouched.',
      );
    }
    expect(await readFile(profilesPath(), 'utf8')).toBe(newer);
    expect((await readdir(fx.userData)).sort()).toEqual(['profiles.json']);
    expect(keychain.ids()).toEqual([]);
  });

  it('is refused when a newer version writes it while this one runs', async () => {
    const app = await service();
    const a = await app.add({ profile: profile(), secret: TOKEN_A, sessionOnly: false });
    await writeFile(profilesPath(), newer);
    expect((await rejection(app.update({ id: a.id, profile: profile({ label: 'X' }) }))).code).toBe(
      'profiles_too_new',
    );
    expect((await rejection(app.list())).code).toBe('profiles_too_new');
    expect(await readFile(profilesPath(), 'utf8')).toBe(newer);
  });

  it('is not confused with a corrupt file, which is still moved aside', async () => {
    await writeFile(join(await ensureDir(), 'profiles.json'), '{"version": 1, "profiles": "cut');
    const app = await service();
    const state = await app.list();
    expect(state.recovered?.reason).toMatch(/not valid JSON/);
    // Damage found while running is moved aside too (under the lock), and reported.
    await app.add({ profile: profile(), secret: TOKEN_A, sessionOnly: false });
    await writeFile(profilesPath(), JSON.stringify({ version: 0, activeId: null, profiles: [] }));
    const later = await app.list();
    expect(later.profiles).toEqual([]);
    expect(later.recovered?.reason).toMatch(/not in the expected format \(version/);
    expect(later.recovered?.movedTo).not.toBe(state.recovered?.movedTo);
  });
});

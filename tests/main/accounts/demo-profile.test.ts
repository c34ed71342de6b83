/**
 * The built-in demo profile: listed, read-only, removable, persisted as an ordinary format-1
 * entry, and never a reason to call the keychain.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PROFILE_ID } from '../../../src-main/accounts/demo-profile.ts';
import { loadProfilesFile } from '../../../src-main/accounts/profiles-file.ts';
import { createAccountsService, type AccountsService } from '../../../src-main/accounts/service.ts';
import { DEMO_ACCOUNT, DEMO_ORIGIN } from '../../../src-main/demo/account.ts';
import { AppError } from '../../../src-main/errors.ts';
import type { SecretsPort } from '../../../src-main/ports.ts';
import { createFixture, profile, SID_A, type Fixture } from '../../support/accounts-fixture.ts';

const TOKEN = 'tok-0f1e2d3c4b5a69788796a5b4c3d2e1f0';

let fx: Fixture;
let keychainCalls: string[];
const open: AccountsService[] = [];

/** A working keychain that records every call, so a call made for the demo shows. */
function countingSecrets(): SecretsPort {
  const map = new Map<string, string>();
  return {
    async get(id) {
      keychainCalls.push(`get ${id}`);
      return map.get(id) ?? null;
    },
    async set(id, secret) {
      keychainCalls.push(`set ${id}`);
      map.set(id, secret);
    },
    async delete(id) {
      keychainCalls.push(`delete ${id}`);
      return map.delete(id);
    },
  };
}

async function service(): Promise<AccountsService> {
  const s = await createAccountsService(fx.deps());
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
const onDisk = async () => JSON.parse(await readFile(profilesPath(), 'utf8'));

beforeEach(async () => {
  keychainCalls = [];
  fx = await createFixture({ secrets: countingSecrets() });
});

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  await fx.cleanup();
});

describe('the demo profile', () => {
  it('is added, listed as the active demo account with its own data folder, and never asks the keychain', async () => {
    const accounts = await service();
    const view = await accounts.openDemo();
    expect(view).toEqual({
      id: DEMO_PROFILE_ID,
      label: 'Demo data',
      accountSid: DEMO_ACCOUNT.accountSid,
      credential: { kind: 'authToken' },
      region: null,
      edge: null,
      baseUrl: DEMO_ORIGIN,
      color: expect.stringMatching(/^#[0-9a-f]{6}$/),
      hasSecret: true,
      source: 'demo',
      sessionOnly: false,
    });
    const state = await accounts.list();
    expect(state.activeId).toBe('demo');
    expect(state.profiles).toEqual([view]);
    expect(fx.events.map((e) => e.name)).toEqual(['accounts.switched', 'accounts.changed']);
    expect(accounts.dataDirOf('demo')).toBe(join(fx.userData, 'accounts', 'demo'));
    expect(existsSync(accounts.dataDirOf('demo'))).toBe(true);
    expect(await accounts.resolve('demo')).toEqual({ profile: view, dataDir: accounts.dataDirOf('demo') });
    expect(await accounts.target('demo')).toEqual({
      accountSid: DEMO_ACCOUNT.accountSid,
      username: DEMO_ACCOUNT.username,
      password: DEMO_ACCOUNT.password,
      region: null,
      edge: null,
      baseUrl: DEMO_ORIGIN,
    });
    expect((await accounts.activeTarget())?.profile.id).toBe('demo');
    expect(keychainCalls).toEqual([]);
  });

  it('is kept in profiles.json format 1 as an entry a reader of that format accepts, with no secret', async () => {
    const accounts = await service();
    await accounts.openDemo();
    const file = await onDisk();
    expect(file).toEqual({
      version: 1,
      activeId: 'demo',
      profiles: [
        expect.objectContaining({ id: 'demo', accountSid: DEMO_ACCOUNT.accountSid, secretStore: 'session' }),
      ],
    });
    expect(JSON.stringify(file)).not.toContain(DEMO_ACCOUNT.password);
    // The format-1 reader (unchanged by the demo) takes the file as it is, moving nothing aside.
    const loaded = await loadProfilesFile(profilesPath());
    expect(loaded.status).toBe('ok');
  });

  it('survives a restart, and opening it again adds no second one', async () => {
    const before = await service();
    await before.openDemo();
    await before.close();
    const after = await service();
    expect((await after.list()).profiles).toEqual([expect.objectContaining({ id: 'demo', source: 'demo' })]);
    fx.events.length = 0;
    await after.openDemo();
    expect(fx.events).toEqual([]); // present and active already: nothing to write
    expect((await onDisk()).profiles).toHaveLength(1);
  });

  it('becomes active again when opened while another account is active', async () => {
    const accounts = await service();
    const own = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    await accounts.openDemo();
    await accounts.use({ id: own.id });
    expect((await accounts.openDemo()).id).toBe('demo');
    expect((await accounts.list()).activeId).toBe('demo');
    expect((await onDisk()).profiles.map((p: { id: string }) => p.id)).toEqual([own.id, 'demo']);
  });

  it('gives way to an account the reviewer adds after exploring it', async () => {
    const accounts = await service();
    await accounts.openDemo();
    const own = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    expect((await accounts.list()).activeId).toBe(own.id);
  });

  it('is read-only: it cannot be edited, and its connection test needs no network', async () => {
    const accounts = await service();
    const demo = await accounts.openDemo();
    const error = await rejection(
      accounts.update({ id: 'demo', profile: profile({ label: 'My demo', accountSid: demo.accountSid }) }),
    );
    expect(error.code).toBe('profile_read_only');
    expect(error.message).toMatch(/demo/i);
    expect((await accounts.list()).profiles[0]?.label).toBe('Demo data');
    expect(await accounts.test({ id: 'demo' })).toMatchObject({ status: 'ok' });
    expect(fx.tested).toEqual([]);
    expect(keychainCalls).toEqual([]);
  });

  it('is removed with its data folder, without a keychain call', async () => {
    const accounts = await service();
    await accounts.openDemo();
    const dir = accounts.dataDirOf('demo');
    await writeFile(join(dir, 'store.sqlite'), 'data');
    expect(await accounts.remove({ id: 'demo', deleteData: true })).toBeNull();
    const state = await accounts.list();
    expect(state).toMatchObject({ profiles: [], activeId: null });
    expect(existsSync(dir)).toBe(false);
    expect(await onDisk()).toEqual({ version: 1, activeId: null, profiles: [] });
    expect((await rejection(accounts.target('demo'))).code).toBe('profile_not_found');
    expect(keychainCalls).toEqual([]);
  });

  it('takes its fields from QM Desk, not from a hand-edited file', async () => {
    const accounts = await service();
    await accounts.openDemo();
    const file = await onDisk();
    file.profiles[0] = {
      ...file.profiles[0],
      accountSid: SID_A,
      baseUrl: 'https://elsewhere.example.com',
      secretStore: 'keychain',
    };
    await writeFile(profilesPath(), JSON.stringify(file));
    const target = await accounts.target('demo');
    expect(target).toMatchObject({ accountSid: DEMO_ACCOUNT.accountSid, baseUrl: DEMO_ORIGIN });
    await accounts.remove({ id: 'demo', deleteData: false });
    expect(keychainCalls).toEqual([]);
  });

  it('keeps labels unique both ways: an account called “Demo data” blocks it, and it blocks that label', async () => {
    const accounts = await service();
    const own = await accounts.add({
      profile: profile({ label: 'demo DATA' }),
      secret: TOKEN,
      sessionOnly: false,
    });
    const blocked = await rejection(accounts.openDemo());
    expect(blocked.code).toBe('duplicate_label');
    expect(blocked.message).toContain('“demo DATA”');
    expect((await accounts.list()).profiles.map((p) => p.id)).toEqual([own.id]);

    await accounts.update({ id: own.id, profile: profile({ label: 'Support EU' }) });
    await accounts.openDemo();
    const taken = await rejection(
      accounts.add({ profile: profile({ label: 'Demo Data' }), secret: TOKEN, sessionOnly: false }),
    );
    expect(taken.code).toBe('duplicate_label');
  });
});

import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeytarSecrets } from '../../../src-main/accounts/keytar-secrets.ts';
import { createMemorySecrets } from '../../../src-main/accounts/memory-secrets.ts';
import { createAccountsService, type AccountsService } from '../../../src-main/accounts/service.ts';
import { AppError } from '../../../src-main/errors.ts';
import type { SecretsPort } from '../../../src-main/ports.ts';
import type { AccountsState } from '../../../src-preload/contract.ts';
import {
  createFixture,
  findLeaks,
  KEY_A,
  KEY_B,
  leakForms,
  profile,
  SID_A,
  SID_B,
  type Fixture,
} from '../../support/accounts-fixture.ts';

const TOKEN = 'tok-0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const TOKEN_2 = 'tok-second-aa11bb22cc33dd44ee55ff66';
const KEY_SECRET = 'keysecret-9a8b7c6d5e4f3a2b1c0d9e8f';

let fx: Fixture;
let secrets: ReturnType<typeof createMemorySecrets>;
const open: AccountsService[] = [];

async function service(deps = fx.deps()): Promise<AccountsService> {
  const s = await createAccountsService(deps);
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

/** Swaps the fixture for one with other options, cleaning up the old one. */
async function refixture(options: Parameters<typeof createFixture>[0]): Promise<void> {
  await fx.cleanup();
  fx = await createFixture(options);
}

beforeEach(async () => {
  secrets = createMemorySecrets();
  fx = await createFixture({ secrets });
});

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  await fx.cleanup();
});

describe('add and list', () => {
  it('stores the profile in profiles.json and the secret only in the secrets port', async () => {
    const accounts = await service();
    const view = await accounts.add({
      profile: profile({ region: 'ie1', edge: 'dublin' }),
      secret: TOKEN,
      sessionOnly: false,
    });

    expect(view.id).toMatch(/^[a-z0-9-]{1,64}$/);
    expect(view).toMatchObject({
      label: 'Support EU',
      accountSid: SID_A,
      credential: { kind: 'authToken' },
      region: 'ie1',
      edge: 'dublin',
      hasSecret: true,
      source: 'file',
      sessionOnly: false,
    });
    expect(view).not.toHaveProperty('secret');
    expect(await secrets.get(view.id)).toBe(TOKEN);

    const onDisk = JSON.parse(await readFile(join(fx.userData, 'profiles.json'), 'utf8'));
    expect(onDisk).toMatchObject({
      version: 1,
      activeId: view.id,
      profiles: [{ id: view.id, label: 'Support EU' }],
    });
    expect(await findLeaks(fx.userData, leakForms(TOKEN))).toEqual([]);
    expect((await stat(accounts.dataDirOf(view.id))).isDirectory()).toBe(true);
    expect(accounts.dataDirOf(view.id)).toBe(join(fx.userData, 'accounts', view.id));
  });

  it('makes the first account active and leaves the active one alone after that', async () => {
    const accounts = await service();
    const first = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    await accounts.add({
      profile: profile({ label: 'Sales', accountSid: SID_B }),
      secret: TOKEN_2,
      sessionOnly: false,
    });
    const state = await accounts.list();
    expect(state.activeId).toBe(first.id);
    expect(state.profiles.map((p) => p.label)).toEqual(['Support EU', 'Sales']);
    expect(state.keychain).toEqual({ usable: true });
    expect(state.recovered).toBeNull();
  });

  it('remembers profiles, the active one and stored secrets across restarts', async () => {
    const before = await service();
    await before.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    const b = await before.add({
      profile: profile({ label: 'Sales', accountSid: SID_B }),
      secret: TOKEN_2,
      sessionOnly: false,
    });
    await before.use({ id: b.id });
    await before.close();

    const after = await service();
    const state = await after.list();
    expect(state.activeId).toBe(b.id);
    expect(state.profiles.map((p) => [p.label, p.hasSecret])).toEqual([
      ['Support EU', true],
      ['Sales', true],
    ]);
  });

  it('rejects a label that already exists, whatever its case', async () => {
    const accounts = await service();
    await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    const error = await rejection(
      accounts.add({
        profile: profile({ label: 'SUPPORT eu', accountSid: SID_B }),
        secret: TOKEN_2,
        sessionOnly: false,
      }),
    );
    expect(error.code).toBe('duplicate_label');
    expect((await accounts.list()).profiles).toHaveLength(1);
  });

  it('runs concurrent adds one at a time, so two adds of one label cannot both win', async () => {
    const accounts = await service();
    const results = await Promise.allSettled([
      accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false }),
      accounts.add({ profile: profile({ accountSid: SID_B }), secret: TOKEN_2, sessionOnly: false }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await accounts.list()).profiles).toHaveLength(1);
  });

  it('says when the data folder cannot be made, and leaves no secret behind', async () => {
    const accounts = await service();
    await writeFile(join(fx.userData, 'accounts'), 'a file where the folder should be');
    const stored: string[] = [];
    const set = secrets.set.bind(secrets);
    secrets.set = async (id, secret) => {
      stored.push(id);
      await set(id, secret);
    };
    const error = await rejection(accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false }));
    expect(error.code).toBe('data_folder_failed');
    expect(error.message).toContain(join(fx.userData, 'accounts'));
    expect((await accounts.list()).profiles).toEqual([]);
    expect(stored).toHaveLength(1);
    expect(await secrets.get(stored[0]!)).toBeNull();
    expect(await findLeaks(fx.userData, leakForms(TOKEN))).toEqual([]);
  });

  it('leaves no keychain entry behind when a write times out and lands later', async () => {
    const store = new Map<string, string>();
    let release: () => void = () => {};
    const stuck = new Promise<void>((resolve) => (release = resolve));
    const keytar = {
      getPassword: async (_s: string, a: string) => store.get(a) ?? null,
      setPassword: async (_s: string, a: string, p: string) => {
        await stuck; // the keyring is waiting on an unlock prompt
        store.set(a, p);
      },
      deletePassword: async (_s: string, a: string) => store.delete(a),
    };
    const slow = createKeytarSecrets({ service: 's', timeoutMs: 50, load: async () => keytar });
    await refixture({ secrets: slow });
    const accounts = await service();
    const error = await rejection(accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false }));
    expect(error.code).toBe('keychain_timeout');
    release();
    await slow.get('probe'); // queued behind the late write and its cleanup
    expect([...store.keys()]).toEqual([]);
    expect((await accounts.list()).profiles).toEqual([]);
  });

  it('checks the base URL in main: https anywhere, http on loopback only', async () => {
    const accounts = await service();
    for (const [i, baseUrl] of [
      'https://flex.example.com',
      'http://127.0.0.1:8080',
      'http://localhost:3000',
      'http://[::1]:9',
    ].entries()) {
      const view = await accounts.add({
        profile: profile({ label: `ok ${i}`, baseUrl }),
        secret: TOKEN,
        sessionOnly: false,
      });
      expect(view.baseUrl).toBe(baseUrl);
    }
    for (const baseUrl of [
      'http://example.com',
      'http://10.0.0.1',
      'ftp://127.0.0.1',
      'https://user:pw@flex.example.com',
      // The Flex client refuses these too: a profile must never hold a URL it cannot use.
      'https://flex.example.com/?q=1',
      'https://flex.example.com/#frag',
    ]) {
      const error = await rejection(
        accounts.add({ profile: profile({ label: 'bad', baseUrl }), secret: TOKEN, sessionOnly: false }),
      );
      expect(error.code).toBe('invalid_base_url');
    }
    expect((await accounts.list()).profiles).toHaveLength(4);
  });
});

describe('profiles.json on disk', () => {
  it('leaves no temp files behind after a series of writes', async () => {
    const accounts = await service();
    const a = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    const b = await accounts.add({
      profile: profile({ label: 'Sales' }),
      secret: TOKEN_2,
      sessionOnly: false,
    });
    await accounts.use({ id: b.id });
    await accounts.update({ id: a.id, profile: profile({ label: 'Support EMEA' }) });
    await accounts.remove({ id: b.id, deleteData: true });
    expect((await readdir(fx.userData)).sort()).toEqual(['accounts', 'profiles.json']);
  });

  it('moves a corrupt file aside, reports it and never overwrites it', async () => {
    await mkdir(fx.userData, { recursive: true });
    const garbage = '{"version": 1, "profiles": [ {"id": "cut sho';
    await writeFile(join(fx.userData, 'profiles.json'), garbage);

    const accounts = await service();
    const state = await accounts.list();
    expect(state.profiles).toEqual([]);
    expect(state.recovered?.reason).toMatch(/not valid JSON/);
    expect(state.recovered?.movedTo).toBe(
      join(fx.userData, 'profiles.json.corrupt-2025-01-02T03-04-05-000Z'),
    );
    expect(await readFile(state.recovered!.movedTo, 'utf8')).toBe(garbage);

    await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    expect(await readFile(state.recovered!.movedTo, 'utf8')).toBe(garbage);
    expect((await accounts.list()).recovered).toEqual(state.recovered);
  });

  it('moves aside a file that parses but does not match the schema, with a second name if needed', async () => {
    await mkdir(fx.userData, { recursive: true });
    const stamp = join(fx.userData, 'profiles.json.corrupt-2025-01-02T03-04-05-000Z');
    await writeFile(stamp, 'an earlier one');
    await writeFile(
      join(fx.userData, 'profiles.json'),
      JSON.stringify({ version: 1, activeId: null, profiles: {} }),
    );

    const state = await (await service()).list();
    expect(state.recovered?.reason).toMatch(/not in the expected format \(profiles/);
    expect(state.recovered?.movedTo).toBe(`${stamp}-1`);
    expect(await readFile(stamp, 'utf8')).toBe('an earlier one');
  });

  it('rejects a file whose profiles share a label', async () => {
    await mkdir(fx.userData, { recursive: true });
    const p = { ...profile(), secretStore: 'keychain' };
    const file = {
      version: 1,
      activeId: null,
      profiles: [
        { ...p, id: 'a' },
        { ...p, id: 'b', label: 'support eu' },
      ],
    };
    await writeFile(join(fx.userData, 'profiles.json'), JSON.stringify(file));
    const state = await (await service()).list();
    expect(state.recovered?.reason).toMatch(/share a label/);
  });

  it('moves aside a profiles.json that cannot be read as a file', async () => {
    await mkdir(join(fx.userData, 'profiles.json'), { recursive: true });
    const state = await (await service()).list();
    expect(state.recovered?.reason).toMatch(/could not be read \(EISDIR\)/);
    expect((await stat(state.recovered!.movedTo)).isDirectory()).toBe(true);
  });
});

describe('update', () => {
  it('keeps the stored secret when no new one is given', async () => {
    const accounts = await service();
    const a = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    const updated = await accounts.update({
      id: a.id,
      profile: profile({ label: 'Support EMEA', region: 'ie1' }),
    });
    expect(updated).toMatchObject({ id: a.id, label: 'Support EMEA', region: 'ie1', hasSecret: true });
    expect(await secrets.get(a.id)).toBe(TOKEN);
    await accounts.test({ id: a.id });
    expect(fx.tested.at(-1)).toMatchObject({ username: SID_A, password: TOKEN, region: 'ie1' });
  });

  it('replaces the secret when a new one is given', async () => {
    const accounts = await service();
    const a = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    await accounts.update({ id: a.id, profile: profile(), secret: TOKEN_2 });
    expect(await secrets.get(a.id)).toBe(TOKEN_2);
  });

  it('may keep its own label in another case but not take another profile’s', async () => {
    const accounts = await service();
    const a = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    await accounts.add({ profile: profile({ label: 'Sales' }), secret: TOKEN_2, sessionOnly: false });
    expect((await accounts.update({ id: a.id, profile: profile({ label: 'SUPPORT EU' }) })).label).toBe(
      'SUPPORT EU',
    );
    const error = await rejection(accounts.update({ id: a.id, profile: profile({ label: 'sales' }) }));
    expect(error.code).toBe('duplicate_label');
  });

  it('refuses to switch credential kind without a new secret, and allows it with one', async () => {
    const accounts = await service();
    const a = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    const toKey = profile({ credential: { kind: 'apiKey', apiKeySid: KEY_A } });
    const error = await rejection(accounts.update({ id: a.id, profile: toKey }));
    expect(error.code).toBe('secret_required');
    expect((await accounts.list()).profiles[0]?.credential).toEqual({ kind: 'authToken' });

    const done = await accounts.update({ id: a.id, profile: toKey, secret: KEY_SECRET });
    expect(done.credential).toEqual({ kind: 'apiKey', apiKeySid: KEY_A });
    await accounts.test({ id: a.id });
    expect(fx.tested.at(-1)).toMatchObject({ accountSid: SID_A, username: KEY_A, password: KEY_SECRET });

    const back = await rejection(accounts.update({ id: a.id, profile: profile() }));
    expect(back.code).toBe('secret_required');
  });

  it('needs a new secret when the identity the secret belongs to changes', async () => {
    const accounts = await service();
    const token = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    // An Auth Token belongs to its Account SID.
    expect(
      (await rejection(accounts.update({ id: token.id, profile: profile({ accountSid: SID_B }) }))).code,
    ).toBe('secret_required');
    const keyed = profile({ label: 'Keyed', credential: { kind: 'apiKey', apiKeySid: KEY_A } });
    const key = await accounts.add({ profile: keyed, secret: KEY_SECRET, sessionOnly: false });
    // An API key belongs to its key SID; the same key may serve another (sub)account.
    const otherKey = { ...keyed, credential: { kind: 'apiKey' as const, apiKeySid: KEY_B } };
    expect((await rejection(accounts.update({ id: key.id, profile: otherKey }))).code).toBe(
      'secret_required',
    );
    expect((await accounts.update({ id: key.id, profile: { ...keyed, accountSid: SID_B } })).accountSid).toBe(
      SID_B,
    );
  });

  it('never sends a stored secret to a new API address without it being typed again', async () => {
    const accounts = await service();
    const saved = await accounts.add({
      profile: profile({ baseUrl: 'https://flex.example.com' }),
      secret: TOKEN,
      sessionOnly: false,
    });
    for (const baseUrl of ['https://attacker.example', null]) {
      const error = await rejection(accounts.update({ id: saved.id, profile: profile({ baseUrl }) }));
      expect(error.code).toBe('secret_required');
    }
    await accounts.test({ id: saved.id });
    expect(fx.tested.map((t) => t.baseUrl)).toEqual(['https://flex.example.com']);
    // A new path on the same origin, or a new region, keeps the secret where it was going.
    await accounts.update({
      id: saved.id,
      profile: profile({ baseUrl: 'https://flex.example.com/v2', region: 'ie1' }),
    });
    const moved = await accounts.update({
      id: saved.id,
      profile: profile({ baseUrl: 'https://other.example' }),
      secret: TOKEN_2,
    });
    expect(moved.baseUrl).toBe('https://other.example');
    expect(await secrets.get(saved.id)).toBe(TOKEN_2);
  });

  it('puts the old secret back when the profile cannot be saved', async () => {
    const file = join(fx.userData, 'profiles.json');
    let blockNextWrite = false;
    const port: SecretsPort = {
      get: (id) => secrets.get(id),
      delete: (id) => secrets.delete(id),
      set: async (id, s) => {
        await secrets.set(id, s);
        if (!blockNextWrite) return;
        // profiles.json replaced by a folder once it was read: the atomic write cannot rename over it.
        await rm(file);
        await mkdir(join(file, 'blocker'), { recursive: true });
      },
    };
    const accounts = await service(fx.deps({ secrets: port }));
    const saved = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    const before = await readFile(file, 'utf8');
    blockNextWrite = true;
    const error = await rejection(
      accounts.update({ id: saved.id, profile: profile({ accountSid: SID_B }), secret: TOKEN_2 }),
    );
    expect(error.code).toBe('profiles_write_failed');
    expect(await secrets.get(saved.id)).toBe(TOKEN);
    await rm(file, { recursive: true });
    await writeFile(file, before);
    expect((await accounts.list()).profiles[0]).toMatchObject({ accountSid: SID_A, hasSecret: true });
  });

  it('reports an unknown id as a typed error', async () => {
    const accounts = await service();
    const error = await rejection(accounts.update({ id: 'nope', profile: profile() }));
    expect(error.code).toBe('profile_not_found');
  });
});

describe('use, remove and events', () => {
  it('switches the active profile, persists it and emits switched then changed', async () => {
    const accounts = await service();
    const a = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    const b = await accounts.add({
      profile: profile({ label: 'Sales' }),
      secret: TOKEN_2,
      sessionOnly: false,
    });
    fx.events.length = 0;
    const state = await accounts.use({ id: b.id });
    expect(state.activeId).toBe(b.id);
    expect(fx.events.map((e) => e.name)).toEqual(['accounts.switched', 'accounts.changed']);
    expect(fx.events[0]?.payload).toEqual({ activeId: b.id });
    expect((fx.events[1]?.payload as AccountsState).activeId).toBe(b.id);
    expect(JSON.parse(await readFile(join(fx.userData, 'profiles.json'), 'utf8')).activeId).toBe(b.id);

    fx.events.length = 0;
    await accounts.use({ id: b.id });
    expect(fx.events).toEqual([]);
    expect((await rejection(accounts.use({ id: 'missing' }))).code).toBe('profile_not_found');
    expect((await accounts.list()).activeId).toBe(b.id);
    expect(a.id).not.toBe(b.id);
  });

  it('emits accounts.changed with the new state on every mutation', async () => {
    const accounts = await service();
    const a = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    expect(fx.events.map((e) => e.name)).toEqual(['accounts.switched', 'accounts.changed']);
    fx.events.length = 0;
    await accounts.update({ id: a.id, profile: profile({ label: 'Renamed' }) });
    await accounts.remove({ id: a.id, deleteData: false });
    expect(fx.events.map((e) => e.name)).toEqual([
      'accounts.changed',
      'accounts.switched',
      'accounts.changed',
    ]);
    const [renamed, switched, removed] = fx.events.map((e) => e.payload);
    expect((renamed as AccountsState).profiles[0]?.label).toBe('Renamed');
    expect(switched).toEqual({ activeId: null });
    expect((removed as AccountsState).profiles).toEqual([]);
    expect(JSON.stringify(fx.events)).not.toContain(TOKEN);
  });

  it('removes the profile and its secret, keeping the data folder unless asked', async () => {
    const accounts = await service();
    const a = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    const b = await accounts.add({
      profile: profile({ label: 'Sales' }),
      secret: TOKEN_2,
      sessionOnly: false,
    });
    await writeFile(join(accounts.dataDirOf(a.id), 'store.sqlite'), 'cached rows');
    await writeFile(join(accounts.dataDirOf(b.id), 'store.sqlite'), 'cached rows');

    expect(await accounts.remove({ id: a.id, deleteData: false })).toBeNull();
    expect(await secrets.get(a.id)).toBeNull();
    expect(await readFile(join(accounts.dataDirOf(a.id), 'store.sqlite'), 'utf8')).toBe('cached rows');

    await accounts.remove({ id: b.id, deleteData: true });
    expect(await secrets.get(b.id)).toBeNull();
    await expect(stat(accounts.dataDirOf(b.id))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await accounts.list()).toMatchObject({ profiles: [], activeId: null });
  });

  it('keeps the profile when the keychain refuses to delete its entry', async () => {
    const flaky = createMemorySecrets();
    let failDelete = false;
    const port: SecretsPort = {
      get: (id) => flaky.get(id),
      set: (id, s) => flaky.set(id, s),
      delete: async (id) => {
        if (failDelete) throw new Error('Cannot create an item in a locked collection');
        return flaky.delete(id);
      },
    };
    const accounts = await service(fx.deps({ secrets: port }));
    const a = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    failDelete = true;
    const error = await rejection(accounts.remove({ id: a.id, deleteData: true }));
    expect(error.code).toBe('keychain_locked');
    expect((await accounts.list()).profiles.map((p) => p.id)).toEqual([a.id]);
    expect(await flaky.get(a.id)).toBe(TOKEN);
  });

  it('refuses ids that could escape the accounts folder', async () => {
    const accounts = await service();
    expect(() => accounts.dataDirOf('../outside')).toThrow(AppError);
  });
});

describe('connection tests and the active target', () => {
  it('tests a saved profile with its stored secret and returns the typed result', async () => {
    await refixture({
      secrets,
      result: { status: 'bad_credentials', message: 'Wrong token.', ms: 40 },
    });
    const accounts = await service();
    const a = await accounts.add({
      profile: profile({ region: 'au1', edge: 'sydney', baseUrl: 'http://127.0.0.1:9999' }),
      secret: TOKEN,
      sessionOnly: false,
    });
    expect(await accounts.test({ id: a.id })).toEqual({
      status: 'bad_credentials',
      message: 'Wrong token.',
      ms: 40,
    });
    expect(fx.tested).toEqual([
      {
        accountSid: SID_A,
        username: SID_A,
        password: TOKEN,
        region: 'au1',
        edge: 'sydney',
        baseUrl: 'http://127.0.0.1:9999',
      },
    ]);
  });

  it('tests a draft without saving anything, and checks its base URL first', async () => {
    const accounts = await service();
    const draft = profile({ credential: { kind: 'apiKey', apiKeySid: KEY_A } });
    expect((await accounts.testDraft({ profile: draft, secret: KEY_SECRET })).status).toBe('ok');
    expect(fx.tested[0]).toMatchObject({ username: KEY_A, password: KEY_SECRET });
    expect((await accounts.list()).profiles).toEqual([]);
    expect(fx.events).toEqual([]);

    const error = await rejection(
      accounts.testDraft({ profile: profile({ baseUrl: 'http://example.com' }), secret: 'x' }),
    );
    expect(error.code).toBe('invalid_base_url');
    expect(fx.tested).toHaveLength(1);
  });

  it('gives the active profile’s target and data folder, or null with none active', async () => {
    const accounts = await service();
    expect(await accounts.activeTarget()).toBeNull();
    const a = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    const active = await accounts.activeTarget();
    expect(active?.profile.id).toBe(a.id);
    expect(active?.target).toMatchObject({ username: SID_A, password: TOKEN });
    expect(active?.dataDir).toBe(join(fx.userData, 'accounts', a.id));
  });

  it('says which secret is missing when the keychain has lost it', async () => {
    const accounts = await service();
    const a = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    await secrets.delete(a.id);
    const restarted = await service();
    expect((await restarted.list()).profiles[0]?.hasSecret).toBe(false);
    const error = await rejection(restarted.test({ id: a.id }));
    expect(error.code).toBe('secret_missing');
    expect(error.message).toMatch(/Auth Token/);
  });
});

describe('environment profile', () => {
  const env = {
    TWILIO_ACCOUNT_SID: SID_B,
    TWILIO_AUTH_TOKEN: 'env-token-00112233445566778899',
    TWILIO_REGION: 'IE1',
    TWILIO_EDGE: 'dublin',
  };

  it('appears read-only, can be used and tested with the variables’ credentials', async () => {
    await refixture({ secrets, env });
    const accounts = await service();
    const state = await accounts.list();
    expect(state.profiles).toEqual([
      {
        id: 'env',
        label: 'Environment',
        accountSid: SID_B,
        credential: { kind: 'authToken' },
        region: 'ie1',
        edge: 'dublin',
        baseUrl: null,
        color: expect.stringMatching(/^#[0-9a-f]{6}$/),
        hasSecret: true,
        source: 'env',
        sessionOnly: false,
      },
    ]);
    expect((await accounts.use({ id: 'env' })).activeId).toBe('env');
    await accounts.test({ id: 'env' });
    expect(fx.tested[0]).toMatchObject({ username: SID_B, password: env.TWILIO_AUTH_TOKEN, region: 'ie1' });
    expect((await rejection(accounts.update({ id: 'env', profile: profile() }))).code).toBe(
      'profile_read_only',
    );
    expect((await rejection(accounts.remove({ id: 'env', deleteData: true }))).code).toBe(
      'profile_read_only',
    );
    expect(
      (
        await rejection(
          accounts.add({ profile: profile({ label: 'environment' }), secret: TOKEN, sessionOnly: false }),
        )
      ).code,
    ).toBe('duplicate_label');
    expect(await readFile(join(fx.userData, 'profiles.json'), 'utf8')).not.toContain(env.TWILIO_AUTH_TOKEN);
  });

  it('prefers an API key pair to the Auth Token, like twilio-cli', async () => {
    await refixture({
      secrets,
      env: { ...env, TWILIO_API_KEY: KEY_A, TWILIO_API_SECRET: 'env-key-secret-abcdef' },
    });
    const accounts = await service();
    expect((await accounts.list()).profiles[0]?.credential).toEqual({ kind: 'apiKey', apiKeySid: KEY_A });
    await accounts.test({ id: 'env' });
    expect(fx.tested[0]).toMatchObject({ username: KEY_A, password: 'env-key-secret-abcdef' });
  });

  it('is absent when the variables are incomplete or malformed', async () => {
    const partials: Array<Record<string, string>> = [
      { TWILIO_ACCOUNT_SID: SID_A },
      { TWILIO_ACCOUNT_SID: 'AC123', TWILIO_AUTH_TOKEN: 't' },
      { TWILIO_AUTH_TOKEN: 't' },
    ];
    for (const partial of partials) {
      const f = await createFixture({ env: partial });
      const accounts = await createAccountsService(f.deps());
      expect((await accounts.list()).profiles).toEqual([]);
      await accounts.close();
      await f.cleanup();
    }
  });

  it('forgets a remembered active env profile when the variables are gone', async () => {
    await refixture({ secrets, env });
    await (await service()).use({ id: 'env' });
    const withoutEnv = await service(fx.deps({ env: {} }));
    expect((await withoutEnv.list()).activeId).toBeNull();
    expect(await withoutEnv.activeTarget()).toBeNull();
    fx.events.length = 0;
    const added = await withoutEnv.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    expect((await withoutEnv.list()).activeId).toBe(added.id);
    expect(fx.events[0]).toEqual({ name: 'accounts.switched', payload: { activeId: added.id } });
  });
});

describe('keychain unusable and session-only secrets', () => {
  function brokenKeychain(message: string): SecretsPort & { calls: number } {
    const port = {
      calls: 0,
      async get(): Promise<string | null> {
        port.calls++;
        throw new Error(message);
      },
      async set(): Promise<void> {
        port.calls++;
        throw new Error(message);
      },
      async delete(): Promise<boolean> {
        port.calls++;
        throw new Error(message);
      },
    };
    return port;
  }

  it('reports the keychain state and a typed error, then keeps a session-only secret in memory', async () => {
    const broken = brokenKeychain('Cannot autolaunch D-Bus without X11 $DISPLAY');
    const accounts = await service(fx.deps({ secrets: broken }));
    const error = await rejection(accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false }));
    expect(error.code).toBe('keychain_no_dbus');
    expect(error.message).toMatch(/D-Bus.*session only/);
    expect(error.message + JSON.stringify(error.detail)).not.toContain(TOKEN);
    expect((await accounts.list()).profiles).toEqual([]);
    await expect(stat(join(fx.userData, 'profiles.json'))).rejects.toMatchObject({ code: 'ENOENT' });

    const keychain = (await accounts.list()).keychain;
    expect(keychain).toMatchObject({ usable: false, code: 'keychain_no_dbus' });
    expect(keychain.usable === false && keychain.fix).toMatch(/session only/);

    const callsBefore = broken.calls;
    const view = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: true });
    expect(view).toMatchObject({ hasSecret: true, sessionOnly: true });
    expect(broken.calls).toBe(callsBefore);
    await accounts.test({ id: view.id });
    expect(fx.tested[0]?.password).toBe(TOKEN);
    expect(await findLeaks(fx.userData, leakForms(TOKEN))).toEqual([]);
  });

  it('loses a session-only secret on restart and says so', async () => {
    const accounts = await service();
    const view = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: true });
    expect(await secrets.get(view.id)).toBeNull();
    await accounts.close();

    const restarted = await service();
    expect((await restarted.list()).profiles[0]).toMatchObject({
      id: view.id,
      hasSecret: false,
      sessionOnly: true,
    });
    expect((await rejection(restarted.test({ id: view.id }))).code).toBe('secret_missing');
  });

  it('moves a session-only secret to the keychain once the keychain works', async () => {
    const accounts = await service();
    const view = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: true });
    const updated = await accounts.update({ id: view.id, profile: profile(), secret: TOKEN_2 });
    expect(updated).toMatchObject({ hasSecret: true, sessionOnly: false });
    expect(await secrets.get(view.id)).toBe(TOKEN_2);
  });

  it('keeps a session-only secret in memory when the keychain still fails', async () => {
    const broken = brokenKeychain('The name org.freedesktop.secrets was not provided by any .service files');
    const accounts = await service(fx.deps({ secrets: broken }));
    const view = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: true });
    const updated = await accounts.update({ id: view.id, profile: profile(), secret: TOKEN_2 });
    expect(updated).toMatchObject({ hasSecret: true, sessionOnly: true });
    await accounts.test({ id: view.id });
    expect(fx.tested[0]?.password).toBe(TOKEN_2);
    expect((await accounts.list()).keychain).toMatchObject({ usable: false, code: 'keychain_unavailable' });
  });

  it('asks the keychain again when listing, so a fixed keychain becomes usable', async () => {
    let broken = true;
    const memory = createMemorySecrets();
    const port = {
      get: (id: string) => memory.get(id),
      set: (id: string, s: string) => memory.set(id, s),
      delete: (id: string) => memory.delete(id),
      probe: async () =>
        broken
          ? ({ usable: false, code: 'keychain_locked', message: 'Locked.', fix: 'Unlock it.' } as const)
          : ({ usable: true } as const),
    };
    const accounts = await service(fx.deps({ secrets: port }));
    expect((await accounts.list()).keychain).toMatchObject({ usable: false, code: 'keychain_locked' });
    broken = false;
    expect((await accounts.list()).keychain).toEqual({ usable: true });
  });

  it('stops asking the keychain about other profiles once one call fails', async () => {
    await mkdir(fx.userData, { recursive: true });
    const stored = ['a', 'b', 'c'].map((id) => ({ ...profile({ label: id }), id, secretStore: 'keychain' }));
    await writeFile(
      join(fx.userData, 'profiles.json'),
      JSON.stringify({ version: 1, activeId: 'a', profiles: stored }),
    );
    const hanging = brokenKeychain('The keychain did not answer');
    const accounts = await service(fx.deps({ secrets: hanging }));
    const state = await accounts.list();
    expect(state.profiles.map((p) => p.hasSecret)).toEqual([false, false, false]);
    expect(state.keychain).toMatchObject({ usable: false, code: 'keychain_error' });
    expect(hanging.calls).toBe(1);
  });

  it('forgets session secrets on close', async () => {
    const accounts = await service();
    const view = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: true });
    await accounts.close();
    expect((await rejection(accounts.test({ id: view.id }))).code).toBe('secret_missing');
  });
});

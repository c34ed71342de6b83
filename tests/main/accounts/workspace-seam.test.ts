/**
 * What workspaces build on: resolve (no secret), target (with it), the data folders (the
 * Environment one named after its SID), releaseData before a folder goes, and QM_BASE_URL.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemorySecrets } from '../../../src-main/accounts/memory-secrets.ts';
import {
  createAccountsService,
  type AccountsDeps,
  type AccountsService,
} from '../../../src-main/accounts/service.ts';
import { AppError } from '../../../src-main/errors.ts';
import type { LoggerPort, SecretsPort } from '../../../src-main/ports.ts';
import { createFixture, KEY_A, profile, SID_A, SID_B, type Fixture } from '../../support/accounts-fixture.ts';

const TOKEN = 'tok-0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const ENV_TOKEN = 'env-token-00112233445566778899';

let fx: Fixture;
let secrets: ReturnType<typeof createMemorySecrets>;
const open: AccountsService[] = [];

async function service(overrides: Partial<AccountsDeps> = {}): Promise<AccountsService> {
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

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

beforeEach(async () => {
  secrets = createMemorySecrets();
  fx = await createFixture({ secrets });
});

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  await fx.cleanup();
});

describe('resolve and target', () => {
  it('resolves a profile and its data folder without its secret', async () => {
    const accounts = await service();
    const a = await accounts.add({ profile: profile({ region: 'ie1' }), secret: TOKEN, sessionOnly: false });
    await secrets.delete(a.id);
    const restarted = await service();
    const resolved = await restarted.resolve(a.id);
    expect(resolved).toEqual({
      profile: expect.objectContaining({ id: a.id, accountSid: SID_A, region: 'ie1', hasSecret: false }),
      dataDir: join(fx.userData, 'accounts', a.id),
    });
    expect((await rejection(restarted.target(a.id))).code).toBe('secret_missing');
    expect((await rejection(restarted.resolve('no-such-id'))).code).toBe('profile_not_found');
  });

  it('resolves while the keychain is broken, and target says what is wrong with it', async () => {
    const accounts = await service();
    const a = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    const broken: SecretsPort = {
      get: async () => {
        throw new Error('Cannot create an item in a locked collection');
      },
      set: async () => {},
      delete: async () => false,
    };
    const offline = await service({ secrets: broken });
    expect((await offline.resolve(a.id)).dataDir).toBe(accounts.dataDirOf(a.id));
    expect((await rejection(offline.target(a.id))).code).toBe('keychain_locked');
  });

  it('gives the Flex target with the stored secret for any profile, not only the active one', async () => {
    const accounts = await service();
    await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    const b = await accounts.add({
      profile: profile({
        label: 'Sales',
        accountSid: SID_B,
        credential: { kind: 'apiKey', apiKeySid: KEY_A },
        baseUrl: 'http://127.0.0.1:4010',
      }),
      secret: 'key-secret-1',
      sessionOnly: true,
    });
    expect(await accounts.target(b.id)).toEqual({
      accountSid: SID_B,
      username: KEY_A,
      password: 'key-secret-1',
      region: null,
      edge: null,
      baseUrl: 'http://127.0.0.1:4010',
    });
    expect((await accounts.list()).activeId).not.toBe(b.id);
  });
});

describe('the Environment profile', () => {
  const env = { TWILIO_ACCOUNT_SID: SID_B, TWILIO_AUTH_TOKEN: ENV_TOKEN };

  it('keeps its data in a folder named after its Account SID', async () => {
    await fx.cleanup();
    fx = await createFixture({ secrets, env });
    const accounts = await service();
    const folder = join(fx.userData, 'accounts', `env-${SID_B.toLowerCase()}`);
    expect(accounts.dataDirOf('env')).toBe(folder);
    expect((await accounts.resolve('env')).dataDir).toBe(folder);
    expect(await accounts.target('env')).toMatchObject({ accountSid: SID_B, password: ENV_TOKEN });

    // Other variables, another account: another folder, so two accounts' data never mix.
    const other = await service({ env: { ...env, TWILIO_ACCOUNT_SID: SID_A } });
    expect(other.dataDirOf('env')).toBe(join(fx.userData, 'accounts', `env-${SID_A.toLowerCase()}`));
  });

  it('says there is none when no variables are set', async () => {
    const accounts = await service();
    expect(accounts.envProblem()).toBeNull();
    const error = await rejection(accounts.resolve('env'));
    expect(error.code).toBe('profile_not_found');
    expect(error.message).toMatch(/TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN/);
    expect(() => accounts.dataDirOf('env')).toThrow(AppError);
  });

  it('takes its API address from QM_BASE_URL', async () => {
    const accounts = await service({ env: { ...env, QM_BASE_URL: ' http://127.0.0.1:4010/ ' } });
    expect((await accounts.list()).profiles).toMatchObject([
      { id: 'env', baseUrl: 'http://127.0.0.1:4010/' },
    ]);
    expect((await accounts.target('env')).baseUrl).toBe('http://127.0.0.1:4010/');
    expect(accounts.envProblem()).toBeNull();
    const plain = await service({ env: { ...env, QM_BASE_URL: '' } });
    expect((await plain.target('env')).baseUrl).toBeNull();
  });

  it('is left out with the reason when QM_BASE_URL is not https or loopback http', async () => {
    for (const url of ['http://flex.example.com', 'https://user:pw@flex.example.com', 'not a url']) {
      const accounts = await service({ env: { ...env, QM_BASE_URL: url } });
      expect((await accounts.list()).profiles).toEqual([]);
      const problem = accounts.envProblem();
      expect(problem?.code).toBe('invalid_base_url');
      expect(problem?.message).toMatch(
        /^The Environment account \(TWILIO_\* variables\) is not available: QM_BASE_URL: /,
      );
      expect(problem?.message).not.toContain(ENV_TOKEN);
      expect(problem?.message).not.toContain('pw@');
      // Naming the account gives that reason, not "no such account".
      for (const call of [
        () => accounts.resolve('env'),
        () => accounts.target('env'),
        () => accounts.use({ id: 'env' }),
      ]) {
        expect(await rejection(call())).toBe(problem);
      }
      expect(() => accounts.dataDirOf('env')).toThrow(problem!);
    }
  });

  it('names the variable that is wrong', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ TWILIO_ACCOUNT_SID: 'AC123', TWILIO_AUTH_TOKEN: 't' }, /TWILIO_ACCOUNT_SID: An Account SID is AC/],
      [{ TWILIO_AUTH_TOKEN: 't' }, /TWILIO_ACCOUNT_SID is not set/],
      [{ TWILIO_ACCOUNT_SID: SID_A }, /set TWILIO_AUTH_TOKEN, or TWILIO_API_KEY with TWILIO_API_SECRET/],
      [{ ...env, TWILIO_REGION: 'Ireland 1' }, /TWILIO_REGION: A region looks like us1/],
      [{ TWILIO_ACCOUNT_SID: SID_A, TWILIO_API_KEY: 'SK1', TWILIO_API_SECRET: 's' }, /TWILIO_API_KEY: /],
      [{ ...env, TWILIO_AUTH_TOKEN: 'x'.repeat(600) }, /TWILIO_AUTH_TOKEN is longer/],
    ];
    for (const [vars, reason] of cases) {
      const accounts = await service({ env: vars });
      expect(accounts.envProblem()?.code).toBe('profile_not_found');
      expect(accounts.envProblem()?.message).toMatch(reason);
      expect((await accounts.list()).profiles).toEqual([]);
    }
  });
});

describe('remove and the account’s open data', () => {
  function deferred(): { promise: Promise<void>; resolve: () => void } {
    let resolve: () => void = () => {};
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  }

  it('awaits releaseData once the profile is gone and before the folder is deleted', async () => {
    const seen: Array<{ id: string; folderThere: boolean; inFile: boolean }> = [];
    const gate = deferred();
    const accounts = await service({
      releaseData: async (id) => {
        const file = JSON.parse(await readFile(join(fx.userData, 'profiles.json'), 'utf8'));
        seen.push({
          id,
          folderThere: await exists(accounts.dataDirOf(id)),
          inFile: file.profiles.some((p: { id: string }) => p.id === id),
        });
        await gate.promise; // the workspace is still cancelling jobs and closing its store
      },
    });
    const a = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    const dir = accounts.dataDirOf(a.id);
    await writeFile(join(dir, 'store.sqlite'), 'rows');

    let done = false;
    const removing = accounts.remove({ id: a.id, deleteData: true }).then(() => (done = true));
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0]).toEqual({ id: a.id, folderThere: true, inFile: false });
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    expect(await exists(join(dir, 'store.sqlite'))).toBe(true);

    gate.resolve();
    await removing;
    expect(await exists(dir)).toBe(false);
  });

  it('releases the data when the folder is kept too, and keeps it', async () => {
    const released: string[] = [];
    const accounts = await service({ releaseData: async (id) => void released.push(id) });
    const a = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    await accounts.remove({ id: a.id, deleteData: false });
    expect(released).toEqual([a.id]);
    expect(await exists(accounts.dataDirOf(a.id))).toBe(true);
  });

  it('keeps the folder and says so when the data cannot be released', async () => {
    const warnings: string[] = [];
    const logger: LoggerPort = { info() {}, warn: (m) => void warnings.push(m), error() {} };
    const accounts = await service({
      logger,
      releaseData: async () => {
        throw new Error('store busy');
      },
    });
    const a = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    const error = await rejection(accounts.remove({ id: a.id, deleteData: true }));
    expect(error.code).toBe('data_folder_failed');
    expect(error.message).toContain(accounts.dataDirOf(a.id));
    expect(await exists(accounts.dataDirOf(a.id))).toBe(true);
    expect((await accounts.list()).profiles).toEqual([]);

    // Without deleteData the removal itself succeeded: a warning is logged, nothing thrown.
    const b = await accounts.add({ profile: profile({ label: 'B' }), secret: TOKEN, sessionOnly: false });
    expect(await accounts.remove({ id: b.id, deleteData: false })).toBeNull();
    expect(warnings).toHaveLength(1);
  });

  it('does not release anything when the removal is refused', async () => {
    const released: string[] = [];
    const accounts = await service({ releaseData: async (id) => void released.push(id) });
    expect((await rejection(accounts.remove({ id: 'missing', deleteData: true }))).code).toBe(
      'profile_not_found',
    );
    expect(released).toEqual([]);
  });
});

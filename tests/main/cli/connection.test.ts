/**
 * Which account a command uses, seen through `accounts test` with a recording network: the
 * target it would call (who, with which secret, where) is the proof.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemorySecrets } from '../../../src-main/accounts/memory-secrets.ts';
import { createAccountsService } from '../../../src-main/accounts/service.ts';
import type { CliIo } from '../../../src-main/cli/program.ts';
import type { FlexTarget } from '../../../src-main/flex/types.ts';
import { KEY_A, SID_A, SID_B } from '../../support/accounts-fixture.ts';
import { cliIn } from './helpers.ts';

const TOKEN_A = 'stored-token-a-0f9e8d7c6b5a';
const TOKEN_B = 'stored-token-b-1a2b3c4d5e6f';
const ENV_TOKEN = 'env-token-99887766554433';
const ENV_KEY_SECRET = 'env-key-secret-5566778899';
const ENV_SID = 'AC00000000000000000000000000000e0e';

let dir: string;
let secrets: ReturnType<typeof createMemorySecrets>;
let tested: FlexTarget[];
const services: CliIo['services'] = async (ports) => {
  const accounts = await createAccountsService({
    ...ports,
    testConnection: async (target) => {
      tested.push(target);
      return { status: 'ok', message: 'Connected.', ms: 1 };
    },
  });
  return { accounts, close: () => accounts.close() };
};

function cli(argv: string[], env: Record<string, string> = {}, stdin?: Readable) {
  return cliIn(argv, { env: { QM_DATA_DIR: dir, ...env }, secrets, services, ...(stdin ? { stdin } : {}) });
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qm-cli-conn-'));
  secrets = createMemorySecrets();
  tested = [];
  // Support EU (active, on a custom https address) and Sales (Twilio).
  const eu = [
    'accounts',
    'add',
    '--label',
    'Support EU',
    '--account-sid',
    SID_A,
    '--base-url',
    'https://qm.example.com/',
  ];
  expect((await cli(eu, {}, Readable.from([TOKEN_A]))).code).toBe(0);
  expect(
    (await cli(['accounts', 'add', '--label', 'Sales', '--account-sid', SID_B], {}, Readable.from([TOKEN_B])))
      .code,
  ).toBe(0);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ENV_TOKEN_VARS = { TWILIO_ACCOUNT_SID: ENV_SID, TWILIO_AUTH_TOKEN: ENV_TOKEN };

describe('which account', () => {
  it('without --profile or TWILIO_*: the active account', async () => {
    const run = await cli(['accounts', 'test']);
    expect(run).toMatchObject({ code: 0, stdout: '“Support EU”: ok — Connected. (1 ms)\n' });
    expect(tested).toEqual([expect.objectContaining({ username: SID_A, password: TOKEN_A })]);
  });

  it('with TWILIO_* set: the Environment account, whatever is active', async () => {
    const run = await cli(['accounts', 'test'], ENV_TOKEN_VARS);
    expect(run).toMatchObject({ code: 0, stdout: expect.stringMatching(/^“Environment”: ok/) });
    expect(tested).toEqual([
      expect.objectContaining({ accountSid: ENV_SID, username: ENV_SID, password: ENV_TOKEN }),
    ]);
  });

  it('TWILIO_API_KEY with TWILIO_API_SECRET authenticate as the key', async () => {
    await cli(['accounts', 'test'], {
      TWILIO_ACCOUNT_SID: ENV_SID,
      TWILIO_API_KEY: KEY_A,
      TWILIO_API_SECRET: ENV_KEY_SECRET,
    });
    expect(tested).toEqual([
      expect.objectContaining({ accountSid: ENV_SID, username: KEY_A, password: ENV_KEY_SECRET }),
    ]);
  });

  it('--profile names a stored account by label (any case) or id, over TWILIO_*', async () => {
    expect((await cli(['accounts', 'test', '--profile', 'sales'], ENV_TOKEN_VARS)).code).toBe(0);
    const { profiles } = JSON.parse((await cli(['accounts', 'list', '--json'])).stdout) as {
      profiles: { id: string; label: string }[];
    };
    const eu = profiles.find((p) => p.label === 'Support EU')!;
    expect((await cli(['accounts', 'test', '--profile', eu.id], ENV_TOKEN_VARS)).code).toBe(0);
    expect((await cli(['accounts', 'test', 'SUPPORT eu'])).code).toBe(0);
    expect(tested.map((t) => t.password)).toEqual([TOKEN_B, TOKEN_A, TOKEN_A]);
  });

  it('an unknown --profile, or no account at all, fails with what to do (exit 1)', async () => {
    const unknown = await cli(['accounts', 'test', '--profile', 'Nope']);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toMatch(/No account called “Nope”\. Run `accounts list`/);

    const empty = await mkdtemp(join(tmpdir(), 'qm-cli-empty-'));
    try {
      const none = await cliIn(['accounts', 'test'], { env: { QM_DATA_DIR: empty }, secrets, services });
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/No account to use\. Name one with --profile <label>.*TWILIO_ACCOUNT_SID/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
    expect(tested).toEqual([]);
  });

  it('TWILIO_* set but unusable: says which variable, never falls back, never echoes the secret', async () => {
    const run = await cli(['accounts', 'test'], {
      TWILIO_ACCOUNT_SID: 'AC123',
      TWILIO_AUTH_TOKEN: ENV_TOKEN,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/TWILIO_ACCOUNT_SID: An Account SID is AC followed by 32 hex/);
    expect(run.stderr).toMatch(/unset them to use a stored account/);
    expect(run.stderr + run.stdout).not.toContain(ENV_TOKEN);
    const half = await cli(['accounts', 'test'], { TWILIO_ACCOUNT_SID: ENV_SID });
    expect(half).toMatchObject({ code: 1, stderr: expect.stringMatching(/TWILIO_AUTH_TOKEN/) });
    expect(tested).toEqual([]);
    // Named explicitly, a stored account still works.
    expect(
      (
        await cli(['accounts', 'test', 'Sales'], {
          TWILIO_ACCOUNT_SID: 'AC123',
          TWILIO_AUTH_TOKEN: ENV_TOKEN,
        })
      ).code,
    ).toBe(0);
  });
});

describe('--base-url', () => {
  it('points the Environment account at another address (QM_BASE_URL for the services)', async () => {
    const run = await cli(['accounts', 'test', '--base-url', 'http://127.0.0.1:4010'], ENV_TOKEN_VARS);
    expect(run.code).toBe(0);
    expect(tested).toEqual([
      expect.objectContaining({ username: ENV_SID, baseUrl: 'http://127.0.0.1:4010' }),
    ]);
  });

  it('never sends a stored secret somewhere new: exit 2, explaining to edit the account', async () => {
    const run = await cli(['accounts', 'test', 'Support EU', '--base-url', 'https://elsewhere.example.com']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /--base-url does not apply to the stored account “Support EU”.*https:\/\/qm\.example\.com\/.*Edit the account/,
    );
    expect(run.stderr).toContain('Run `npm run cli -- accounts test --help` for usage.');
    const twilio = await cli([
      'accounts',
      'test',
      '--profile',
      'Sales',
      '--base-url',
      'http://127.0.0.1:4010',
    ]);
    expect(twilio).toMatchObject({ code: 2, stderr: expect.stringMatching(/only ever sent to Twilio/) });
    // Without TWILIO_*, --base-url must not redirect the active stored account either.
    expect((await cli(['accounts', 'test', '--base-url', 'http://127.0.0.1:4010'])).code).toBe(2);
    expect(tested).toEqual([]);
  });

  it('its own address, however spelled, is fine', async () => {
    expect((await cli(['accounts', 'test', 'Support EU', '--base-url', 'https://QM.example.com'])).code).toBe(
      0,
    );
    expect(tested).toEqual([
      expect.objectContaining({ username: SID_A, baseUrl: 'https://qm.example.com/' }),
    ]);
  });
});

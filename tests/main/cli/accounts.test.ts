import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemorySecrets } from '../../../src-main/accounts/memory-secrets.ts';
import { createAccountsService } from '../../../src-main/accounts/service.ts';
import { defaultUserDataDir, runCli, type CliIo, type CliStdin } from '../../../src-main/cli/program.ts';
import type { FlexTarget } from '../../../src-main/flex/types.ts';
import type { AccountsState, ConnectionTestResult } from '../../../src-preload/contract.ts';
import { findLeaks, KEY_A, leakForms, SID_A, SID_B } from '../../support/accounts-fixture.ts';

const REPO = join(import.meta.dirname, '../../..');
const TOKEN = 'cli-token-5f4e3d2c1b0a99887766554433';

let dir: string;
let secrets: ReturnType<typeof createMemorySecrets>;
let tested: FlexTarget[];
let nextResult: ConnectionTestResult;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qm-cli-'));
  secrets = createMemorySecrets();
  tested = [];
  nextResult = { status: 'ok', message: 'Connected.', ms: 7 };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** runCli in-process with an in-memory keychain and a fake network; returns code and output. */
async function cli(argv: string[], options: { stdin?: CliStdin; env?: Record<string, string> } = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdin: options.stdin ?? Readable.from([]),
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: options.env ?? { QM_DATA_DIR: dir },
    secrets,
    services: async (ports) => {
      const accounts = await createAccountsService({
        ...ports,
        testConnection: async (target) => {
          tested.push(target);
          return nextResult;
        },
      });
      return { accounts, close: () => accounts.close() };
    },
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

const addArgs = (label: string, sid = SID_A) => ['accounts', 'add', '--label', label, '--account-sid', sid];

describe('runCli in-process', () => {
  it('adds with the secret from stdin and lists it as JSON without the secret', async () => {
    const added = await cli([...addArgs('Support EU'), '--region', 'ie1'], {
      stdin: Readable.from([`${TOKEN}\n`]),
    });
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toMatch(/Added “Support EU” \(.+\)\. It is the active account\./);

    const listed = await cli(['accounts', 'list', '--json']);
    expect(listed.code).toBe(0);
    const state = JSON.parse(listed.stdout) as AccountsState;
    expect(state.profiles).toHaveLength(1);
    expect(state.profiles[0]).toMatchObject({
      label: 'Support EU',
      region: 'ie1',
      hasSecret: true,
      sessionOnly: false,
    });
    expect(state.activeId).toBe(state.profiles[0]?.id);
    expect(await secrets.get(state.profiles[0]!.id)).toBe(TOKEN);
    for (const out of [added.stdout, added.stderr, listed.stdout, listed.stderr])
      expect(out).not.toContain(TOKEN);
    expect(await findLeaks(dir, leakForms(TOKEN))).toEqual([]);
  });

  it('prints a readable table and marks the active account', async () => {
    await cli(addArgs('Support EU'), { stdin: Readable.from([TOKEN]) });
    await cli([...addArgs('Sales', SID_B), '--api-key', KEY_A], { stdin: Readable.from(['key-secret']) });
    const { code, stdout } = await cli(['accounts', 'list']);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\* +Support EU +AC0123.*Auth Token.*secret stored/);
    expect(lines[1]).toMatch(/^ +Sales +ACfedc.*API key SK0123.*secret stored/);
  });

  it('switches, tests and removes by label (any case), with exit codes', async () => {
    await cli(addArgs('Support EU'), { stdin: Readable.from([TOKEN]) });
    await cli(addArgs('Sales', SID_B), { stdin: Readable.from(['other-token']) });

    const used = await cli(['accounts', 'use', 'sales']);
    expect(used).toMatchObject({ code: 0, stdout: 'Active account: “Sales”.\n' });
    const state = JSON.parse((await cli(['accounts', 'list', '--json'])).stdout) as AccountsState;
    expect(state.profiles.find((p) => p.id === state.activeId)?.label).toBe('Sales');

    const ok = await cli(['accounts', 'test', 'Support EU']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/ok — Connected\. \(7 ms\)/);
    expect(tested[0]).toMatchObject({ username: SID_A, password: TOKEN });

    nextResult = { status: 'bad_credentials', message: 'Twilio refused the Auth Token.', ms: 9 };
    const bad = await cli(['accounts', 'test', 'Support EU']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad_credentials — Twilio refused/);

    const profileId = state.profiles.find((p) => p.label === 'Support EU')!.id;
    const kept = await cli(['accounts', 'remove', 'support eu']);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain(join(dir, 'accounts', profileId));
    expect((await stat(join(dir, 'accounts', profileId))).isDirectory()).toBe(true);
    expect(await secrets.get(profileId)).toBeNull();

    const salesId = state.activeId!;
    expect((await cli(['accounts', 'remove', 'Sales', '--delete-data'])).code).toBe(0);
    await expect(stat(join(dir, 'accounts', salesId))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(JSON.parse((await cli(['accounts', 'list', '--json'])).stdout).profiles).toEqual([]);
  });

  it('fails with exit 1 and a clear message for an unknown label or a duplicate', async () => {
    const missing = await cli(['accounts', 'use', 'Nope']);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/No account called “Nope”/);

    await cli(addArgs('Support EU'), { stdin: Readable.from([TOKEN]) });
    const dup = await cli(addArgs('support eu', SID_B), { stdin: Readable.from(['t2']) });
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);
  });

  it('treats bad flags, missing secrets and wrong arguments as usage errors (exit 2)', async () => {
    const badSid = await cli(['accounts', 'add', '--label', 'X', '--account-sid', 'AC123'], {
      stdin: Readable.from([TOKEN]),
    });
    expect(badSid.code).toBe(2);
    expect(badSid.stderr).toMatch(/--account-sid: An Account SID is AC followed by 32 hex/);

    const badUrl = await cli([...addArgs('X'), '--base-url', 'not a url'], { stdin: Readable.from([TOKEN]) });
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/--base-url/);

    const noSecret = await cli(addArgs('X'), { stdin: Readable.from(['  \n']) });
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toMatch(/No Auth Token on standard input/);

    expect((await cli(['accounts', 'use'])).code).toBe(2);
    expect((await cli(['accounts', 'list', 'extra'])).code).toBe(2);
    expect((await cli(['accounts', 'list', '--label', 'x'])).code).toBe(2);
    expect((await cli(['accounts', 'frobnicate'])).code).toBe(2);
    expect((await cli(['settings'])).code).toBe(2);
    expect((await cli([])).code).toBe(2);
    // The secret must never be accepted on the command line.
    expect((await cli([...addArgs('X'), '--token', TOKEN])).code).toBe(2);
    expect(JSON.parse((await cli(['accounts', 'list', '--json'])).stdout).profiles).toEqual([]);
  });

  it('rejects an http base URL off loopback with exit 1 and saves nothing', async () => {
    const { code, stderr } = await cli([...addArgs('X'), '--base-url', 'http://flex.example.com'], {
      stdin: Readable.from([TOKEN]),
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/must start with https/);
    expect(await secrets.get('anything')).toBeNull();
  });

  it('prints help for every command with exit 0', async () => {
    const main = await cli(['--help']);
    expect(main.code).toBe(0);
    expect(main.stdout).toMatch(/accounts add --label/);
    for (const name of ['list', 'add', 'test', 'use', 'remove']) {
      const help = await cli(['accounts', name, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: npm run cli -- accounts ${name} `));
      expect(help.stdout).toContain('--data-dir');
    }
    expect((await cli(['accounts', '-h'])).stdout).toMatch(/Commands:/);
  });

  it('prompts without echo when stdin is a terminal', async () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true, modes: [] as boolean[] }) as PassThrough & {
      isTTY: boolean;
      modes: boolean[];
      setRawMode(mode: boolean): void;
    };
    tty.setRawMode = (mode) => void tty.modes.push(mode);
    const running = cli(addArgs('Typed'), { stdin: tty });
    tty.write('tokex\u007fn-typed');
    tty.write('\r');
    const { code, stdout, stderr } = await running;
    expect(code).toBe(0);
    expect(stderr).toMatch(/^Auth Token \(input hidden\): \n$/);
    expect(stdout).not.toContain('token-typed');
    expect(tty.modes).toEqual([true, false]);
    const state = JSON.parse((await cli(['accounts', 'list', '--json'])).stdout) as AccountsState;
    expect(await secrets.get(state.profiles[0]!.id)).toBe('token-typed');
  });

  it('uses --data-dir over QM_DATA_DIR', async () => {
    const other = join(dir, 'elsewhere');
    await cli([...addArgs('Flagged'), '--data-dir', other], { stdin: Readable.from([TOKEN]) });
    expect(await readdir(other)).toContain('profiles.json');
    expect(await readdir(dir)).toEqual(['elsewhere']);
  });
});

describe('defaultUserDataDir', () => {
  it('matches Electron userData for productName "QM Desk"', () => {
    expect(defaultUserDataDir('linux', {}, '/home/r')).toBe('/home/r/.config/QM Desk');
    expect(defaultUserDataDir('linux', { XDG_CONFIG_HOME: '/x/cfg' }, '/home/r')).toBe('/x/cfg/QM Desk');
    expect(defaultUserDataDir('darwin', {}, '/Users/r')).toBe('/Users/r/Library/Application Support/QM Desk');
    expect(
      defaultUserDataDir('win32', { APPDATA: 'C:\\Users\\r\\AppData\\Roaming' }, 'C:\\Users\\r'),
    ).toMatch(/Roaming[\\/]QM Desk$/);
  });
});

describe('node src-main/cli/index.ts as a subprocess', () => {
  function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        ['src-main/cli/index.ts', ...args],
        { cwd: REPO, timeout: 20_000, env: { PATH: process.env['PATH'] ?? '', QM_DATA_DIR: dir } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  it('prints help with exit 0', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run cli -- \[options\] \[command\]/);
    expect(stdout).toContain('accounts add --label');
  });

  it('exits 2 on bad usage, touching nothing', async () => {
    const missing = await run(['accounts', 'add', '--label', 'X']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--account-sid/);
    const unknown = await run(['accounts', 'list', '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--bogus/);
    expect(await readdir(dir)).toEqual([]);
  });
});

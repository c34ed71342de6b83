/**
 * The real CLI in subprocesses, with real keytar on a private Secret Service and a tiny loopback
 * Flex stand-in that checks the Basic credentials: add, list, switch, test, remove — and no secret
 * anywhere but the keychain and the wire to 127.0.0.1. Then a sync of a stored account, its secret
 * read from the keychain, against the simulator.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountsState } from '../../src-preload/contract.ts';
import { findLeaks, KEY_A, leakForms, SID_A, SID_B } from '../support/accounts-fixture.ts';
import { startSimulator } from '../simulator/index.ts';
import { secretServiceOrSkip } from '../support/keychain-gate.ts';

const REPO = join(import.meta.dirname, '../..');
const TOKEN = `cli-tok-${randomUUID()}`;
const KEY_SECRET = `cli-key-${randomUUID()}`;
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

const secretService = await secretServiceOrSkip('keychain cli');

describe.skipIf(!secretService)('accounts CLI with a real keychain', () => {
  let dir: string;
  let server: Server;
  let baseUrl: string;
  const seenAuth: string[] = [];
  const outputs: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qm-cli-keychain-'));
    const good = new Set([basic(SID_A, TOKEN), basic(KEY_A, KEY_SECRET)]);
    server = createServer((req, res) => {
      const auth = req.headers.authorization ?? '';
      seenAuth.push(auth);
      res.setHeader('content-type', 'application/json');
      if (!good.has(auth)) {
        res.writeHead(401).end(JSON.stringify({ code: 20003, message: 'Authenticate', status: 401 }));
        return;
      }
      res.writeHead(200).end(JSON.stringify({ roles: ['wfo.full_access'], url: `${baseUrl}${req.url}` }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await secretService?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function cli(args: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = execFile(
        process.execPath,
        ['src-main/cli/index.ts', ...args],
        {
          cwd: REPO,
          timeout: 20_000,
          env: { PATH: process.env['PATH'] ?? '', ...secretService!.env, QM_DATA_DIR: join(dir, 'data') },
        },
        (error, stdout, stderr) => {
          outputs.push(stdout, stderr);
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
        },
      );
      child.stdin?.end(input);
    });
  }

  /** Reads the private keyring directly, in a subprocess on the same bus. */
  function keyring(account: string): Promise<string> {
    const code = `const k = (await import('keytar')).default;
      process.stdout.write(String(await k.getPassword('com.qmdesk.app', ${JSON.stringify(account)})));`;
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        ['--input-type=module', '-e', code],
        { cwd: REPO, timeout: 20_000, env: { PATH: process.env['PATH'] ?? '', ...secretService!.env } },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      );
    });
  }

  it('adds, lists, switches, tests and removes without a secret leaving the keychain', async () => {
    const addToken = await cli(
      ['accounts', 'add', '--label', 'Support EU', '--account-sid', SID_A, '--base-url', baseUrl],
      `${TOKEN}\n`,
    );
    expect(addToken).toMatchObject({ code: 0, stderr: '' });
    const addKey = await cli(
      [
        'accounts',
        'add',
        '--label',
        'Sales',
        '--account-sid',
        SID_B,
        '--api-key',
        KEY_A,
        '--base-url',
        baseUrl,
      ],
      KEY_SECRET,
    );
    expect(addKey.code).toBe(0);

    const listed = await cli(['accounts', 'list', '--json']);
    expect(listed.code).toBe(0);
    const state = JSON.parse(listed.stdout) as AccountsState;
    expect(state.keychain).toEqual({ usable: true });
    expect(state.profiles.map((p) => [p.label, p.hasSecret, p.sessionOnly])).toEqual([
      ['Support EU', true, false],
      ['Sales', true, false],
    ]);
    const [eu, sales] = state.profiles;
    expect(await keyring(eu!.id)).toBe(TOKEN);
    expect(await keyring(sales!.id)).toBe(KEY_SECRET);

    expect((await cli(['accounts', 'use', 'Sales'])).code).toBe(0);
    expect(JSON.parse((await cli(['accounts', 'list', '--json'])).stdout).activeId).toBe(sales!.id);

    const testEu = await cli(['accounts', 'test', 'Support EU']);
    expect(testEu.stderr).toBe('');
    expect(testEu).toMatchObject({ code: 0, stdout: expect.stringMatching(/“Support EU”: ok/) });
    expect((await cli(['accounts', 'test', 'Sales'])).code).toBe(0);
    expect(seenAuth).toEqual([basic(SID_A, TOKEN), basic(KEY_A, KEY_SECRET)]);

    expect((await cli(['accounts', 'remove', 'Support EU', '--delete-data'])).code).toBe(0);
    expect((await cli(['accounts', 'remove', 'Sales'])).code).toBe(0);
    expect(await keyring(eu!.id)).toBe('null');
    expect(await keyring(sales!.id)).toBe('null');
    expect(JSON.parse((await cli(['accounts', 'list', '--json'])).stdout).profiles).toEqual([]);

    const forms = [...leakForms(TOKEN, SID_A), ...leakForms(KEY_SECRET, KEY_A)];
    expect(await findLeaks(dir, forms)).toEqual([]);
    for (const text of outputs) for (const form of forms) expect(text).not.toContain(form);
  });

  it('syncs a stored account with its secret from the keychain', async () => {
    const sim = await startSimulator({ seed: 3, assessments: 300 });
    try {
      const [account] = sim.accounts;
      const add = await cli(
        ['accounts', 'add', '--label', 'Sim', '--account-sid', account!.accountSid, '--base-url', sim.url],
        account!.authToken,
      );
      expect(add.code).toBe(0);
      const segments = sim.data.segmentIds().slice(0, 3);
      const count = (f: (s: string) => number) => segments.reduce((n, s) => n + f(s), 0);
      const sync = await cli([
        'sync',
        '--profile',
        'sim',
        ...segments.flatMap((s) => ['--segment', s]),
        '--json',
      ]);
      expect(sync.code).toBe(0);
      expect(JSON.parse(sync.stdout).result).toMatchObject({
        segments: 3,
        assessments: count((segmentId) => sim.data.countAssessments({ segmentId })),
        comments: count((segmentId) => sim.data.countComments({ segmentId })),
        failures: [],
      });
      expect(sim.log.every((entry) => entry.authOk)).toBe(true);
      expect((await cli(['accounts', 'remove', 'Sim', '--delete-data'])).code).toBe(0);
      for (const text of outputs) expect(text).not.toContain(account!.authToken);
      expect(await findLeaks(dir, leakForms(account!.authToken))).toEqual([]);
    } finally {
      await sim.close();
    }
  });
});

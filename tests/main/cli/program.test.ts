import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src-main/cli/program.ts';
import { cliIn } from './helpers.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qm-cli-usage-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every command of the real program, as argv paths (`['accounts', 'add']`), commander's `help` aside. */
function commandPaths(): { path: string[]; command: Command }[] {
  const program = buildProgram({
    io: { stdin: process.stdin, stdout: { write: () => {} }, stderr: { write: () => {} }, env: {} },
    exit: { code: 0 },
    services: () => Promise.reject(new Error('not used')),
    onEvent: () => () => {},
    onInterrupt: () => () => {},
    routeLog: () => () => {},
  });
  const out: { path: string[]; command: Command }[] = [];
  const walk = (command: Command, path: string[]) => {
    for (const sub of command.commands) {
      if (sub.name() === 'help') continue;
      out.push({ path: [...path, sub.name()], command: sub });
      walk(sub, [...path, sub.name()]);
    }
  };
  walk(program, []);
  return out;
}

/** Usage errors must be found before anything is built or touched. */
const untouchable = {
  services: () => Promise.reject(new Error('services must not be built for a usage error')),
};

describe('help', () => {
  const paths = commandPaths();

  it('knows the command groups', () => {
    expect(paths.map((p) => p.path.join(' '))).toEqual(
      expect.arrayContaining(['accounts', 'accounts list', 'accounts add', 'sync']),
    );
  });

  it.each(paths.map((p) => [p.path.join(' '), p] as const))(
    '`%s --help` prints its usage, exit 0',
    async (_, p) => {
      const run = await cliIn([...p.path, '--help'], { env: { QM_DATA_DIR: dir }, ...untouchable });
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(new RegExp(`^Usage: npm run cli -- ${p.path.join(' ')} `));
      if (p.command.commands.length === 0) expect(run.stdout).toContain('--data-dir <dir>');
    },
  );

  it('shows the connection options on every command that talks to an account', async () => {
    for (const path of [['sync'], ['accounts', 'test']]) {
      const { stdout } = await cliIn([...path, '--help'], untouchable);
      for (const flag of ['--profile <label or id>', '--base-url <url>', '--data-dir <dir>'])
        expect(stdout).toContain(flag);
    }
  });

  it('`help <command>` and -h work too; the program help lists every command with its flags', async () => {
    expect(await cliIn(['help', 'sync'], untouchable)).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^Usage: npm run cli -- sync/),
    });
    const main = await cliIn(['-h'], untouchable);
    expect(main.code).toBe(0);
    for (const text of [
      'accounts add --label',
      'sync [--segment <id>]',
      'TWILIO_ACCOUNT_SID',
      '130 cancelled',
    ])
      expect(main.stdout).toContain(text);
  });

  it('no option anywhere takes a secret: secrets come from stdin, the keychain or TWILIO_*', () => {
    const names = paths.flatMap((p) => p.command.options.map((o) => o.long ?? o.flags));
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(name).not.toMatch(/token|secret|password|auth/i);
  });
});

describe('usage errors exit 2 with the usage hint, touching nothing', () => {
  const SYNC_HINT = 'Run `npm run cli -- sync --help` for usage.';
  it.each([
    [['sync', '--bogus', '--all'], /^Error: unknown option '--bogus'/],
    [
      ['sync', '--concurrency', 'abc', '--all'],
      /--concurrency <n>' argument 'abc' is invalid\. Expected a whole number/,
    ],
    [['sync', '--concurrency', '0', '--all'], /--concurrency: at least 1\./],
    [['sync', '--concurrency', '33', '--all'], /--concurrency: at most 32\./],
    [['sync', '--page-size', '5000', '--all'], /--page-size: at most 1000\./],
    [['sync', '--reservation', 'notWR'], /'notWR' is invalid\. A reservation SID is WR followed by 32 hex/],
    [['sync', '--segment', 'has space'], /A segment ID is letters, digits/],
    [['sync', '--agent'], /option '--agent <id>' argument missing/],
    [['sync'], /Name at least one segment, agent, reservation or conversation/],
    [['sync', 'extra', '--all'], /too many arguments/],
    [['sync', '--all', '--base-url', 'http://flex.example.com'], /must start with https:\/\//],
    [['sync', '--all', '--base-url', 'not a url'], /not a valid URL/],
  ])('%j', async (argv, message) => {
    const run = await cliIn(argv, { env: { QM_DATA_DIR: dir }, ...untouchable });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain(SYNC_HINT);
    expect(await readdir(dir)).toEqual([]);
  });

  it('names the command in the hint, and treats a missing command as usage', async () => {
    const both = await cliIn(['accounts', 'test', 'A', '--profile', 'B'], untouchable);
    expect(both).toMatchObject({ code: 2, stderr: expect.stringMatching(/Name the account once/) });
    expect(both.stderr).toContain('Run `npm run cli -- accounts test --help` for usage.');
    const none = await cliIn([], untouchable);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^Usage: npm run cli --/);
    expect((await cliIn(['accounts'], untouchable)).code).toBe(2);
  });

  it('reads --segments-file and rejects entries that are not segment IDs (2) or a missing file (1)', async () => {
    const bad = await cliIn(['sync', '--segments-file', '-'], {
      stdin: Readable.from(['seg-1\n#bad\nseg-2 (x)\n']),
      ...untouchable,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--segments-file: 2 entries are not a segment ID \(“#bad”, “\(x\)”\)/);
    const empty = await cliIn(['sync', '--segments-file', '-'], {
      stdin: Readable.from([' \n, ']),
      ...untouchable,
    });
    expect(empty).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/standard input names no segment/),
    });
    const missing = await cliIn(['sync', '--segments-file', join(dir, 'nope.txt')], untouchable);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/The segments file .*nope\.txt could not be read \(ENOENT\)/);
  });
});

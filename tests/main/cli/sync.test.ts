/**
 * `sync` end to end against the simulator over loopback: the real services in-process (Ctrl+C
 * and the lease driven from the test), then the real entry in child processes (exit codes, JSON,
 * bad credentials, SIGINT). Expected counts come from the simulator's dataset.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemorySecrets } from '../../../src-main/accounts/memory-secrets.ts';
import type { JobSnapshot, SyncResult } from '../../../src-preload/contract.ts';
import { startSimulator, type Simulator } from '../../simulator/index.ts';
import { cliChild, cliIn, spawnCli, startIn, until } from './helpers.ts';

let sim: Simulator;
let dir: string;
let env: Record<string, string>;
/** Assessed segments (some segments have none). */
let assessed: string[];

const expected = (segments: string[]) => ({
  assessments: segments.reduce((n, s) => n + sim.data.countAssessments({ segmentId: s }), 0),
  comments: segments.reduce((n, s) => n + sim.data.countComments({ segmentId: s }), 0),
});

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, assessments: 800 });
  assessed = sim.data.segmentIds().filter((s) => sim.data.countAssessments({ segmentId: s }) > 0);
  expect(assessed.length).toBeGreaterThan(20);
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qm-cli-sync-'));
  const [account] = sim.accounts;
  env = { TWILIO_ACCOUNT_SID: account!.accountSid, TWILIO_AUTH_TOKEN: account!.authToken };
  sim.reset();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const connection = () => ['--base-url', sim.url, '--data-dir', dir];

describe('sync in-process, real services', () => {
  it('syncs segments named every way, with the counts the simulator has, and again without duplicates', async () => {
    const [a, b, c] = assessed;
    const reservation = sim.data.reservationIdsOf(b!)[0]!;
    const argv = [
      'sync',
      '--segment',
      a!,
      '--reservation',
      reservation,
      '--segments-file',
      '-',
      ...connection(),
    ];
    const stdin = () => Readable.from([`${c}\t${a}\n`]);
    const want = expected([a!, b!, c!]);

    const first = await cliIn(argv, { env, stdin: stdin() });
    expect(first.stderr).not.toMatch(/Error|Failed/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      new RegExp(
        `^Synced 3 of 3 segments: ${want.assessments} assessments, ${want.comments} comments in \\d+s\\.\\n$`,
      ),
    );
    // stderr: plain progress lines ending with the final one.
    expect(first.stderr.trimEnd().split('\n').at(-1)).toMatch(/— done: /);

    const again = await cliIn([...argv, '--json'], { env, stdin: stdin() });
    expect(again.code).toBe(0);
    const snapshot = JSON.parse(again.stdout) as JobSnapshot;
    expect(snapshot).toMatchObject({ kind: 'sync', state: 'done' });
    expect(snapshot.result).toMatchObject({
      segments: 3,
      segmentsSynced: 3,
      ...want,
      removed: 0,
      failures: [],
    });
  });

  it('lists each failed segment with its reason and exits 1; the others still sync', async () => {
    const good = assessed[3]!;
    const run = await cliIn(['sync', '--segment', good, '--segment', 'no-such-segment', ...connection()], {
      env,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(`^Synced 1 of 2 segments: ${expected([good]).assessments} assessments`),
    );
    expect(run.stderr).toMatch(/^Failed: segment no-such-segment — .+/m);
    expect(run.stderr).toMatch(/1 of 2 segments failed\. Run the same command again to retry\./);
  });

  it('a stored account syncs from the keychain; --base-url cannot redirect it (exit 2)', async () => {
    const secrets = createMemorySecrets();
    const add = [
      'accounts',
      'add',
      '--label',
      'Sim',
      '--account-sid',
      env['TWILIO_ACCOUNT_SID']!,
      '--base-url',
      sim.url,
    ];
    expect(
      (
        await cliIn([...add, '--data-dir', dir], {
          secrets,
          stdin: Readable.from([env['TWILIO_AUTH_TOKEN']!]),
        })
      ).code,
    ).toBe(0);
    const segment = assessed[4]!;
    const run = await cliIn(['sync', '--segment', segment, '--profile', 'sim', '--data-dir', dir, '--json'], {
      secrets,
    });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as JobSnapshot).result).toMatchObject({
      segments: 1,
      ...expected([segment]),
    });

    const moved = await cliIn(
      ['sync', '--segment', segment, '--base-url', 'http://127.0.0.1:9', '--data-dir', dir],
      { secrets },
    );
    expect(moved).toMatchObject({ code: 2, stdout: '' });
    expect(moved.stderr).toMatch(/--base-url does not apply to the stored account “Sim”/);
  });

  it('Ctrl+C cancels the running job, waits for it to end and exits 130', async () => {
    sim.setLatency(150);
    let press: (() => void) | null = null;
    const run = startIn(
      [
        'sync',
        ...assessed.slice(0, 12).flatMap((s) => ['--segment', s]),
        '--concurrency',
        '1',
        '--page-size',
        '5',
        ...connection(),
      ],
      {
        env,
        onInterrupt: (handler) => {
          press = handler;
          return () => (press = null);
        },
      },
    );
    await until(
      () => /Syncing|Fetching|segments/.test(run.output().stderr) && press !== null,
      20_000,
      'the first progress line',
    );
    press!();
    const { code, stdout, stderr } = await run.done;
    expect(code).toBe(130);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/Cancelling: stopping after the requests in flight/);
    expect(stderr).toMatch(
      /— cancelled: .*\nCancelled\. What was synced is kept; run the same command again to resume\.\n$/,
    );
    expect(press).toBeNull(); // the handler is gone once the job ended
  });

  it('a second sync of the same account while one runs is refused as busy (exit 1), JSON error with --json', async () => {
    sim.setLatency(150);
    let press: (() => void) | null = null;
    const first = startIn(['sync', '--all', '--page-size', '5', ...connection()], {
      env,
      onInterrupt: (handler) => ((press = handler), () => (press = null)),
    });
    await until(() => first.output().stderr.includes('Sync everything —'), 20_000, 'the first sync to start');
    const second = await cliIn(['sync', '--segment', assessed[0]!, '--json', ...connection()], { env });
    expect(second.code).toBe(1);
    const body = JSON.parse(second.stdout) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('busy');
    expect(second.stderr).toContain(`Error: ${body.error.message}`);
    press!();
    expect((await first.done).code).toBe(130);
  });
});

describe('node src-main/cli/index.ts sync, in a child process', () => {
  it('exits 0 with the expected counts, and --json prints one parseable document', async () => {
    const segments = assessed.slice(5, 9);
    const args = ['sync', ...segments.flatMap((s) => ['--segment', s]), ...connection()];
    const plain = await cliChild(args, env);
    expect(plain.code).toBe(0);
    const want = expected(segments);
    expect(plain.stdout).toMatch(
      new RegExp(`^Synced 4 of 4 segments: ${want.assessments} assessments, ${want.comments} comments`),
    );

    const json = await cliChild([...args, '--json'], env);
    expect(json.code).toBe(0);
    const result = (JSON.parse(json.stdout) as JobSnapshot).result as SyncResult;
    expect(result).toMatchObject({ segments: 4, segmentsSynced: 4, ...want, failures: [] });
    for (const out of [plain.stdout, plain.stderr, json.stdout, json.stderr])
      expect(out).not.toContain(env['TWILIO_AUTH_TOKEN']);
  });

  it('bad credentials: exit 1 with a clear message, nothing on stdout but the JSON error', async () => {
    const bad = { ...env, TWILIO_AUTH_TOKEN: 'not-the-token-0000000000' };
    const run = await cliChild(['sync', '--segment', assessed[0]!, ...connection()], bad);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^Error: .*(credential|Auth Token|refused|401)/im);
    expect(run.stderr).not.toContain('not-the-token');
    expect(run.stderr).toMatch(/TWILIO_AUTH_TOKEN .*check those variables/);
    const json = await cliChild(['sync', '--segment', assessed[0]!, '--json', ...connection()], bad);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ state: 'failed', error: { code: 'auth' } });
  });

  it('SIGINT mid-sync cancels the job and exits 130', async () => {
    sim.setLatency(200);
    const run = spawnCli(['sync', '--all', '--page-size', '5', '--concurrency', '1', ...connection()], env);
    await until(() => run.output().stderr.includes('Sync everything —'), 30_000, 'progress from the child');
    run.child.kill('SIGINT');
    const { code, stdout, stderr } = await run.exited;
    expect(stderr).toMatch(/Cancelled\. What was synced is kept/);
    expect(code).toBe(130);
    expect(stdout).toBe('');
  });

  it('bad usage exits 2 before touching anything', async () => {
    const run = await cliChild(['sync', '--concurrency', 'abc', '--all', ...connection()], env);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(/--concurrency <n>' argument 'abc' is invalid/);
  });
});

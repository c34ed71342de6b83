// The standalone entry: flags, usage errors (exit 2), printed credentials, a working server.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createDataset, defaultAccount } from './index.ts';
import { basicAuth } from './testkit.ts';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function run(args: string[]): Run {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function assessmentsTotal(url: string, auth: string): Promise<number> {
  const response = await fetch(`${url}/v1/Insights/QualityManagement/Assessments?PageSize=1000`, {
    headers: { authorization: auth },
    signal: AbortSignal.timeout(10_000),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { assessments: unknown[] }).assessments.length;
}

describe('cli', () => {
  it('prints help and exits 0', async () => {
    const r = run(['--help']);
    expect(await r.exit).toBe(0);
    expect(r.stdout()).toMatch(/^Usage: node tests\/simulator\/cli\.ts/);
    expect(r.stdout()).toContain('--assessments');
  });

  it.each([
    [['--bogus'], /Unknown option/],
    [['--port', 'x'], /--port must be an integer/],
    [['--port', '70000'], /--port must be an integer from 0 to 65535/],
    [['--assessments', '-5'], /assessments/],
    [['--account-sid', `AC${'a'.repeat(32)}`], /--account-sid and --auth-token must be given together/],
    [['--account-sid', 'ACnope', '--auth-token', 't'], /--account-sid must be AC followed by 32 hex digits/],
    [['--api-key-sid', `SK${'a'.repeat(32)}`, '--api-key-secret', ''], /--api-key-secret must not be empty/],
    [['extra'], /unexpected argument 'extra'/],
    [['--max-concurrent', '0'], /--max-concurrent must be at least 1/],
    [['--max-concurrent', 'many'], /--max-concurrent must be an integer/],
    [['--percentage-mismatch-share', '1.5'], /--percentage-mismatch-share must be a number from 0 to 1/],
    [['--percentage-mismatch-share=-0.1'], /--percentage-mismatch-share must be a number from 0 to 1/],
  ])('refuses %j with a message and exit code 2', async (args, message) => {
    const r = run(args);
    expect(await r.exit).toBe(2);
    expect(r.stderr()).toMatch(message);
    expect(r.stderr()).toContain('Usage:');
  });

  it('prints the URL and the generated credentials, which then work', async () => {
    const r = run(['--port', '0', '--seed', '9', '--assessments', '120']);
    await waitFor(() => /API Key secret: \S+/.test(r.stdout()), 'the banner');
    const url = /listening on (http:\/\/\S+)/.exec(r.stdout())?.[1] ?? '';
    const account = defaultAccount(9);
    const [key] = account.apiKeys;
    expect(r.stdout()).toContain(account.accountSid);
    expect(r.stdout()).toContain(account.authToken);
    expect(r.stdout()).toContain(key?.sid);
    expect(await assessmentsTotal(url, basicAuth(account.accountSid, account.authToken))).toBe(120);
    expect(await assessmentsTotal(url, basicAuth(key?.sid ?? '', key?.secret ?? ''))).toBe(120);
    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
  });

  it('--max-concurrent refuses what is beyond the limit; --percentage-mismatch-share moves percentages', async () => {
    const r = run([
      '--port',
      '0',
      '--seed',
      '4',
      '--assessments',
      '200',
      '--max-concurrent',
      '1',
      '--latency-ms',
      '300',
      '--percentage-mismatch-share',
      '1',
    ]);
    await waitFor(() => /Concurrency: +1 requests per account/.test(r.stdout()), 'the banner');
    const url = /listening on (http:\/\/\S+)/.exec(r.stdout())?.[1] ?? '';
    const account = defaultAccount(4);
    const auth = basicAuth(account.accountSid, account.authToken);
    const statuses = await Promise.all(
      [0, 1].map(async () => {
        const response = await fetch(`${url}/v1/Insights/UserRoles`, {
          headers: { authorization: auth },
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        return response.status;
      }),
    );
    expect(statuses.sort()).toEqual([200, 429]);
    const response = await fetch(`${url}/v1/Insights/Segments?PageSize=1000`, {
      headers: { authorization: auth },
      signal: AbortSignal.timeout(10_000),
    });
    const { segments } = (await response.json()) as { segments: { segment_id: string }[] };
    const expected = createDataset({
      seed: 4,
      accountSid: account.accountSid,
      assessments: 200,
      origin: url,
      percentageMismatchShare: 1,
    });
    expect(segments).toEqual(expected.segments());
    expect(expected.percentageMismatchSegmentIds().length).toBeGreaterThan(0);
    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
  });

  it('accepts given credentials without echoing the token, and --json prints the accounts', async () => {
    const sid = `AC${'c'.repeat(32)}`;
    const text = run([
      '--port',
      '0',
      '--account-sid',
      sid,
      '--auth-token',
      'tok-secret',
      '--assessments',
      '30',
    ]);
    await waitFor(() => /API Key secret/.test(text.stdout()), 'the banner');
    expect(text.stdout()).toContain(sid);
    expect(text.stdout()).not.toContain('tok-secret');
    const url = /listening on (http:\/\/\S+)/.exec(text.stdout())?.[1] ?? '';
    expect(await assessmentsTotal(url, basicAuth(sid, 'tok-secret'))).toBe(30);
    text.child.kill('SIGTERM');
    expect(await text.exit).toBe(0);

    const json = run(['--port', '0', '--json', '--no-insights-access']);
    await waitFor(() => json.stdout().includes('\n'), 'the JSON line');
    const printed = JSON.parse(json.stdout()) as {
      url: string;
      accounts: { accountSid: string; authToken: string }[];
    };
    const [account] = printed.accounts;
    const response = await fetch(`${printed.url}/v1/Insights/UserRoles`, {
      headers: { authorization: basicAuth(account?.accountSid ?? '', account?.authToken ?? '') },
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBe(403);
    json.child.kill('SIGTERM');
    expect(await json.exit).toBe(0);
  });
});

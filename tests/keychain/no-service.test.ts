/**
 * What the reviewer sees when no Secret Service can be reached. Each case runs in its own
 * subprocess: libsecret caches its bus connection per process.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SID_A } from '../support/accounts-fixture.ts';
import { missingTools } from '../support/secret-service.ts';

const REPO = join(import.meta.dirname, '../..');
const SECRET = 'no-service-secret-4f3e2d1c';

const noBusTool = (await missingTools(['dbus-run-session'])).length > 0;
if (noBusTool) {
  const message = 'dbus-run-session not found (apt-get install dbus-bin): the bus-without-service case';
  if (process.env['QM_REQUIRE_KEYCHAIN'] === '1') throw new Error(`${message} is required here.`);
  console.warn(`\n*** ${message} is SKIPPED. ***\n`);
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qm-nokeychain-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(
  command: string,
  args: string[],
  env: Record<string, string>,
  input = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      { cwd: REPO, timeout: 20_000, env: { PATH: process.env['PATH'] ?? '', HOME: dir, ...env } },
      (error, stdout, stderr) => resolve({ code: exitCode(error), stdout, stderr }),
    );
    child.stdin?.end(input);
  });
}

function exitCode(error: (Error & { code?: unknown }) | null): number {
  if (!error) return 0;
  return typeof error.code === 'number' ? error.code : 1;
}

// Probe and set through our port, printing the typed results as JSON.
const PROBE = `
  import { createKeytarSecrets } from './src-main/accounts/keytar-secrets.ts';
  const secrets = createKeytarSecrets({ service: 'com.qmdesk.test.none', timeoutMs: 8000 });
  const state = await secrets.probe();
  const error = await secrets.set('p-1', '${SECRET}').then(() => null, (e) => ({ code: e.code, message: e.message, detail: e.detail }));
  process.stdout.write(JSON.stringify({ state, error }));`;

describe('no reachable Secret Service', () => {
  it('a dead D-Bus socket gives keychain_no_dbus with what to do', async () => {
    const env = { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'no-such-bus')}` };
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', PROBE], env);
    const { state, error } = JSON.parse(stdout);
    expect(state).toMatchObject({ usable: false, code: 'keychain_no_dbus' });
    expect(state.fix).toMatch(/session only/);
    expect(error.code).toBe('keychain_no_dbus');
    expect(error.message).toMatch(/D-Bus.*session only/);
    expect(stdout).not.toContain(SECRET);
  });

  it.skipIf(noBusTool)('a bus without org.freedesktop.secrets gives keychain_unavailable', async () => {
    // A private bus whose only service folder is empty, so nothing can provide the Secret Service.
    const empty = join(dir, 'services');
    await mkdir(empty);
    const conf = join(dir, 'bus.conf');
    await writeFile(
      conf,
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=${dir}</listen>
  <servicedir>${empty}</servicedir>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>
`,
    );
    const result = await run(
      'dbus-run-session',
      [`--config-file=${conf}`, '--', process.execPath, '--input-type=module', '-e', PROBE],
      {},
    );
    const { state, error } = JSON.parse(result.stdout);
    expect(state).toMatchObject({ usable: false, code: 'keychain_unavailable' });
    expect(error.code).toBe('keychain_unavailable');
    expect(error.message).toMatch(/No Secret Service is running.*GNOME Keyring or KeePassXC.*session only/);
    expect(result.stdout).not.toContain(SECRET);
  });

  it('the CLI says so on stderr, exits 1 and saves nothing', async () => {
    const env = {
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'no-such-bus')}`,
      QM_DATA_DIR: join(dir, 'data'),
    };
    const add = await run(
      process.execPath,
      ['src-main/cli/index.ts', 'accounts', 'add', '--label', 'X', '--account-sid', SID_A],
      env,
      `${SECRET}\n`,
    );
    expect(add.code).toBe(1);
    expect(add.stderr).toMatch(/^Error: QM Desk cannot reach D-Bus/);
    expect(add.stderr).toMatch(/TWILIO_ACCOUNT_SID/);
    expect(add.stdout + add.stderr).not.toContain(SECRET);
    const list = await run(process.execPath, ['src-main/cli/index.ts', 'accounts', 'list', '--json'], env);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({
      profiles: [],
      keychain: { usable: false, code: 'keychain_no_dbus' },
    });
    expect(list.stderr).toMatch(/Warning: QM Desk cannot reach D-Bus/);
  });
});

/**
 * A private Secret Service for tests: its own D-Bus session (dbus-run-session) running
 * gnome-keyring-daemon with a throwaway HOME and XDG_RUNTIME_DIR, so keytar never touches a
 * person's real keyring. Apply `env` to the process (or subprocess) BEFORE keytar's first call:
 * libsecret keeps its bus connection for the life of the process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface SecretService {
  env: Record<string, string>;
  stop(): Promise<void>;
}

const TOOLS = ['dbus-run-session', 'dbus-send', 'gnome-keyring-daemon'];
const INSTALL_HINT = 'install them with: sudo apt-get install dbus dbus-bin gnome-keyring';
const REPO_ROOT = join(import.meta.dirname, '../..');

export async function startSecretService(): Promise<SecretService | { missing: string }> {
  const absent = await missingTools(TOOLS);
  if (absent.length) return { missing: `${absent.join(', ')} not found on PATH; ${INSTALL_HINT}` };

  const home = await mkdtemp(join(tmpdir(), 'qm-keyring-home-'));
  const runtime = await mkdtemp(join(tmpdir(), 'qm-keyring-run-'));
  await chmod(runtime, 0o700);
  const env: Record<string, string> = {
    HOME: home,
    XDG_RUNTIME_DIR: runtime,
    XDG_DATA_HOME: join(home, '.local/share'),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
  };
  // `exec` makes $$ the keyring daemon's pid: stopping it lets dbus-run-session end its bus cleanly.
  // The login keyring's password arrives on stdin (an empty one creates no default collection).
  const script =
    'echo "QM_BUS=$DBUS_SESSION_BUS_ADDRESS"; echo "QM_PID=$$"; ' +
    'exec gnome-keyring-daemon --unlock --components=secrets --foreground';
  const child = spawn('dbus-run-session', ['--', 'sh', '-c', script], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdin?.end(randomBytes(12).toString('hex'));
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));

  let daemonPid: number | null = null;
  const stop = async (): Promise<void> => {
    await stopChild(child, daemonPid);
    await rm(home, { recursive: true, force: true });
    await rm(runtime, { recursive: true, force: true });
  };
  try {
    const lines = await readLines(child, ['QM_BUS=', 'QM_PID='], 10_000);
    env['DBUS_SESSION_BUS_ADDRESS'] = lines['QM_BUS='] ?? '';
    daemonPid = Number(lines['QM_PID=']);
    await waitForName(env, 10_000);
    await roundTrip(env);
  } catch (error) {
    await stop();
    throw new Error(`Private Secret Service did not start: ${(error as Error).message}\n${stderr}`, {
      cause: error,
    });
  }
  return { env, stop };
}

/** Which of `tools` are not on PATH. */
export async function missingTools(tools: string[]): Promise<string[]> {
  const absent: string[] = [];
  for (const tool of tools) if (!(await onPath(tool))) absent.push(tool);
  return absent;
}

async function onPath(tool: string): Promise<boolean> {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      await access(join(dir, tool));
      return true;
    } catch {
      // keep looking
    }
  }
  return false;
}

function readLines(
  child: ChildProcess,
  prefixes: string[],
  timeoutMs: number,
): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const found: Record<string, string> = {};
    let buffer = '';
    const timer = setTimeout(
      () => finish(new Error(`no ${prefixes.join('/')} line within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onData = (chunk: string) => {
      buffer += chunk;
      for (const line of buffer.split('\n')) {
        for (const prefix of prefixes)
          if (line.startsWith(prefix)) found[prefix] = line.slice(prefix.length).trim();
      }
      if (prefixes.every((p) => found[p])) finish(null);
    };
    const onExit = (code: number | null) => finish(new Error(`dbus-run-session exited early (code ${code})`));
    function finish(error: Error | null) {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(found);
    }
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.once('exit', onExit);
  });
}

/** Polls until gnome-keyring owns org.freedesktop.secrets, so no call triggers D-Bus activation of another. */
async function waitForName(env: Record<string, string>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const out = await run(
      'dbus-send',
      [
        '--session',
        '--print-reply',
        '--dest=org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus.NameHasOwner',
        'string:org.freedesktop.secrets',
      ],
      env,
    );
    if (/boolean true/.test(out)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`org.freedesktop.secrets not on the bus within ${timeoutMs} ms`);
}

/** A real keytar set/get/delete in a subprocess, proving the service stores and returns secrets. */
async function roundTrip(env: Record<string, string>): Promise<void> {
  const code = `
    const k = (await import('keytar')).default;
    await k.setPassword('qm-desk-selftest', 'probe', 'round-trip');
    const back = await k.getPassword('qm-desk-selftest', 'probe');
    const gone = await k.deletePassword('qm-desk-selftest', 'probe');
    process.stdout.write(back === 'round-trip' && gone ? 'OK' : 'BAD ' + back);`;
  const out = await run(process.execPath, ['--input-type=module', '-e', code], env);
  if (out.trim() !== 'OK') throw new Error(`keytar round trip failed: ${out}`);
}

function run(command: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 10_000,
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.on('error', reject);
    child.on('close', () => resolve(out));
  });
}

async function stopChild(child: ChildProcess, daemonPid: number | null): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const within = (ms: number) =>
    Promise.race([
      exited.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref()),
    ]);
  if (daemonPid) {
    try {
      process.kill(daemonPid, 'SIGTERM');
    } catch {
      // already gone
    }
    if (await within(5_000)) return;
  }
  // Fallback: the whole group we started (detached: true made the child its leader).
  if (child.pid) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await within(5_000);
}

/** Runs the CLI in-process with captured output, an in-memory keychain and a temp data folder. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createMemorySecrets } from '../../../src-main/accounts/memory-secrets.ts';
import { runCli, type CliIo, type CliStdin } from '../../../src-main/cli/program.ts';
import type { SecretsPort } from '../../../src-main/ports.ts';

export const REPO = join(import.meta.dirname, '../../..');
export const ENTRY = 'src-main/cli/index.ts';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface InProcess {
  stdin?: CliStdin;
  env?: Record<string, string>;
  secrets?: SecretsPort;
  services?: CliIo['services'];
  /** Receives the CLI's Ctrl+C handler, to press it from the test. */
  onInterrupt?: CliIo['onInterrupt'];
  tty?: boolean;
}

/** Starts the CLI in-process; `output()` reads what it wrote so far. */
export function startIn(argv: string[], options: InProcess = {}): { output: () => Run; done: Promise<Run> } {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdin: options.stdin ?? Readable.from([]),
    stdout: { write: (t: string) => (stdout += t) },
    stderr: {
      write: (t: string) => (stderr += t),
      ...(options.tty ? { isTTY: true, columns: 120 } : {}),
    },
    env: options.env ?? {},
    secrets: options.secrets ?? createMemorySecrets(),
    ...(options.services ? { services: options.services } : {}),
    ...(options.onInterrupt ? { onInterrupt: options.onInterrupt } : {}),
  };
  const done = runCli(argv, io).then((code) => ({ code, stdout, stderr }));
  return { output: () => ({ code: -1, stdout, stderr }), done };
}

export function cliIn(argv: string[], options: InProcess = {}): Promise<Run> {
  return startIn(argv, options).done;
}

/** The environment a child CLI gets: PATH, a bus that does not exist (no keychain), and `env`. */
export function childEnv(env: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '',
    DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/qm-bus',
    ...env,
  };
}

export function cliChild(args: string[], env: Record<string, string>, input = ''): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [ENTRY, ...args],
      { cwd: REPO, timeout: 60_000, env: childEnv(env) },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(input);
  });
}

/** A child CLI whose output can be watched while it runs (to press Ctrl+C mid-job). */
export function spawnCli(
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; output: () => Run; exited: Promise<Run> } {
  const child = spawn(process.execPath, [ENTRY, ...args], { cwd: REPO, env: childEnv(env) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
  child.stdin.end();
  const exited = new Promise<Run>((resolve) =>
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr })),
  );
  return { child, output: () => ({ code: -1, stdout, stderr }), exited };
}

/** Resolves when `test` holds, checked every 20 ms, or rejects after `ms`. */
export async function until(test: () => boolean, ms = 20_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

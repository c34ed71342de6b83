import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeytarSecrets, type ProbingSecretsPort } from '../../../src-main/accounts/keytar-secrets.ts';
import { createMemorySecrets } from '../../../src-main/accounts/memory-secrets.ts';
import { systemClock, type LoggerPort } from '../../../src-main/ports.ts';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../simulator/index.ts';
import type { SecretService } from '../../support/secret-service.ts';
import { BRIDGE_FILE, RENDERER_DIR, ROOT } from '../build.ts';
import { startHarness, type Harness } from '../harness/server.ts';

export const KEYCHAIN_SERVICE = 'com.qmdesk.e2e';
export const APP_VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

export interface StackOptions {
  /** Real keytar in this private Secret Service (the caller started it and stops it), or memory only. */
  keychain: SecretService | 'memory';
  simulator?: SimulatorOptions;
  env?: Record<string, string | undefined>;
  /** false: no clipboard port (main answers the diagnostics text to copy by hand). */
  clipboard?: boolean;
}

export interface Stack {
  harness: Harness;
  sim: Simulator | null;
  dataDir: string;
  secrets: ProbingSecretsPort;
  /** What main put on the clipboard port, in order. */
  clipboard: string[];
  /** Folders main asked the file manager to open, in order. */
  opened: string[];
  close(): Promise<void>;
}

/** Real services behind the browser: real files, real keytar session, real HTTP to the simulator. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const cleanups: Array<() => Promise<void>> = [];
  const dataDir = await mkdtemp(join(tmpdir(), 'qm-e2e-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  // The save dialog of the harness answers a file in this folder (no path ever comes from the page).
  const exportsDir = join(dataDir, 'exports');
  await mkdir(exportsDir);
  const clipboard: string[] = [];
  const opened: string[] = [];
  try {
    let secrets: ProbingSecretsPort = createMemorySecrets();
    if (options.keychain !== 'memory') {
      // keytar (libsecret) reads the bus address on its first call, in this process.
      Object.assign(process.env, options.keychain.env);
      secrets = createKeytarSecrets({ service: KEYCHAIN_SERVICE });
    }
    const sim = options.simulator ? await startSimulator(options.simulator) : null;
    if (sim) cleanups.push(() => sim.close());
    const harness = await startHarness({
      rendererDir: RENDERER_DIR,
      bridgeFile: BRIDGE_FILE,
      ports: {
        secrets,
        paths: { userData: dataDir },
        shell: {
          openPath: async (path) => void opened.push(path),
          showItemInFolder: (path) => consoleLogger.warn(`[harness] show in folder: ${path}`),
        },
        dialogs: { saveFile: async ({ defaultName }) => join(exportsDir, defaultName) },
        ...(options.clipboard === false
          ? {}
          : { clipboard: { writeText: (text) => void clipboard.push(text) } }),
        clock: systemClock,
        runtime: { appVersion: APP_VERSION, electronVersion: null },
        logger: consoleLogger,
        env: options.env ?? {},
      },
    });
    cleanups.push(() => harness.close());
    return { harness, sim, dataDir, secrets, clipboard, opened, close: () => runCleanups(cleanups) };
  } catch (error) {
    await runCleanups(cleanups);
    throw error;
  }
}

/** Warnings and errors of the services show in the test output; info stays quiet. */
const consoleLogger: LoggerPort = {
  info: () => undefined,
  warn: (message, detail) => console.warn(`[services] ${message}`, detail ?? ''),
  error: (message, detail) => console.error(`[services] ${message}`, detail ?? ''),
};

async function runCleanups(cleanups: Array<() => Promise<void>>): Promise<void> {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
}

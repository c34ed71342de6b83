/** The ports of a command-line run: keytar, the chosen data folder, events to the commands, a stderr log. */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CliIo, EventListener } from './context.ts';
import { createKeytarSecrets, DEFAULT_KEYCHAIN_SERVICE } from '../accounts/keytar-secrets.ts';
import { createScrubber, isSecretKey } from '../logging/scrub.ts';
import { systemClock, type LoggerPort, type Ports } from '../ports.ts';

/** The folder Electron's app.getPath('userData') gives for productName "QM Desk". */
export function defaultUserDataDir(
  platform: NodeJS.Platform = process.platform,
  env: Readonly<Record<string, string | undefined>> = process.env,
  home: string = homedir(),
): string {
  if (platform === 'win32') return join(env['APPDATA'] || join(home, 'AppData', 'Roaming'), 'QM Desk');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'QM Desk');
  return join(env['XDG_CONFIG_HOME'] || join(home, '.config'), 'QM Desk');
}

const SECRET_ENV = ['TWILIO_AUTH_TOKEN', 'TWILIO_API_SECRET'];

/**
 * Warnings and errors as "[warning] …" lines (told apart from the command's own output), info
 * dropped. Lines go through the log file's scrubber: secret-named detail keys are left out, and
 * the environment's secrets (and any the accounts hand over) are masked wherever they appear.
 */
export function createCliLogger(
  writeLine: (line: string) => void,
  env: Readonly<Record<string, string | undefined>>,
): LoggerPort {
  const scrubber = createScrubber();
  for (const name of SECRET_ENV) {
    const value = env[name];
    if (value) scrubber.remember(value);
  }
  const line = (level: string, message: string, detail?: Record<string, unknown>) => {
    const parts = Object.entries(detail ?? {})
      .filter(([key, value]) => !isSecretKey(key) && value !== undefined)
      .map(([key, value]) => {
        const safe = scrubber.value(value);
        return `${key}=${typeof safe === 'string' ? safe : JSON.stringify(safe)}`;
      });
    writeLine(scrubber.text(`[${level}] ${message}${parts.length ? ` (${parts.join(', ')})` : ''}`));
  };
  return {
    info() {},
    warn: (message, detail) => line('warning', message, detail),
    error: (message, detail) => line('error', message, detail),
    redact: (secret, user) => scrubber.remember(secret, user),
  };
}

export async function cliPorts(
  io: CliIo,
  options: {
    userData: string;
    env: Readonly<Record<string, string | undefined>>;
    emit: EventListener;
    /** Where log lines go: stderr, or above the progress bar while one is shown. */
    log: (line: string) => void;
  },
): Promise<Ports> {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return {
    secrets: io.secrets ?? createKeytarSecrets({ service: DEFAULT_KEYCHAIN_SERVICE }),
    paths: { userData: options.userData },
    shell: { openPath: async () => {} },
    clock: systemClock,
    events: { emit: options.emit },
    runtime: { appVersion: pkg.version, electronVersion: null },
    logger: createCliLogger(options.log, options.env),
    env: options.env,
  };
}

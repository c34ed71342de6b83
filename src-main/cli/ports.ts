/** The ports of a command-line run: keytar, the chosen data folder, events to the commands, a stderr log. */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CliIo, EventListener } from './context.ts';
import { createKeytarSecrets, DEFAULT_KEYCHAIN_SERVICE } from '../accounts/keytar-secrets.ts';
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
const SECRET_KEY = /secret|token|password|authorization|credential/i;

/**
 * Warnings and errors as "[warning] …" lines (told apart from the command's own output), info
 * dropped. Detail keys that name a secret are left out, and the environment's secrets are masked
 * wherever they appear.
 */
export function createCliLogger(
  writeLine: (line: string) => void,
  env: Readonly<Record<string, string | undefined>>,
): LoggerPort {
  const secrets = SECRET_ENV.map((name) => env[name]).filter((v): v is string => !!v && v.length >= 4);
  const scrub = (text: string) => secrets.reduce((t, s) => t.split(s).join('[redacted]'), text);
  const line = (level: string, message: string, detail?: Record<string, unknown>) => {
    const parts = Object.entries(detail ?? {})
      .filter(([key, value]) => !SECRET_KEY.test(key) && value !== undefined)
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
    writeLine(scrub(`[${level}] ${message}${parts.length ? ` (${parts.join(', ')})` : ''}`));
  };
  return {
    info() {},
    warn: (message, detail) => line('warning', message, detail),
    error: (message, detail) => line('error', message, detail),
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

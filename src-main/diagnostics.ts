/**
 * The "Copy diagnostics" text: what a maintainer needs to place a problem (versions, platform,
 * folders, keychain state, how many accounts of which kind, settings, recent problems) and
 * nothing that identifies or unlocks an account: no labels, no SIDs, no secrets.
 */
import { release } from 'node:os';
import { isSecretKey, REDACTED } from './logging/scrub.ts';
import type { LogRecord } from './ports.ts';
import type { AccountsState, ErrorBody, Settings } from '../src-preload/contract.ts';

export interface DiagnosticsInput {
  now: number;
  appVersion: string;
  electronVersion: string | null;
  dataDir: string;
  logsDir: string;
  settings: Settings;
  /** The accounts as the Accounts view sees them, or why they could not be read. */
  accounts: { ok: true; state: AccountsState } | { ok: false; error: ErrorBody };
  /** Warnings and errors, oldest first. */
  problems: LogRecord[];
}

/** How many recent warnings and errors the text carries. */
export const DIAGNOSTICS_PROBLEMS = 20;
/** One problem line at most this long: a runaway detail must not bury the rest. */
const MAX_LINE = 400;

/**
 * Long runs of token characters that hold a digit: an auth token, an API key secret, their hex or
 * Basic-auth base64 forms, and SIDs (not secret, but diagnostics name no account). The logs port
 * already scrubs the secrets it knows; this catches what it could not know.
 */
const TOKEN_RUN = /[A-Za-z0-9+/=]{20,}/g;

export function redact(text: string): string {
  return text.replace(TOKEN_RUN, (run) => (/[0-9]/.test(run) ? REDACTED : run));
}

function redactDetail(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 4) return '…';
  if (Array.isArray(value)) return value.slice(0, 20).map((v) => redactDetail(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key,
      // The log's secret keys, and SIDs too (not secret, but diagnostics name no account).
      isSecretKey(key) || /sid$/i.test(key) ? REDACTED : redactDetail(v, depth + 1),
    ]),
  );
}

function problemLine(record: LogRecord): string {
  const detail = record.detail ? ` ${JSON.stringify(redactDetail(record.detail))}` : '';
  const line = `${record.time} ${record.level.toUpperCase()} ${redact(record.message)}${detail}`;
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line;
}

function accountsLines(accounts: DiagnosticsInput['accounts']): string[] {
  if (!accounts.ok) {
    return [`Accounts: unreadable (${accounts.error.code}: ${redact(accounts.error.message)})`];
  }
  const { profiles, keychain, recovered } = accounts.state;
  const count = (source: string) => profiles.filter((p) => p.source === source).length;
  return [
    keychain.usable
      ? 'Keychain: usable'
      : `Keychain: unusable (${keychain.code}: ${redact(keychain.message)})`,
    `Accounts: ${profiles.length} (file ${count('file')}, env ${count('env')}, demo ${count('demo')}); ` +
      `session-only ${profiles.filter((p) => p.sessionOnly).length}, ` +
      `without a secret ${profiles.filter((p) => !p.hasSecret).length}`,
    `Profiles file: ${recovered ? `recovered after a problem (${redact(recovered.reason)})` : 'ok'}`,
  ];
}

const onOff = (value: boolean) => (value ? 'on' : 'off');

export function buildDiagnostics(input: DiagnosticsInput): string {
  const { settings } = input;
  const chrome = process.versions.chrome;
  const problems = input.problems.slice(-DIAGNOSTICS_PROBLEMS);
  return [
    `QM Desk diagnostics, ${new Date(input.now).toISOString()}`,
    `QM Desk: ${input.appVersion}`,
    `Electron: ${input.electronVersion ?? 'none (not the desktop app)'}`,
    ...(chrome ? [`Chrome: ${chrome}`] : []),
    `Node: ${process.versions.node}`,
    `Platform: ${process.platform} ${process.arch}, OS release ${release()}`,
    `Data folder: ${input.dataDir}`,
    `Logs folder: ${input.logsDir}`,
    ...accountsLines(input.accounts),
    `Settings: theme ${settings.theme}; sync page size ${settings.sync.pageSize}, ` +
      `concurrency ${settings.sync.concurrency}; export BOM ${onOff(settings.export.bom)}, ` +
      `formula guard ${onOff(settings.export.formulaGuard)}, columns ${settings.export.columns}`,
    '',
    problems.length === 0
      ? 'Recent warnings and errors: none'
      : `Recent warnings and errors (${problems.length}, oldest first):`,
    ...problems.map(problemLine),
    '',
  ].join('\n');
}

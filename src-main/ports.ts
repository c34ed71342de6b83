/**
 * Ports: what differs between the desktop app, the CLI, tests and the browser harness.
 * Services receive these and never import `electron`.
 */
import type { EventName, Events } from '../src-preload/contract.ts';

/** The OS keychain (keytar) or an in-memory fake. Keyed by profile id. */
export interface SecretsPort {
  get(profileId: string): Promise<string | null>;
  set(profileId: string, secret: string): Promise<void>;
  /** True when something was deleted. */
  delete(profileId: string): Promise<boolean>;
}

export interface PathsPort {
  /** The folder for profiles.json, settings.json and the per-account stores. */
  userData: string;
}

export interface ShellPort {
  /** Reveal a local folder in the OS file manager. */
  openPath(path: string): Promise<void>;
  /** Reveal a file (selected) in the OS file manager; absent where there is no desktop (the CLI). */
  showItemInFolder?(path: string): void;
}

export interface ClockPort {
  now(): number;
}

export interface EventsPort {
  emit<E extends EventName>(name: E, payload: Events[E]): void;
}

/** Where diagnostics go. Callers never pass secrets; the port scrubs what it can recognise anyway. */
export interface LoggerPort {
  info(message: string, detail?: Record<string, unknown>): void;
  warn(message: string, detail?: Record<string, unknown>): void;
  error(message: string, detail?: Record<string, unknown>): void;
  /** Scrub this secret (and `user:secret` in Basic auth) from every later line, however spelled. */
  redact?(secret: string, user?: string): void;
}

/** One line of the app's log, as the logs port keeps it (already scrubbed of secrets). */
export interface LogRecord {
  /** ISO 8601. */
  time: string;
  level: 'info' | 'warn' | 'error';
  message: string;
  detail?: Record<string, unknown>;
}

/** The app's log files, for "Open logs folder" and the recent errors in the diagnostics. */
export interface LogsPort {
  dir: string;
  /** The most recent records, oldest first; at most `limit`. */
  recent(limit?: number): LogRecord[];
}

/** The OS save-file picker, opened by main; null when the reviewer cancelled it. */
export interface DialogsPort {
  saveFile(options: {
    title: string;
    defaultName: string;
    filters: { name: string; extensions: string[] }[];
  }): Promise<string | null>;
}

/** The system clipboard (main process; the renderer never gets a generic clipboard channel). */
export interface ClipboardPort {
  writeText(text: string): void;
}

export interface RuntimePort {
  appVersion: string;
  electronVersion: string | null;
}

export interface Ports {
  secrets: SecretsPort;
  paths: PathsPort;
  shell: ShellPort;
  clock: ClockPort;
  events: EventsPort;
  runtime: RuntimePort;
  logger: LoggerPort;
  /** Absent where there is no window (the CLI writes to --out instead). */
  dialogs?: DialogsPort;
  clipboard?: ClipboardPort;
  /** Absent where nothing writes log files (tests, the CLI): logs go to userData/logs, no recent errors. */
  logs?: LogsPort;
  /** Process environment, for the read-only "Environment" profile (TWILIO_*). */
  env: Readonly<Record<string, string | undefined>>;
}

export const systemClock: ClockPort = { now: () => Date.now() };

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: LoggerPort = { info() {}, warn() {}, error() {} };

/**
 * What every command module gets: the process's streams and environment (injected, so tests drive
 * the CLI in-process), the services built once per run, and the job events they emit.
 */
import type { Command } from 'commander';
import type { ConnectionOptions } from './connection.ts';
import { EXIT_USAGE, UsageError } from './exit-codes.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { Ports, SecretsPort } from '../ports.ts';
import type { EventName, Events, JobSnapshot, ParsedRequestOf } from '../../src-preload/contract.ts';

export interface CliStdin extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export interface CliOutput {
  write(text: string): unknown;
  /** A terminal gets a progress bar; anything else plain lines. */
  isTTY?: boolean;
  columns?: number;
}

/** The part of the services the CLI uses (createServices gives all of it; tests may give less). */
export interface CliServices {
  accounts: AccountsService;
  sync?: { start(req: ParsedRequestOf<'sync', 'start'>): JobSnapshot | Promise<JobSnapshot> };
  jobs?: { wait(jobId: string): Promise<JobSnapshot>; cancel(jobId: string): unknown };
  close(): Promise<void>;
}

export interface CliIo {
  stdin: CliStdin;
  stdout: CliOutput;
  stderr: CliOutput;
  env: Readonly<Record<string, string | undefined>>;
  /** The keychain; default keytar with the app's service name. */
  secrets?: SecretsPort;
  /** Builds the services from the CLI ports; default createServices (tests inject a fake network). */
  services?: (ports: Ports) => Promise<CliServices>;
  /**
   * Makes Ctrl+C call `handler` (cancel the running job) until the returned function is called.
   * index.ts wires SIGINT here; without it Ctrl+C keeps its default (the process ends at once).
   */
  onInterrupt?: (handler: () => void) => () => void;
}

export type EventListener = <E extends EventName>(name: E, payload: Events[E]) => void;

export interface Cli {
  io: CliIo;
  /** The exit code the command's action answered. */
  exit: { code: number };
  /** The services for these connection options, built on first call (usage errors come first). */
  services(connection: ConnectionOptions): Promise<CliServices>;
  /** Events the services emit (jobs.progress, jobs.done); returns the unsubscribe. */
  onEvent(listener: EventListener): () => void;
  /** Ctrl+C handling for the duration of a job; returns the unsubscribe. */
  onInterrupt(handler: () => void): () => void;
  /** Sends the services' log lines somewhere else (above a progress bar) until the returned function is called. */
  routeLog(writeLine: (line: string) => void): () => void;
}

/** A top-level command (`accounts`, `sync`, …): how it registers, and its lines in the program's help. */
export interface CommandGroup {
  synopsis: string;
  register(program: Command, cli: Cli): void;
}

/**
 * A commander action that answers an exit code. A UsageError goes through commander's own error
 * path, so it reads like commander's usage errors and carries the command's usage hint.
 */
export function action<A extends unknown[]>(
  cli: Cli,
  run: (...args: A) => Promise<number>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const command = args.at(-1) as Command;
    try {
      cli.exit.code = await run(...args);
    } catch (error) {
      if (error instanceof UsageError)
        command.error(`Error: ${error.message}`, { exitCode: EXIT_USAGE, code: 'qm.usage' });
      throw error;
    }
  };
}

const KEYCHAIN_HINT =
  'On the command line a secret cannot be kept for a session; instead set TWILIO_ACCOUNT_SID and ' +
  'TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and TWILIO_API_SECRET) to use the read-only "Environment" account.';

/** "Error: …" for stderr, with what to do instead when the keychain is the problem. */
export function failureText(error: { code?: string; message: string }): string {
  const hint = error.code?.startsWith('keychain_') ? `${KEYCHAIN_HINT}\n` : '';
  return `Error: ${error.message}\n${hint}`;
}

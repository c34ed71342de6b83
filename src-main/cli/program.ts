/**
 * The command-line program: commander with our streams, exit codes and usage hints, one module
 * per command group. `runCli` runs one command line in-process, which is how the tests drive it.
 */
import { Command, CommanderError } from 'commander';
import { accountsGroup } from './accounts.ts';
import { servicesEnv, userDataOf, type ConnectionOptions } from './connection.ts';
import {
  failureText,
  type Cli,
  type CliIo,
  type CliServices,
  type CommandGroup,
  type EventListener,
} from './context.ts';
import { EXIT_CANCELLED, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './exit-codes.ts';
import { exportGroup } from './export.ts';
import { cliPorts } from './ports.ts';
import { syncGroup } from './sync.ts';
import { AppError } from '../errors.ts';
import type { Ports } from '../ports.ts';

export type { CliIo, CliOutput, CliServices, CliStdin } from './context.ts';
export { defaultUserDataDir } from './ports.ts';

const GROUPS: CommandGroup[] = [accountsGroup, syncGroup, exportGroup];

const PROGRAM = 'npm run cli --';

function mainHelp(): string {
  return `
At a glance:
${GROUPS.map((g) => g.synopsis).join('\n')}

Run \`${PROGRAM} <command> --help\` for a command's options.

Account options, on every command that talks to an account:
  --profile <label or id>  a stored account (default: the Environment account when TWILIO_* are set,
                           else the active account)
  --base-url <url>         API base URL for the Environment account (https, or http on loopback)
  --data-dir <dir>         data folder (default: $QM_DATA_DIR, else the app's own folder)

Environment: TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN, or with TWILIO_API_KEY and TWILIO_API_SECRET,
is the read-only "Environment" account; secrets never go on the command line.

Exit codes: 0 ok; 1 failed (stderr says what and why); 2 bad usage; 130 cancelled (Ctrl+C).`;
}

/** "npm run cli -- accounts add": a command's full name, for usage hints. */
function pathOf(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function withUsageHints(command: Command): void {
  command.showHelpAfterError(`Run \`${pathOf(command)} --help\` for usage.`);
  for (const sub of command.commands) withUsageHints(sub);
}

export function buildProgram(cli: Cli): Command {
  const { io } = cli;
  // Settings made before .command() are inherited by every subcommand.
  const program = new Command(PROGRAM)
    .description('QM Desk on the command line: the same accounts, store and sync as the app.')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      outputError: (text, write) => write(text.replace(/^error: /, 'Error: ')),
      getOutHelpWidth: () => (io.stdout.isTTY && io.stdout.columns ? io.stdout.columns : 80),
      getErrHelpWidth: () => (io.stderr.isTTY && io.stderr.columns ? io.stderr.columns : 80),
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .showSuggestionAfterError(true)
    .addHelpText('after', mainHelp());
  for (const group of GROUPS) group.register(program, cli);
  withUsageHints(program);
  return program;
}

/** Commander's own outcomes: help shown (0), or a usage error it already explained (2). */
function commanderExit(error: CommanderError): number {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT_OK;
  // `help` (0), or help shown because a command was missing (1 in commander's terms: bad usage).
  if (error.code === 'commander.help') return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  return EXIT_USAGE;
}

async function defaultServices(ports: Ports): Promise<CliServices> {
  // Loaded only when a command runs, so --help and usage errors need nothing else to load.
  const { createServices } = await import('../services.ts');
  return createServices(ports);
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const listeners = new Set<EventListener>();
  const toStderr = (line: string) => void io.stderr.write(`${line}\n`);
  let writeLog: (line: string) => void = toStderr;
  let services: Promise<CliServices> | undefined;
  const build = async (connection: ConnectionOptions): Promise<CliServices> => {
    const ports = await cliPorts(io, {
      userData: userDataOf(connection, io.env),
      env: servicesEnv(connection, io.env),
      emit: (name, payload) => {
        for (const listener of listeners) listener(name, payload);
      },
      log: (line) => writeLog(line),
    });
    return (io.services ?? defaultServices)(ports);
  };
  const cli: Cli = {
    io,
    exit: { code: EXIT_OK },
    // One command per run, so the first connection options are the run's.
    services: (connection) => (services ??= build(connection)),
    onEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    onInterrupt: (handler) => io.onInterrupt?.(handler) ?? (() => {}),
    routeLog(writeLine) {
      writeLog = writeLine;
      return () => void (writeLog = toStderr);
    },
  };

  try {
    await buildProgram(cli).parseAsync(argv, { from: 'user' });
    return cli.exit.code;
  } catch (error) {
    if (error instanceof CommanderError) return commanderExit(error);
    if (error instanceof AppError && error.code === 'cancelled') {
      io.stderr.write(`${error.message}\n`);
      return EXIT_CANCELLED;
    }
    const body =
      error instanceof AppError ? error : { message: error instanceof Error ? error.message : String(error) };
    io.stderr.write(failureText(body));
    return EXIT_FAILURE;
  } finally {
    await services?.then((s) => s.close()).catch(() => {});
  }
}

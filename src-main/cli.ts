/**
 * Headless entry over the same services as the app: `npm run cli -- accounts …`.
 * Secrets are read from standard input (hidden prompt on a terminal), never from argv.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { createKeytarSecrets, DEFAULT_KEYCHAIN_SERVICE } from './accounts/keytar-secrets.ts';
import type { AccountsService } from './accounts/service.ts';
import { AppError } from './errors.ts';
import { systemClock, type Ports, type SecretsPort } from './ports.ts';
import {
  ProfileInputSchema,
  SecretSchema,
  type AccountsState,
  type ProfileView,
} from '../src-preload/contract.ts';

export interface CliStdin extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export interface CliIo {
  stdin: CliStdin;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  /** The keychain; default keytar with the app's service name. */
  secrets?: SecretsPort;
  /** Builds the services from the CLI ports; default createServices (tests inject a fake network). */
  services?: (ports: Ports) => Promise<{ accounts: AccountsService; close(): Promise<void> }>;
}

const KEYCHAIN_HINT =
  'On the command line a secret cannot be kept for a session; instead set TWILIO_ACCOUNT_SID and ' +
  'TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and TWILIO_API_SECRET) to use the read-only "Environment" account.';

const EXIT_OK = 0;
const EXIT_FAIL = 1;
const EXIT_USAGE = 2;

/** Thrown for bad usage (exit 2). */
class UsageError extends Error {}

const GLOBAL_OPTIONS = {
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsOptionsConfig;

const GLOBAL_HELP = `Global options:
  --data-dir <dir>   Data folder (default: $QM_DATA_DIR, else the app's own folder)
  -h, --help         Show help`;

interface Command {
  usage: string;
  options: ParseArgsOptionsConfig;
  /** Names of the positional arguments after `accounts <command>`. */
  args: string[];
  run(ctx: Context): Promise<number>;
}

interface Context {
  /** Builds the services on first call, so usage errors are found before anything is touched. */
  accounts(): Promise<AccountsService>;
  values: Record<string, string | boolean | undefined>;
  args: string[];
  io: CliIo;
}

const COMMANDS: Record<string, Command> = {
  list: {
    usage: `Usage: accounts list [--json]

List the accounts, which one is active and whether its secret is stored.

Options:
  --json   Print the accounts state as JSON (no secrets are ever included)`,
    options: { json: { type: 'boolean' } },
    args: [],
    async run({ accounts, values, io }) {
      const state = await (await accounts()).list();
      reportState(state, io);
      io.stdout.write(values['json'] ? `${JSON.stringify(state, null, 2)}\n` : formatList(state));
      return EXIT_OK;
    },
  },
  add: {
    usage: `Usage: accounts add --label <label> --account-sid <AC…> [options] < secret

Add an account. The Auth Token (or, with --api-key, the API key secret) is read from standard
input; on a terminal it is asked for without echo. It never goes on the command line.

Options:
  --label <label>        A name for the account (unique)
  --account-sid <AC…>    The Account SID
  --api-key <SK…>        Authenticate with this API key instead of the Auth Token
  --region <region>      Twilio region, e.g. ie1
  --edge <edge>          Twilio edge, e.g. dublin
  --base-url <url>       A custom API base URL (https, or http on loopback for the simulator)
  --color <#rrggbb>      The account's colour`,
    options: {
      label: { type: 'string' },
      'account-sid': { type: 'string' },
      'api-key': { type: 'string' },
      region: { type: 'string' },
      edge: { type: 'string' },
      'base-url': { type: 'string' },
      color: { type: 'string' },
    },
    args: [],
    async run({ accounts, values, io }) {
      const profile = profileFromFlags(values);
      const what = profile.credential.kind === 'apiKey' ? 'API key secret' : 'Auth Token';
      const secret = SecretSchema.safeParse(await readSecret(io, `${what} (input hidden): `));
      if (!secret.success) {
        throw new UsageError(
          `No ${what} on standard input. Pipe it in, e.g. printf %s "$TOKEN" | npm run cli -- accounts add …`,
        );
      }
      const service = await accounts();
      const added = await service.add({ profile, secret: secret.data, sessionOnly: false });
      const { activeId } = await service.list();
      io.stdout.write(
        `Added “${added.label}” (${added.id}).${activeId === added.id ? ' It is the active account.' : ''}\n`,
      );
      return EXIT_OK;
    },
  },
  test: {
    usage: `Usage: accounts test <label>

Test the connection of an account with its stored secret.`,
    options: {},
    args: ['label'],
    async run({ accounts, args, io }) {
      const service = await accounts();
      const profile = await resolve(service, args[0] ?? '');
      const result = await service.test({ id: profile.id });
      const ms = result.ms === null ? '' : ` (${result.ms} ms)`;
      const line = `“${profile.label}”: ${result.status} — ${result.message}${ms}\n`;
      if (result.status === 'ok') io.stdout.write(line);
      else io.stderr.write(line);
      return result.status === 'ok' ? EXIT_OK : EXIT_FAIL;
    },
  },
  use: {
    usage: `Usage: accounts use <label>

Make an account the active one.`,
    options: {},
    args: ['label'],
    async run({ accounts, args, io }) {
      const service = await accounts();
      const profile = await resolve(service, args[0] ?? '');
      await service.use({ id: profile.id });
      io.stdout.write(`Active account: “${profile.label}”.\n`);
      return EXIT_OK;
    },
  },
  remove: {
    usage: `Usage: accounts remove <label> [--delete-data]

Remove an account and its keychain entry.

Options:
  --delete-data   Also delete the account's data folder (cached assessments)`,
    options: { 'delete-data': { type: 'boolean' } },
    args: ['label'],
    async run({ accounts, values, args, io }) {
      const service = await accounts();
      const profile = await resolve(service, args[0] ?? '');
      const deleteData = values['delete-data'] === true;
      await service.remove({ id: profile.id, deleteData });
      const data = deleteData
        ? 'Its data folder was deleted.'
        : `Its data folder was kept: ${service.dataDirOf(profile.id)}`;
      io.stdout.write(`Removed “${profile.label}”. ${data}\n`);
      return EXIT_OK;
    },
  },
};

const MAIN_HELP = `Usage: npm run cli -- accounts <command> [options]

Commands:
  accounts list [--json]                 List the accounts
  accounts add --label <l> --account-sid <AC…> [--api-key <SK…>] [--region <r>] [--edge <e>]
               [--base-url <url>] [--color <#rrggbb>]
                                         Add an account (secret on standard input)
  accounts test <label>                  Test an account's connection
  accounts use <label>                   Make an account the active one
  accounts remove <label> [--delete-data]
                                         Remove an account

Run \`accounts <command> --help\` for a command's options.

${GLOBAL_HELP}
`;

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed: { command: Command; values: Context['values']; args: string[] } | 'help';
  try {
    parsed = parseCommand(argv, io);
  } catch (error) {
    if (!(error instanceof UsageError || isParseArgsError(error))) throw error;
    io.stderr.write(`${(error as Error).message}\nRun with --help for usage.\n`);
    return EXIT_USAGE;
  }
  if (parsed === 'help') return EXIT_OK;

  const { command, values, args } = parsed;
  let services: Promise<Awaited<ReturnType<NonNullable<CliIo['services']>>>> | undefined;
  const accounts = async (): Promise<AccountsService> => {
    const userData =
      (values['data-dir'] as string | undefined) || io.env['QM_DATA_DIR'] || defaultUserDataDir();
    services ??= cliPorts(userData, io).then(io.services ?? defaultServices);
    return (await services).accounts;
  };
  try {
    return await command.run({ accounts, values, args, io });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${error.message}\nRun with --help for usage.\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof AppError && error.code.startsWith('keychain_')) {
      // "Session only" means nothing for a one-shot command; the environment is its equivalent.
      io.stderr.write(`${KEYCHAIN_HINT}\n`);
    }
    return EXIT_FAIL;
  } finally {
    await services?.then((s) => s.close()).catch(() => {});
  }
}

function parseCommand(
  argv: string[],
  io: CliIo,
): { command: Command; values: Context['values']; args: string[] } | 'help' {
  // First pass, lenient, only to find `accounts <command>` (every option that takes a value is declared).
  const all: ParseArgsOptionsConfig = { ...GLOBAL_OPTIONS };
  for (const c of Object.values(COMMANDS)) Object.assign(all, c.options);
  const loose = parseArgs({ args: argv, options: all, strict: false, allowPositionals: true });
  const [group, name] = loose.positionals;
  const help = loose.values['help'] === true;

  if (group === undefined || (group === 'accounts' && name === undefined)) {
    if (!help)
      throw new UsageError(
        group ? 'Missing command: accounts list | add | test | use | remove.' : 'Missing command.',
      );
    io.stdout.write(MAIN_HELP);
    return 'help';
  }
  if (group !== 'accounts') throw new UsageError(`Unknown command “${group}”. Try: accounts list.`);
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command)
    throw new UsageError(
      `Unknown command “accounts ${name}”. Commands: ${Object.keys(COMMANDS).join(', ')}.`,
    );

  const strict = parseArgs({
    args: argv,
    options: { ...GLOBAL_OPTIONS, ...command.options },
    strict: true,
    allowPositionals: true,
  });
  if (strict.values.help) {
    io.stdout.write(`${command.usage}\n\n${GLOBAL_HELP}\n`);
    return 'help';
  }
  const args = strict.positionals.slice(2);
  if (args.length !== command.args.length) {
    const expected = command.args.length ? command.args.map((a) => `<${a}>`).join(' ') : 'no arguments';
    throw new UsageError(`accounts ${name} takes ${expected}, got ${args.length ? args.join(' ') : 'none'}.`);
  }
  return { command, values: strict.values as Context['values'], args };
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

const FLAG_OF: Record<string, string> = {
  label: '--label',
  accountSid: '--account-sid',
  credential: '--api-key',
  region: '--region',
  edge: '--edge',
  baseUrl: '--base-url',
  color: '--color',
};

/** The same schema the app's form goes through; a bad flag is a usage error. */
function profileFromFlags(values: Context['values']) {
  const str = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const apiKey = str('api-key');
  const parsed = ProfileInputSchema.safeParse({
    label: str('label') ?? '',
    accountSid: str('account-sid') ?? '',
    credential: apiKey === undefined ? { kind: 'authToken' } : { kind: 'apiKey', apiKeySid: apiKey },
    region: str('region') ?? null,
    edge: str('edge') ?? null,
    baseUrl: str('base-url') ?? null,
    color: str('color'),
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `${FLAG_OF[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`,
    );
    throw new UsageError(lines.join('\n'));
  }
  return parsed.data;
}

async function resolve(accounts: AccountsService, labelOrId: string): Promise<ProfileView> {
  const { profiles } = await accounts.list();
  const wanted = labelOrId.trim().toLowerCase();
  const found =
    profiles.find((p) => p.label.toLowerCase() === wanted) ?? profiles.find((p) => p.id === labelOrId);
  if (!found)
    throw new AppError(
      'profile_not_found',
      `No account called “${labelOrId}”. Run \`accounts list\` to see them.`,
    );
  return found;
}

function reportState(state: AccountsState, io: CliIo): void {
  if (state.recovered) {
    io.stderr.write(`Warning: ${state.recovered.reason} It was moved to ${state.recovered.movedTo}.\n`);
  }
  if (!state.keychain.usable) io.stderr.write(`Warning: ${state.keychain.message} ${state.keychain.fix}\n`);
}

function formatList(state: AccountsState): string {
  if (state.profiles.length === 0)
    return 'No accounts yet. Add one with: accounts add --label <label> --account-sid <AC…>\n';
  const rows = state.profiles.map((p) => [
    p.id === state.activeId ? '*' : ' ',
    p.label,
    p.accountSid,
    p.credential.kind === 'apiKey' ? `API key ${p.credential.apiKeySid}` : 'Auth Token',
    [p.region, p.edge].filter(Boolean).join('/') || '-',
    p.hasSecret ? (p.sessionOnly ? 'session only' : 'secret stored') : 'NO SECRET',
    p.source === 'env' ? '(environment, read-only)' : '',
  ]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** Reads the secret: hidden prompt on a terminal, else all of standard input (trimmed). */
async function readSecret(io: CliIo, prompt: string): Promise<string> {
  const { stdin } = io;
  if (stdin.isTTY && stdin.setRawMode) return readHidden(stdin, io, prompt);
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.length > 4096) throw new UsageError('Standard input is too long to be a secret.');
  }
  return text.trim();
}

function readHidden(stdin: CliStdin, io: CliIo, prompt: string): Promise<string> {
  io.stderr.write(prompt);
  stdin.setRawMode?.(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolvePromise, reject) => {
    let typed = '';
    const done = (error: Error | null) => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.stderr.write('\n');
      if (error) reject(error);
      else resolvePromise(typed.trim());
    };
    const onData = (chunk: string | Buffer) => {
      for (const ch of String(chunk)) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done(null);
        if (ch === '\u0003') return done(new Error('Cancelled.'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}

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

async function cliPorts(userData: string, io: CliIo): Promise<Ports> {
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return {
    secrets: io.secrets ?? createKeytarSecrets({ service: DEFAULT_KEYCHAIN_SERVICE }),
    paths: { userData },
    shell: { openPath: async () => {} },
    clock: systemClock,
    events: { emit: () => {} },
    runtime: { appVersion: pkg.version, electronVersion: null },
    env: io.env,
  };
}

async function defaultServices(ports: Ports) {
  // Loaded only when a command runs, so --help and usage errors need nothing else to load.
  const { createServices } = await import('./services.ts');
  return createServices(ports);
}

if (import.meta.main) {
  const code = await runCli(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  });
  process.exitCode = code;
  // A keychain call that timed out can leave a native worker running; it must not keep us alive.
  setTimeout(() => process.exit(code), 2_000).unref();
}

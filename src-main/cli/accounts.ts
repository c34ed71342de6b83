/** `accounts list | add | test | use | remove`: the account registry from the command line. */
import type { Command } from 'commander';
import { addConnectionOptions, profileByLabel, selectProfile, type ConnectionOptions } from './connection.ts';
import { action, type Cli, type CommandGroup } from './context.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './exit-codes.ts';
import { readSecret } from './secret-input.ts';
import {
  ProfileInputSchema,
  SecretSchema,
  type AccountsState,
  type Profile,
} from '../../src-preload/contract.ts';

interface AddFlags extends ConnectionOptions {
  label: string;
  accountSid: string;
  apiKey?: string;
  region?: string;
  edge?: string;
  color?: string;
}

export const accountsGroup: CommandGroup = {
  synopsis: `  accounts list [--json]                 list the accounts
  accounts add --label <l> --account-sid <AC…> [--api-key <SK…>] [--region <r>] [--edge <e>]
               [--base-url <url>] [--color <#rrggbb>]
                                         add an account (secret on standard input)
  accounts test [label]                  test an account's connection
  accounts use <label>                   make an account the active one
  accounts remove <label> [--delete-data]
                                         remove an account`,
  register: registerAccounts,
};

function registerAccounts(program: Command, cli: Cli): void {
  const accounts = program
    .command('accounts')
    .summary('add, list, switch, test and remove accounts')
    .description('Add, list, switch, test and remove the accounts QM Desk knows (shared with the app).')
    .addHelpText(
      'after',
      `
Secrets are read from standard input (a hidden prompt on a terminal), never from the command line.`,
    );

  const list = accounts
    .command('list')
    .summary('list the accounts')
    .description('List the accounts, which one is active and whether its secret is stored.')
    .option('--json', 'print the accounts state as JSON (no secrets are ever included)');
  addConnectionOptions(list, { account: false }).action(
    action(cli, async (flags: ConnectionOptions & { json?: boolean }) => {
      const state = await (await cli.services(flags)).accounts.list();
      reportState(state, cli);
      cli.io.stdout.write(flags.json ? `${JSON.stringify(state, null, 2)}\n` : formatList(state));
      return EXIT_OK;
    }),
  );

  const add = accounts
    .command('add')
    .summary('add an account (secret on standard input)')
    .description(
      'Add an account. The Auth Token (or, with --api-key, the API key secret) is read from standard ' +
        'input; on a terminal it is asked for without echo. It never goes on the command line.',
    )
    .requiredOption('--label <label>', 'a name for the account (unique)')
    .requiredOption('--account-sid <AC…>', 'the Account SID')
    .option('--api-key <SK…>', 'authenticate with this API key instead of the Auth Token')
    .option('--region <region>', 'Twilio region, e.g. ie1')
    .option('--edge <edge>', 'Twilio edge, e.g. dublin')
    .option('--base-url <url>', 'a custom API base URL (https, or http on loopback for the simulator)')
    .option('--color <#rrggbb>', "the account's colour")
    .addHelpText(
      'after',
      `
Example:
  printf %s "$TOKEN" | npm run cli -- accounts add --label "Support EU" --account-sid AC… --region ie1`,
    );
  addConnectionOptions(add, { account: false }).action(
    action(cli, async (flags: AddFlags) => {
      const profile = profileFromFlags(flags);
      const what = profile.credential.kind === 'apiKey' ? 'API key secret' : 'Auth Token';
      const secret = SecretSchema.safeParse(await readSecret(cli.io, `${what} (input hidden): `));
      if (!secret.success) {
        throw new UsageError(
          `No ${what} on standard input. Pipe it in, e.g. printf %s "$TOKEN" | npm run cli -- accounts add …`,
        );
      }
      // --base-url here is the new account's own address, not a connection option.
      const service = (await cli.services({ dataDir: flags.dataDir })).accounts;
      const added = await service.add({ profile, secret: secret.data, sessionOnly: false });
      const { activeId } = await service.list();
      cli.io.stdout.write(
        `Added “${added.label}” (${added.id}).${activeId === added.id ? ' It is the active account.' : ''}\n`,
      );
      return EXIT_OK;
    }),
  );

  const test = accounts
    .command('test')
    .summary("test an account's connection")
    .argument(
      '[label]',
      'the account (default: the Environment account when TWILIO_* are set, else the active one)',
    )
    .description('Test the connection of an account with its stored secret (or the Environment account’s).');
  addConnectionOptions(test, { account: true }).action(
    action(cli, async (label: string | undefined, flags: ConnectionOptions) => {
      if (label !== undefined && flags.profile !== undefined)
        throw new UsageError('Name the account once: as <label> or with --profile, not both.');
      const services = await cli.services(flags);
      const profile = await selectProfile(services.accounts, { ...flags, profile: label ?? flags.profile });
      const result = await services.accounts.test({ id: profile.id });
      const ms = result.ms === null ? '' : ` (${result.ms} ms)`;
      const line = `“${profile.label}”: ${result.status} — ${result.message}${ms}\n`;
      (result.status === 'ok' ? cli.io.stdout : cli.io.stderr).write(line);
      return result.status === 'ok' ? EXIT_OK : EXIT_FAILURE;
    }),
  );

  const use = accounts
    .command('use')
    .summary('make an account the active one')
    .argument('<label>', 'the account, by label (any case) or id')
    .description('Make an account the active one.');
  addConnectionOptions(use, { account: false }).action(
    action(cli, async (label: string, flags: ConnectionOptions) => {
      const service = (await cli.services(flags)).accounts;
      const profile = await profileByLabel(service, label);
      await service.use({ id: profile.id });
      cli.io.stdout.write(`Active account: “${profile.label}”.\n`);
      return EXIT_OK;
    }),
  );

  const remove = accounts
    .command('remove')
    .summary('remove an account')
    .argument('<label>', 'the account, by label (any case) or id')
    .description('Remove an account and its keychain entry.')
    .option('--delete-data', "also delete the account's data folder (cached assessments)");
  addConnectionOptions(remove, { account: false }).action(
    action(cli, async (label: string, flags: ConnectionOptions & { deleteData?: boolean }) => {
      const service = (await cli.services(flags)).accounts;
      const profile = await profileByLabel(service, label);
      const deleteData = flags.deleteData === true;
      await service.remove({ id: profile.id, deleteData });
      const data = deleteData
        ? 'Its data folder was deleted.'
        : `Its data folder was kept: ${service.dataDirOf(profile.id)}`;
      cli.io.stdout.write(`Removed “${profile.label}”. ${data}\n`);
      return EXIT_OK;
    }),
  );
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
function profileFromFlags(flags: AddFlags): Profile {
  const parsed = ProfileInputSchema.safeParse({
    label: flags.label,
    accountSid: flags.accountSid,
    credential:
      flags.apiKey === undefined ? { kind: 'authToken' } : { kind: 'apiKey', apiKeySid: flags.apiKey },
    region: flags.region ?? null,
    edge: flags.edge ?? null,
    baseUrl: flags.baseUrl ?? null,
    color: flags.color,
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `${FLAG_OF[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`,
    );
    throw new UsageError(lines.join('\n'));
  }
  return parsed.data;
}

function reportState(state: AccountsState, cli: Cli): void {
  const { stderr } = cli.io;
  if (state.recovered) {
    stderr.write(`Warning: ${state.recovered.reason} It was moved to ${state.recovered.movedTo}.\n`);
  }
  if (!state.keychain.usable) stderr.write(`Warning: ${state.keychain.message} ${state.keychain.fix}\n`);
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

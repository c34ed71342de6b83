/**
 * The connection options every command that touches an account takes, and the rules for which
 * account that is. Secrets never come from argv: a stored account's from the keychain, the
 * Environment account's from TWILIO_* variables (as twilio-cli reads them).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { UsageError } from './exit-codes.ts';
import { defaultUserDataDir } from './ports.ts';
import { checkBaseUrl } from '../accounts/base-url.ts';
import type { AccountsService } from '../accounts/service.ts';
import { AppError } from '../errors.ts';
import type { ProfileView } from '../../src-preload/contract.ts';

export interface ConnectionOptions {
  dataDir?: string;
  profile?: string;
  baseUrl?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** https anywhere, or http on loopback: the Flex client's own rule, checked before anything runs. */
function parseBaseUrl(value: string): string {
  try {
    return checkBaseUrl(value.trim()) ?? value;
  } catch (error) {
    if (error instanceof AppError) throw new InvalidArgumentError(error.message);
    throw error;
  }
}

/** `--data-dir` always; `--profile` and `--base-url` when the command talks to an account's API. */
export function addConnectionOptions(command: Command, options: { account: boolean }): Command {
  command.option('--data-dir <dir>', "data folder (default: $QM_DATA_DIR, else the app's own folder)");
  if (!options.account) return command;
  return command
    .option(
      '--profile <label or id>',
      'the account: a stored account by label (any case) or id; default: the Environment account when TWILIO_* are set, else the active account',
    )
    .option(
      '--base-url <url>',
      'API base URL for the Environment account (https, or http on loopback for the simulator); a stored account keeps its own, edit it to change it',
      parseBaseUrl,
    );
}

export function userDataOf(connection: ConnectionOptions, env: Env): string {
  return connection.dataDir || env['QM_DATA_DIR'] || defaultUserDataDir();
}

/** The environment the services see: --base-url reaches the Environment account as QM_BASE_URL. */
export function servicesEnv(connection: ConnectionOptions, env: Env): Env {
  return connection.baseUrl === undefined ? env : { ...env, QM_BASE_URL: connection.baseUrl };
}

/** An account by label (any case) or id, or what to do when there is none. */
function mustFind(profiles: ProfileView[], labelOrId: string): ProfileView {
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

export async function profileByLabel(accounts: AccountsService, labelOrId: string): Promise<ProfileView> {
  return mustFind((await accounts.list()).profiles, labelOrId);
}

const NO_ACCOUNT =
  'No account to use. Name one with --profile <label>, make one active with `accounts use <label>`, ' +
  'add one with `accounts add`, or set TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and TWILIO_API_SECRET).';

/** The base URL a profile sends its secret to, comparable across spellings (trailing slash, case). */
function destination(baseUrl: string): string {
  return new URL(baseUrl).href.replace(/\/+$/, '');
}

/**
 * Which account a command uses: --profile names one; without it the Environment account when
 * TWILIO_* are set, else the active one. --base-url may point the Environment account somewhere,
 * but never sends a stored account's secret to a new address.
 */
export async function selectProfile(
  accounts: AccountsService,
  connection: ConnectionOptions,
): Promise<ProfileView> {
  const { profiles, activeId } = await accounts.list();
  let chosen: ProfileView | undefined;
  if (connection.profile !== undefined) chosen = mustFind(profiles, connection.profile);
  else {
    chosen = profiles.find((p) => p.source === 'env');
    // TWILIO_* that are set but unusable must not quietly fall back to a stored account.
    const problem = chosen ? null : accounts.envProblem();
    if (problem)
      throw new AppError(
        problem.code,
        `${problem.message} Fix the variables, or unset them to use a stored account.`,
      );
    chosen ??= profiles.find((p) => p.id === activeId);
    if (!chosen) throw new AppError('profile_not_found', NO_ACCOUNT);
  }
  if (connection.baseUrl === undefined) return chosen;
  const wanted = destination(connection.baseUrl);
  const own = chosen.baseUrl === null ? null : destination(chosen.baseUrl);
  if (own === wanted) return chosen;
  if (chosen.source === 'file') {
    throw new UsageError(
      `--base-url does not apply to the stored account “${chosen.label}”: its secret is only ever sent to ` +
        `${chosen.baseUrl ?? 'Twilio'}. Edit the account to change its API address, or drop --base-url.`,
    );
  }
  throw new AppError(
    'invalid_base_url',
    `The Environment account did not take --base-url ${connection.baseUrl} (it would use ${chosen.baseUrl ?? 'Twilio'}); nothing was sent.`,
  );
}

import { checkBaseUrl } from './base-url.ts';
import { accountsError } from './errors.ts';
import type { AppError } from '../errors.ts';
import { ProfileInputSchema, SecretSchema, type Profile } from '../../src-preload/contract.ts';

/** The fixed id of the read-only profile built from TWILIO_* variables. */
export const ENV_PROFILE_ID = 'env';

/** What to check when Twilio refuses the Environment account: it has nothing to edit in the app. */
export const ENV_CREDENTIALS_HINT =
  'The Environment account signs in with TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or TWILIO_API_KEY ' +
  'and TWILIO_API_SECRET): check those variables.';
const ENV_PROFILE_LABEL = 'Environment';
const UNAVAILABLE = 'The Environment account (TWILIO_* variables) is not available:';

/** What the variables give: nothing set, a usable profile, or why the ones set cannot be used. */
export type EnvProfile =
  | { status: 'none' }
  | { status: 'ok'; profile: Profile; secret: string }
  | { status: 'invalid'; error: AppError };

/** The variable behind each profile field, to name it in a message. */
const VARIABLE: Record<string, string> = {
  accountSid: 'TWILIO_ACCOUNT_SID',
  credential: 'TWILIO_API_KEY',
  region: 'TWILIO_REGION',
  edge: 'TWILIO_EDGE',
  baseUrl: 'QM_BASE_URL',
};

/**
 * Credentials from the environment, read like twilio-cli reads them: TWILIO_ACCOUNT_SID with
 * TWILIO_API_KEY + TWILIO_API_SECRET (preferred) or TWILIO_AUTH_TOKEN; TWILIO_REGION, TWILIO_EDGE.
 * QM_BASE_URL (optional) points this profile at another API address, such as a local simulator:
 * https, or http on loopback only. None of the TWILIO_* credential variables set gives no profile;
 * some set but unusable gives the reason, naming the variable.
 */
export function readEnvProfile(env: Readonly<Record<string, string | undefined>>): EnvProfile {
  const accountSid = env['TWILIO_ACCOUNT_SID'];
  const apiKey = env['TWILIO_API_KEY'];
  const apiSecret = env['TWILIO_API_SECRET'];
  const authToken = env['TWILIO_AUTH_TOKEN'];
  if (!accountSid && !apiKey && !apiSecret && !authToken) return { status: 'none' };
  const pair =
    apiKey && apiSecret
      ? { credential: { kind: 'apiKey', apiKeySid: apiKey }, secret: apiSecret, from: 'TWILIO_API_SECRET' }
      : authToken
        ? { credential: { kind: 'authToken' }, secret: authToken, from: 'TWILIO_AUTH_TOKEN' }
        : null;
  if (!pair) {
    return invalid(
      'profile_not_found',
      `set TWILIO_AUTH_TOKEN, or TWILIO_API_KEY with TWILIO_API_SECRET, beside TWILIO_ACCOUNT_SID.`,
    );
  }
  if (!accountSid) return invalid('profile_not_found', 'TWILIO_ACCOUNT_SID is not set.');
  const parsed = ProfileInputSchema.safeParse({
    label: ENV_PROFILE_LABEL,
    accountSid,
    credential: pair.credential,
    region: env['TWILIO_REGION'] || null,
    edge: env['TWILIO_EDGE'] || null,
    baseUrl: env['QM_BASE_URL']?.trim() || null,
    color: '#64748b',
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? '');
    // The schema's own texts: they describe the expected shape and never quote the value.
    return invalid(
      field === 'baseUrl' ? 'invalid_base_url' : 'profile_not_found',
      `${VARIABLE[field] ?? field}: ${issue?.message ?? 'invalid'}`,
    );
  }
  if (!SecretSchema.safeParse(pair.secret).success) {
    return invalid('profile_not_found', `${pair.from} is longer than a Twilio secret can be.`);
  }
  try {
    checkBaseUrl(parsed.data.baseUrl);
  } catch (error) {
    return invalid('invalid_base_url', `QM_BASE_URL: ${(error as Error).message}`);
  }
  return { status: 'ok', profile: parsed.data, secret: pair.secret };
}

/** The environment profile's data folder: named after its Account SID, so two accounts never share one. */
export function envDataFolder(accountSid: string): string {
  return `env-${accountSid.toLowerCase()}`;
}

function invalid(code: 'profile_not_found' | 'invalid_base_url', reason: string): EnvProfile {
  return {
    status: 'invalid',
    error: accountsError(code, `${UNAVAILABLE} ${reason}`, { id: ENV_PROFILE_ID }),
  };
}

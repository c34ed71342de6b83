import { ProfileInputSchema, SecretSchema, type Profile } from '../../src-preload/contract.ts';

/** The fixed id of the read-only profile built from TWILIO_* variables. */
export const ENV_PROFILE_ID = 'env';
const ENV_PROFILE_LABEL = 'Environment';

/**
 * Credentials from the environment, read like twilio-cli reads them: TWILIO_ACCOUNT_SID with
 * TWILIO_API_KEY + TWILIO_API_SECRET (preferred) or TWILIO_AUTH_TOKEN; TWILIO_REGION, TWILIO_EDGE.
 * Incomplete or malformed variables give no profile.
 */
export function readEnvProfile(
  env: Readonly<Record<string, string | undefined>>,
): { profile: Profile; secret: string } | null {
  const apiKey = env['TWILIO_API_KEY'];
  const apiSecret = env['TWILIO_API_SECRET'];
  const authToken = env['TWILIO_AUTH_TOKEN'];
  const pair =
    apiKey && apiSecret
      ? { credential: { kind: 'apiKey', apiKeySid: apiKey }, secret: apiSecret }
      : authToken
        ? { credential: { kind: 'authToken' }, secret: authToken }
        : null;
  if (!pair) return null;
  const profile = ProfileInputSchema.safeParse({
    label: ENV_PROFILE_LABEL,
    accountSid: env['TWILIO_ACCOUNT_SID'] ?? '',
    credential: pair.credential,
    region: env['TWILIO_REGION'] || null,
    edge: env['TWILIO_EDGE'] || null,
    baseUrl: null,
    color: '#64748b',
  });
  const secret = SecretSchema.safeParse(pair.secret);
  return profile.success && secret.success ? { profile: profile.data, secret: secret.data } : null;
}

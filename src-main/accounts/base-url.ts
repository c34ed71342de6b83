import { accountsError } from './errors.ts';
import { isFlexError } from '../flex/errors.ts';
import { resolveEndpoint } from '../flex/hosts.ts';

/**
 * A custom base URL must be one the Flex client will actually use: https, or plain http to this
 * machine only (the local simulator), so credentials never cross a network in clear text.
 * The client's own rule decides, so a profile can never be saved with a URL it would refuse.
 */
export function checkBaseUrl(value: string | null): string | null {
  if (value === null) return null;
  try {
    resolveEndpoint({ region: null, edge: null, baseUrl: value });
  } catch (error) {
    if (isFlexError(error)) throw accountsError('invalid_base_url', error.message);
    throw error;
  }
  return value;
}

/** Where a profile's secret is sent: Twilio's own hosts, or the origin of its custom base URL. */
export function secretDestination(baseUrl: string | null): string {
  return baseUrl === null ? 'twilio' : new URL(baseUrl).origin;
}

import { accountsError } from './errors.ts';

/**
 * A custom base URL must be https, or plain http to this machine only (the local simulator), so
 * credentials never cross a network in clear text. The contract checks the shape; this the scheme.
 */
export function checkBaseUrl(value: string | null): string | null {
  if (value === null) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('Enter a full URL such as https://flex-api.example.com.');
  }
  if (url.username || url.password) throw invalid('Leave the user name and password out of the base URL.');
  if (url.protocol === 'https:') return value;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return value;
  throw invalid(
    'The base URL must start with https:// (plain http is allowed only for 127.0.0.1, ::1 or localhost).',
  );
}

function isLoopback(hostname: string): boolean {
  // WHATWG URL hostnames are already lowercase, IPv4 normalised (127.1 -> 127.0.0.1) and IPv6 bracketed.
  return (
    hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

function invalid(message: string) {
  return accountsError('invalid_base_url', message);
}

import { FlexError } from './errors.ts';

export const TWILIO_BASE_URL = 'https://flex-api.twilio.com';
const DEFAULT_REGION = 'us1';
const REGION = /^[a-z]{2,4}[0-9]$/;
const EDGE = /^[a-z]+(-[a-z]+)*$/;

/**
 * twilio-node's `getHostname` (lib/base/BaseTwilio.js), rule for rule: the last two labels are
 * the domain; the labels before it are product[.edge][.region] (a single extra label is a region);
 * the target region wins, then the host's own, then `us1` when only an edge is given; no region
 * at all leaves the host alone.
 */
export function twilioHostname(hostname: string, edge: string | null, region: string | null): string {
  const domain = hostname.split('.').slice(-2).join('.');
  const prefix = hostname.split(`.${domain}`)[0] ?? '';
  const [product] = prefix.split('.');
  let [, hostEdge, hostRegion] = prefix.split('.');
  if (hostEdge && !hostRegion) {
    hostRegion = hostEdge;
    hostEdge = undefined;
  }
  const finalRegion = region || hostRegion || (edge ? DEFAULT_REGION : undefined);
  if (!finalRegion) return hostname;
  const finalEdge = edge || hostEdge;
  return [product, finalEdge, finalRegion, domain].filter((part) => part).join('.');
}

/** Where requests go. `rewrite` is set when every URL (next pages too) gets twilio-node's host rule. */
export interface Endpoint {
  /** Origin plus an optional path prefix, without a trailing slash. */
  base: string;
  origin: string;
  rewrite: ((url: URL) => URL) | null;
}

function invalid(message: string): FlexError {
  return new FlexError('invalid_target', message);
}

export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  // WHATWG URL has already normalised IPv4 forms (0x7f.1, 2130706433) to dotted decimal.
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * A custom base URL wins over region and edge (the simulator lives on 127.0.0.1, which the
 * Twilio host rule would mangle). It must be https, or http on a loopback address.
 */
export function resolveEndpoint(target: {
  region: string | null;
  edge: string | null;
  baseUrl: string | null;
}): Endpoint {
  const region = target.region?.trim().toLowerCase() || null;
  const edge = target.edge?.trim().toLowerCase() || null;
  if (target.baseUrl !== null && target.baseUrl.trim() !== '') {
    let url: URL;
    try {
      url = new URL(target.baseUrl.trim());
    } catch {
      throw invalid('The custom API URL is not a valid URL. Enter one such as https://flex-api.example.com.');
    }
    if (url.username || url.password) {
      throw invalid(
        'The custom API URL must not contain a user name or password; QM Desk sends the credentials itself.',
      );
    }
    if (url.search || url.hash) {
      throw invalid('The custom API URL must not have a query (?…) or fragment (#…).');
    }
    const secure = url.protocol === 'https:';
    const loopbackHttp = url.protocol === 'http:' && isLoopbackHost(url.hostname);
    if (!secure && !loopbackHttp) {
      throw invalid(
        'The custom API URL must start with https:// (plain http:// is allowed only for a simulator on this computer: localhost, 127.0.0.1 or [::1]).',
      );
    }
    const path = url.pathname.replace(/\/+$/, '');
    return { base: url.origin + path, origin: url.origin, rewrite: null };
  }
  if (region !== null && !REGION.test(region)) throw invalid('A region looks like us1, ie1 or au1.');
  if (edge !== null && !EDGE.test(edge)) throw invalid('An edge looks like ashburn, dublin or sydney.');

  const rewrite = (url: URL): URL => {
    const out = new URL(url.href);
    out.hostname = twilioHostname(url.hostname, edge, region);
    return out;
  };
  const origin = rewrite(new URL(TWILIO_BASE_URL)).origin;
  return { base: origin, origin, rewrite };
}
